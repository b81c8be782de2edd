"""Portal pages of the finance app. The credit-cost tool is public: no sign-in needed."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.http import request_user
from backend.accounts.models import User
from backend.lib.errors import DomainError
from backend.lib.formats import country_name, parse_local_amount
from backend.lib.geography import COUNTRIES
from backend.lib.validation import parse_date, parse_id
from backend.programmes import access as programme_access

from . import access, selectors, services
from .models import AttemptKind, Lesson, LessonProgress
from .schemas import GoalOut

FREQUENCIES = [
    ("daily", gettext_lazy("Every day")),
    ("daily_except_sunday", gettext_lazy("Every day except Sunday")),
    ("weekly", gettext_lazy("Every week")),
    ("monthly", gettext_lazy("Every month")),
]
FIELDS = ("country", "amount_received", "repayment", "frequency", "payments")


def _default_country(request: HttpRequest) -> str:
    programme = programme_access.participant_programmes(request.user).order_by("pk").first()
    return programme.country if programme else ""


def credit_cost(request: HttpRequest) -> HttpResponse:
    values = {f: request.GET.get(f, "").strip()[:40] for f in FIELDS}
    values["country"] = (values["country"] or _default_country(request)).upper()
    errors: dict[str, str] = {}
    result: dict[str, Any] | None = None
    if all(values[f] for f in FIELDS if f != "country") or "payments" in request.GET:
        result, errors = _compute(values)
    context = {
        "values": values,
        "errors": errors,
        "result": result,
        "countries": [
            (c.code, country_name(c.code, translation.get_language())) for c in COUNTRIES.values()
        ],
        "frequencies": FREQUENCIES,
    }
    return render(request, "finance/credit_cost.html", context)


def _compute(values: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    missing = {f: _("This field is required.") for f in FIELDS if not values[f]}
    if missing:
        return None, missing
    try:
        payments = int(values["payments"])
    except ValueError:
        return None, {"payments": _("Enter a whole number.")}
    try:
        result = services.credit_cost(
            country=values["country"],
            amount_received=_number(values, "amount_received"),
            repayment=_number(values, "repayment"),
            payments=payments,
            frequency=values["frequency"],
        )
    except DomainError as exc:
        field = (exc.field or "").rsplit(".", 1)[-1] or "form"
        return None, {field: str(exc.message)}
    return result, {}


def _number(values: dict[str, str], field: str) -> object:
    """Reads an amount the local way: "500.000" is half a million pesos, not 500."""
    country = COUNTRIES.get(values["country"])
    if country is None:
        return values[field]  # the service says the country is unknown
    return parse_local_amount(values[field], country.currency, field=field)


# --- participants' pages ------------------------------------------------------------------


def _language() -> str:
    return selectors.check_language(translation.get_language() or "es")


@login_required
def lessons(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    module = selectors.get_module(selectors.CORE_MODULE)
    done = LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"))
    rows = module.lessons.annotate(completed=Exists(done)).order_by("order")
    language = _language()
    context = {
        "module_title": module.text_for("title", language),
        "lessons": [
            {"id": r.pk, "title": r.text_for("title", language), "completed": r.completed}
            for r in rows
        ],
        "progress": selectors.learner_progress(user, module),
        "learner": access.finance_learner(user),
    }
    return render(request, "finance/lessons.html", context)


@login_required
def lesson_page(request: HttpRequest, lesson_id: int) -> HttpResponse:
    user = request_user(request)
    lesson = selectors.lesson_with_quiz(lesson_id)
    if lesson is None:
        raise Http404
    language = _language()
    marked: dict[int, Any] = {}
    score = None
    if request.method == "POST":
        try:
            if "complete" in request.POST:
                services.complete_lesson(user=user, lesson=lesson)
                messages.success(request, _("Lesson marked as read."))
                return redirect("finance_lesson", lesson_id=lesson.pk)
            answers = _posted_answers(request, lesson)
            attempt, result = services.answer_quiz(user=user, lesson=lesson, answers=answers)
            score = attempt.score
            marked = {m.question.pk: m for m in result}
        except DomainError as exc:
            messages.error(request, str(exc.message))
    data = selectors.lesson_dict(lesson, language, reveal=False)
    for question in data["quiz"]:
        mark = marked.get(question["id"])
        if mark is not None:
            question["chosen"] = mark.choice.pk
            question["is_correct"] = mark.choice.is_correct
            question["explanation"] = mark.choice.text_for("explanation", language)
    context = {
        "lesson": data,
        "paragraphs": [p for p in data["body"].split("\n\n") if p.strip()],
        "completed": LessonProgress.objects.filter(user=user, lesson=lesson).exists(),
        "score": score,
        "learner": access.finance_learner(user),
    }
    return render(request, "finance/lesson.html", context)


KNOWLEDGE_TESTS: dict[str, Any] = {
    AttemptKind.PRE: gettext_lazy("Before the lessons: what do you know?"),
    AttemptKind.POST: gettext_lazy("After the lessons: what have you learned?"),
}


@login_required
def knowledge_test(request: HttpRequest, kind: str) -> HttpResponse:
    """The module's pre-test or post-test, each taken once, marked by the same service as the
    API's, so a test taken on the phone and one taken here are one and the same."""
    if kind not in KNOWLEDGE_TESTS:
        raise Http404
    user = request_user(request)
    if not access.finance_learner(user):
        raise Http404
    module = selectors.get_module(selectors.CORE_MODULE)
    questions = selectors.knowledge_test_questions(module)
    chosen: dict[int, int] = {}
    error = ""
    status = 200
    if request.method == "POST":
        chosen = _chosen(request, [q.pk for q in questions])
        try:
            attempt = services.take_knowledge_test(
                user=user, module=module, kind=kind, answers=list(chosen.items())
            )
        except DomainError as exc:
            error, status = str(exc.message), exc.status if 400 <= exc.status < 500 else 422
        else:
            messages.success(
                request,
                _("Your score: %(score)s of 100.") % {"score": attempt.score},
            )
            return redirect("finance_lessons")
    progress = selectors.learner_progress(user, module)
    language = _language()
    context = {
        "kind": kind,
        "title": KNOWLEDGE_TESTS[kind],
        "taken_score": progress[f"{kind}_test_score"],
        "needs_pre": kind == AttemptKind.POST and progress["pre_test_score"] is None,
        "questions": [
            selectors.question_dict(q, language, reveal=False) | {"chosen": chosen.get(q.pk)}
            for q in questions
        ],
        "error": error,
    }
    return render(request, "finance/knowledge_test.html", context, status=status)


