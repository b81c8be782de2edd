"""Finance endpoints: lessons and the offline bundle, progress, savings, the credit-cost tool,
the provider directory and the literacy aggregates of a programme."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from backend.accounts.http import request_user
from backend.accounts.models import User
from backend.lib.errors import NotFound
from backend.lib.pagination import LimitOffsetPagination
from backend.lib.validation import Id

from . import access, selectors, services
from .models import (
    FinancialProvider,
    Lesson,
    LessonProgress,
    Module,
    SavingsGoal,
    SavingsMovement,
)
from .schemas import (
    AnswersIn,
    BundleOut,
    CompletionOut,
    CreditCostIn,
    CreditCostOut,
    GoalIn,
    GoalOut,
    KnowledgeResultOut,
    KnowledgeTestIn,
    KnowledgeTestOut,
    LessonOut,
    LessonRow,
    LiteracySummaryOut,
    ModuleOut,
    MovementIn,
    MovementOut,
    MovementResultOut,
    ProgressOut,
    ProviderOut,
    QuizResultOut,
)

router = Router(tags=["finance"])


class LangQuery(Schema):
    lang: str | None = None


def _language(query: LangQuery) -> str:
    return selectors.check_language(query.lang or translation.get_language() or "es")


def _reader(request: HttpRequest) -> User:
    user = request_user(request)
    if not access.lessons_readable(user):  # pragma: no cover - auth refuses inactive users
        raise NotFound(_("Not found."))
    return user


def _lesson(lesson_id: Id) -> Lesson:
    lesson = Lesson.objects.select_related("module").filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFound(_("Not found."))
    return lesson


def _goal(request: HttpRequest, goal_id: Id) -> SavingsGoal:
    goal = access.access_savings_goal(request_user(request), goal_id)
    if goal is None:
        raise NotFound(_("Not found."))
    return goal


# --- lessons ------------------------------------------------------------------------------


@router.get("/finance/modules", response=list[ModuleOut], summary="Literacy modules")
def list_modules(request: HttpRequest, query: Query[LangQuery]) -> list[dict[str, Any]]:
    _reader(request)
    language = _language(query)
    modules = Module.objects.annotate(n=Count("lessons")).order_by("code")
    return [
        {"code": m.code, "title": m.text_for("title", language), "lessons": m.n} for m in modules
    ]


@router.get(
    "/finance/modules/{code}/lessons",
    response=list[LessonRow],
    summary="The lessons of a module, with what I have completed",
)
def list_lessons(request: HttpRequest, code: str, query: Query[LangQuery]) -> list[dict[str, Any]]:
    user = _reader(request)
    language = _language(query)
    module = selectors.get_module(code)
    done = LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"))
    lessons = module.lessons.annotate(completed=Exists(done)).order_by("order")
    return [
        {
            "id": lesson.pk,
            "module": module.code,
            "order": lesson.order,
            "slug": lesson.slug,
            "title": lesson.text_for("title", language),
            "completed": lesson.completed,
        }
        for lesson in lessons
    ]


@router.get(
    "/finance/lessons/{lesson_id}",
    response=LessonOut,
    summary="One lesson with its quiz (answers are revealed when you answer)",
)
def get_lesson(request: HttpRequest, lesson_id: Id, query: Query[LangQuery]) -> dict[str, Any]:
    user = _reader(request)
    language = _language(query)
    lesson = selectors.lesson_with_quiz(lesson_id)
    if lesson is None:
        raise NotFound(_("Not found."))
    out = selectors.lesson_dict(lesson, language, reveal=False)
    out["completed"] = LessonProgress.objects.filter(user=user, lesson=lesson).exists()
    return out


@router.get(
    "/finance/modules/{code}/bundle",
    response={200: BundleOut, 304: None},
    summary="A whole module in one language, for offline reading",
    description="Answers with a strong ETag derived from the content. Send it back in "
    "If-None-Match: while nothing changed the answer is 304 with no body.",
)
def module_bundle(
    request: HttpRequest, code: str, query: Query[LangQuery], response: HttpResponse
) -> Any:
    _reader(request)
    language = _language(query)
    bundle = selectors.module_bundle(selectors.get_module(code), language)
    etag = selectors.bundle_etag(bundle)
    if selectors.etag_matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return bundle


# --- progress and quizzes -----------------------------------------------------------------


@router.post(
    "/finance/lessons/{lesson_id}/completion",
    response={201: CompletionOut, 200: CompletionOut},
    summary="Mark a lesson as read (again: 200, nothing changes)",
)
def complete_lesson(request: HttpRequest, lesson_id: Id) -> Status[dict[str, Any]]:
    progress, created = services.complete_lesson(
        user=request_user(request), lesson=_lesson(lesson_id)
    )
    body = {"lesson_id": lesson_id, "completed_at": progress.completed_at, "created": created}
    return Status(201 if created else 200, body)


@router.post(
    "/finance/lessons/{lesson_id}/quiz-attempts",
    response={201: QuizResultOut},
    summary="Answer a lesson's quiz: every answer comes back marked and explained",
)
def answer_quiz(
    request: HttpRequest, lesson_id: Id, payload: AnswersIn, query: Query[LangQuery]
) -> Status[dict[str, Any]]:
    language = _language(query)
    attempt, marked = services.answer_quiz(
        user=request_user(request),
        lesson=_lesson(lesson_id),
        answers=[(a.question_id, a.choice_id) for a in payload.answers],
    )
    return Status(
        201,
        {
            "attempt_id": attempt.pk,
            "lesson_id": lesson_id,
            "correct": attempt.correct,
            "total": attempt.total,
            "score": attempt.score,
            "answers": [
                {
                    "question_id": m.question.pk,
                    "choice_id": m.choice.pk,
                    "is_correct": m.choice.is_correct,
                    "correct_choice_id": m.correct_choice.pk if m.correct_choice else None,
                    "explanation": m.choice.text_for("explanation", language),
                }
                for m in marked
            ],
        },
    )


@router.get(
    "/finance/modules/{code}/knowledge-test",
    response=KnowledgeTestOut,
    summary="The pre-/post-test of a module, and my scores so far",
)
def knowledge_test(request: HttpRequest, code: str, query: Query[LangQuery]) -> dict[str, Any]:
    user = _reader(request)
    language = _language(query)
    module = selectors.get_module(code)
    progress = selectors.learner_progress(user, module)
    return {
        "module": module.code,
        "language": language,
        "pre_test_score": progress["pre_test_score"],
        "post_test_score": progress["post_test_score"],
        "questions": [
            selectors.question_dict(q, language, reveal=False)
            for q in selectors.knowledge_test_questions(module)
        ],
    }


@router.post(
    "/finance/modules/{code}/knowledge-test",
    response={201: KnowledgeResultOut},
    summary="Take the pre-test (before the lessons) or the post-test (after)",
    description="Each is taken once; the post-test needs the pre-test first (409 otherwise).",
)
def take_knowledge_test(
    request: HttpRequest, code: str, payload: KnowledgeTestIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    module = selectors.get_module(code)
    attempt = services.take_knowledge_test(
        user=user,
        module=module,
        kind=payload.kind,
        answers=[(a.question_id, a.choice_id) for a in payload.answers],
    )
    progress = selectors.learner_progress(user, module)
    return Status(
        201,
        {
            "attempt_id": attempt.pk,
            "kind": attempt.kind,
            "correct": attempt.correct,
            "total": attempt.total,
            "score": attempt.score,
            "pre_test_score": progress["pre_test_score"],
            "knowledge_gain": progress["knowledge_gain"],
        },
    )


@router.get("/finance/progress", response=ProgressOut, summary="My progress in a module")
def my_progress(request: HttpRequest, module: str = selectors.CORE_MODULE) -> dict[str, Any]:
    return selectors.learner_progress(_reader(request), selectors.get_module(module))


# --- savings ------------------------------------------------------------------------------


@router.get("/finance/savings-goals", response=list[GoalOut], summary="My savings goals")
@paginate(LimitOffsetPagination)
def list_goals(request: HttpRequest) -> QuerySet[SavingsGoal]:
    goals = access.savings_goals_visible_to(request_user(request))
    return selectors.goals_with_balance(goals).order_by("-created_at", "-id")


@router.post("/finance/savings-goals", response={201: GoalOut}, summary="Start a savings goal")
def create_goal(request: HttpRequest, payload: GoalIn) -> Status[SavingsGoal]:
    goal = services.create_goal(
        user=request_user(request),
        name=payload.name,
        target_amount=payload.target_amount,
        currency=payload.currency,
        target_date=payload.target_date,
        programme_id=payload.programme_id,
    )
    goal.saved = Decimal(0)  # type: ignore[attr-defined]
    return Status(201, goal)


@router.get("/finance/savings-goals/{goal_id}", response=GoalOut, summary="One of my goals")
def get_goal(request: HttpRequest, goal_id: Id) -> SavingsGoal:
    return _with_balance(_goal(request, goal_id))


def _with_balance(goal: SavingsGoal) -> SavingsGoal:
    goal.saved = selectors.goal_balance(goal)  # type: ignore[attr-defined]
    return goal


@router.get(
    "/finance/savings-goals/{goal_id}/movements",
    response=list[MovementOut],
    summary="Deposits and withdrawals of one of my goals, newest first",
)
@paginate(LimitOffsetPagination)
def list_movements(request: HttpRequest, goal_id: Id) -> QuerySet[SavingsMovement]:
    goal = _goal(request, goal_id)
    return goal.movements.select_related("goal").order_by("-occurred_on", "-id")


@router.post(
    "/finance/savings-goals/{goal_id}/movements",
    response={201: MovementResultOut},
    summary="Deposit into or withdraw from a goal (never below zero)",
)
def add_movement(request: HttpRequest, goal_id: Id, payload: MovementIn) -> Status[dict[str, Any]]:
    goal = _goal(request, goal_id)
    movement = services.record_movement(
        goal=goal,
        kind=payload.kind,
        amount=payload.amount,
        occurred_on=payload.occurred_on,
        note=payload.note,
    )
    return Status(
        201,
        {"movement": movement, "goal": _with_balance(movement.goal)},
    )


# --- credit cost and directory ------------------------------------------------------------


@router.post(
    "/finance/credit-cost",
    auth=None,
    response=CreditCostOut,
    summary="The true cost of a loan: effective annual rate, total cost, reference rates",
    description="Public. A loan whose repayments add up to no more than what is received, or "
    "with no payments, has no rate: 422 with code no_solution.",
)
def credit_cost(request: HttpRequest, payload: CreditCostIn) -> dict[str, Any]:
    return services.credit_cost(
        country=payload.country.upper(),
        amount_received=payload.amount_received,
        repayment=payload.repayment,
        payments=payload.payments,
        frequency=payload.frequency,
    )


class ProviderFilter(Schema):
    country: str | None = None
    product: str | None = None
    document: str | None = None
    kind: str | None = None


@router.get(
    "/finance/providers",
    response=list[ProviderOut],
    summary="Where can I open an account with my document? The provider directory",
    description="Filter by country, product (account, credit, savings, transfers), document "
    "(the identity-document codes of the profile) and kind. An unknown document is a 422.",
)
@paginate(LimitOffsetPagination)
def list_providers(
    request: HttpRequest, filters: Query[ProviderFilter]
) -> QuerySet[FinancialProvider]:
    _reader(request)
    return selectors.find_providers(
        country=filters.country.upper() if filters.country else None,
        product=filters.product,
        document=filters.document,
        kind=filters.kind,
    )


# --- programme aggregates -----------------------------------------------------------------


@router.get(
    "/finance/programmes/{programme_id}/literacy",
    response=LiteracySummaryOut,
    summary="Literacy completion, knowledge gain and savings of a programme I manage",
)
def literacy_summary(request: HttpRequest, programme_id: Id) -> dict[str, Any]:
    programme = access.access_literacy_programme(request_user(request), programme_id)
    if programme is None:
        raise NotFound(_("Not found."))
    return selectors.literacy_summary(programme)