def _chosen(request: HttpRequest, question_ids: list[int]) -> dict[int, int]:
    answers = {}
    for question_id in question_ids:
        value = request.POST.get(f"q{question_id}", "")
        if value.isdigit():
            answers[question_id] = int(value)
    return answers


def _posted_answers(request: HttpRequest, lesson: Lesson) -> list[tuple[int, int]]:
    answers = []
    for question in lesson.questions.all():
        if question.in_knowledge_test:
            continue
        choice = parse_id(request.POST.get(f"q{question.pk}", ""))
        if choice is not None:
            answers.append((question.pk, choice))
    return answers


@login_required
def savings(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            _post_savings(request, user)
            return redirect("finance_savings")
        except DomainError as exc:
            errors[(exc.field or "form").rsplit(".", 1)[-1]] = str(exc.message)
            status = exc.status if 400 <= exc.status < 500 else 422
    goals = selectors.goals_with_balance(access.savings_goals_visible_to(user)).order_by(
        "-created_at", "-id"
    )
    context = {
        "goals": [GoalOut.from_orm(g).dict() for g in goals[:50]],
        "errors": errors,
        "learner": access.finance_learner(user),
        "form": request.POST if request.method == "POST" else {},
        # The goal whose deposit or withdrawal was refused: its box keeps the amount typed.
        "posted_goal": request.POST.get("goal", "") if errors else "",
    }
    return render(request, "finance/savings.html", context, status=status)


def _post_savings(request: HttpRequest, user: User) -> None:
    if "goal" in request.POST:
        goal_pk = parse_id(request.POST["goal"])
        goal = access.access_savings_goal(user, goal_pk) if goal_pk else None
        if goal is None:
            raise Http404
        services.record_movement(
            goal=goal,
            kind=request.POST.get("kind", ""),
            amount=parse_local_amount(request.POST.get("amount", "")[:40], goal.currency),
            note=request.POST.get("note", "")[:200],
        )
        messages.success(request, _("Saved."))
        return
    try:
        target_date = parse_date(request.POST.get("target_date", "")[:40])
    except ValueError as exc:
        raise DomainError(str(exc), field="target_date", status=422) from exc
    programme = programme_access.participant_programmes(user).order_by("pk").first()
    amount: object = request.POST.get("target_amount", "")[:40]
    if programme is not None:  # otherwise the service says why no goal can be made
        amount = parse_local_amount(amount, programme.currency, field="target_amount")
    services.create_goal(
        user=user,
        name=request.POST.get("name", "")[:120],
        target_amount=amount,
        target_date=target_date,
    )
    messages.success(request, _("Your savings goal is ready."))


# --- managers' page -----------------------------------------------------------------------


@login_required
def literacy_summary(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access.access_literacy_programme(request_user(request), programme_id)
    if programme is None:
        raise Http404
    context = {"programme": programme, "summary": selectors.literacy_summary(programme)}
    return render(request, "finance/literacy_summary.html", context)
