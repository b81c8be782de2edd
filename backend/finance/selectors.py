"""Reads: lesson content in one language, a learner's progress, programme aggregates."""

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import IdDocument, User
from backend.lib.errors import DomainError, NotFound
from backend.lib.money import to_string
from backend.programmes.models import Programme, Role

from .models import (
    AttemptKind,
    FinancialProvider,
    Lesson,
    LessonProgress,
    Module,
    MovementKind,
    Product,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    ReferenceRate,
    SavingsGoal,
    SavingsMovement,
)

CORE_MODULE = "core"
LANGUAGES = ("es", "en", "pt-br")


def check_language(language: str) -> str:
    """One of es, en, pt-br ("pt" is read as pt-br), or a 422."""
    value = language.lower()
    if value == "pt":
        value = "pt-br"
    if value not in LANGUAGES:
        raise DomainError(
            _("Unknown language. Use es, en or pt-br."), field="query.lang", status=422
        )
    return value


def get_module(code: str) -> Module:
    module = Module.objects.filter(code=code).first()
    if module is None:
        raise NotFound(_("Not found."))
    return module


def questions_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "questions",
        queryset=QuizQuestion.objects.order_by("order").prefetch_related(
            Prefetch("choices", queryset=QuizChoice.objects.order_by("order"))
        ),
    )


def module_lessons(module: Module) -> list[Lesson]:
    """The module's lessons with their questions and answers: three queries in all."""
    return list(module.lessons.order_by("order").prefetch_related(questions_prefetch()))


def choice_dict(choice: QuizChoice, language: str, *, reveal: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": choice.pk, "text": choice.text_for("text", language)}
    if reveal:
        out["is_correct"] = choice.is_correct
        out["explanation"] = choice.text_for("explanation", language)
    return out


def question_dict(question: QuizQuestion, language: str, *, reveal: bool) -> dict[str, Any]:
    return {
        "id": question.pk,
        "lesson_id": question.lesson_id,
        "text": question.text_for("text", language),
        "choices": [choice_dict(c, language, reveal=reveal) for c in question.choices.all()],
    }


def lesson_dict(lesson: Lesson, language: str, *, reveal: bool) -> dict[str, Any]:
    return {
        "id": lesson.pk,
        "module": lesson.module.code,
        "order": lesson.order,
        "slug": lesson.slug,
        "title": lesson.text_for("title", language),
        "body": lesson.text_for("body", language),
        "quiz": [
            question_dict(q, language, reveal=reveal)
            for q in lesson.questions.all()
            if not q.in_knowledge_test
        ],
    }


def module_bundle(module: Module, language: str) -> dict[str, Any]:
    """The whole module in one language, for reading offline.

    Lesson quizzes carry their right answers and explanations so the app can give feedback
    without a connection; the knowledge-test questions do not, since they measure the learner.
    """
    lessons = module_lessons(module)
    return {
        "module": module.code,
        "language": language,
        "title": module.text_for("title", language),
        "lessons": [lesson_dict(lesson, language, reveal=True) for lesson in lessons],
        "knowledge_test": [
            question_dict(q, language, reveal=False)
            for lesson in lessons
            for q in lesson.questions.all()
            if q.in_knowledge_test
        ],
    }


def bundle_etag(bundle: dict[str, Any]) -> str:
    """A strong validator: the hash of the content itself, so it moves only when text does."""
    canonical = json.dumps(bundle, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): a W/ prefix is ignored."""
    if header.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in candidates


def knowledge_test_questions(module: Module) -> list[QuizQuestion]:
    return list(
        QuizQuestion.objects.filter(lesson__module=module, in_knowledge_test=True)
        .select_related("lesson")
        .order_by("lesson__order", "order")
        .prefetch_related(Prefetch("choices", queryset=QuizChoice.objects.order_by("order")))
    )


def learner_progress(user: User, module: Module) -> dict[str, Any]:
    lesson_ids = list(module.lessons.order_by("order").values_list("pk", flat=True))
    done = list(
        LessonProgress.objects.filter(user=user, lesson__module=module)
        .order_by("lesson__order")
        .values_list("lesson_id", flat=True)
    )
    quizzes = (
        QuizAttempt.objects.filter(user=user, module=module, kind=AttemptKind.QUIZ)
        .values("lesson_id")
        .annotate(best_score=Max("score"), attempts=Count("id"))
        .order_by("lesson__order")
    )
    tests = dict(
        QuizAttempt.objects.filter(
            user=user, module=module, kind__in=[AttemptKind.PRE, AttemptKind.POST]
        ).values_list("kind", "score")
    )
    pre, post = tests.get(AttemptKind.PRE), tests.get(AttemptKind.POST)
    return {
        "module": module.code,
        "lessons_total": len(lesson_ids),
        "lessons_completed": len(done),
        "module_completed": bool(lesson_ids) and set(lesson_ids) <= set(done),
        "completed_lesson_ids": done,
        "quizzes": list(quizzes),
        "pre_test_score": pre,
        "post_test_score": post,
        "knowledge_gain": post - pre if pre is not None and post is not None else None,
    }


def _participants(programme: Programme) -> QuerySet[User]:
    return User.objects.filter(memberships__programme=programme, memberships__role=Role.PARTICIPANT)


def literacy_summary(programme: Programme) -> dict[str, Any]:
    """Aggregates over the programme's participants, each computed by the database."""
    module = get_module(CORE_MODULE)
    participants = _participants(programme)
    lesson_count = module.lessons.count()
    completed = (
        LessonProgress.objects.filter(lesson__module=module, user__in=participants)
        .values("user")
        .annotate(n=Count("lesson", distinct=True))
        .filter(n__gte=lesson_count)
        .count()
        if lesson_count
        else 0
    )
    pre_score = QuizAttempt.objects.filter(
        user=OuterRef("user"), module=module, kind=AttemptKind.PRE
    ).values("score")[:1]
    gains = (
        QuizAttempt.objects.filter(module=module, kind=AttemptKind.POST, user__in=participants)
        .annotate(pre=Subquery(pre_score, output_field=IntegerField()))
        .filter(pre__isnull=False)
        .aggregate(
            n=Count("id"),
            mean_gain=Avg(F("score") - F("pre")),
            mean_pre=Avg("pre"),
            mean_post=Avg("score"),
        )
    )
    pre_tested = QuizAttempt.objects.filter(
        module=module, kind=AttemptKind.PRE, user__in=participants
    ).count()

    def rounded(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))

    total = participants.count()
    return {
        "programme_id": programme.pk,
        "module": module.code,
        "participants": total,
        "lessons_in_module": lesson_count,
        "completed_module": completed,
        "completion_share": rounded(100 * completed / total) if total else None,
        "pre_tested": pre_tested,
        "knowledge_gain": {
            "n": gains["n"],
            "mean_gain_points": rounded(gains["mean_gain"]),
            "mean_pre_score": rounded(gains["mean_pre"]),
            "mean_post_score": rounded(gains["mean_post"]),
        },
        "savings": savings_summary(programme),
    }


def savings_summary(programme: Programme) -> dict[str, Any]:
    goals = SavingsGoal.objects.filter(programme=programme)
    per_currency = (
        goals.values("currency")
        .annotate(goals=Count("id", distinct=True), saved=_balance("movements__"))
        .order_by("currency")
    )
    return {
        "savers": goals.values("user").distinct().count(),
        "goals": goals.count(),
        "by_currency": [
            {
                "currency": row["currency"],
                "goals": row["goals"],
                "saved": to_string(Decimal(row["saved"]), row["currency"]),
            }
            for row in per_currency
        ],
    }


def _balance(prefix: str = "movements__") -> Coalesce:
    money = DecimalField(max_digits=18, decimal_places=2)
    signed = Case(
        When(**{f"{prefix}kind": MovementKind.DEPOSIT}, then=F(f"{prefix}amount")),
        When(**{f"{prefix}kind": MovementKind.WITHDRAWAL}, then=-F(f"{prefix}amount")),
        default=Value(0),
        output_field=money,
    )
    return Coalesce(Sum(signed), Value(0), output_field=money)


def goals_with_balance(queryset: QuerySet[SavingsGoal]) -> QuerySet[SavingsGoal]:
    """Each goal with ``saved`` (deposits minus withdrawals), in one query."""
    return queryset.annotate(saved=_balance())


def goal_balance(goal: SavingsGoal) -> Decimal:
    total = SavingsMovement.objects.filter(goal=goal).aggregate(saved=_balance(""))["saved"]
    return Decimal(total or 0)


def latest_reference_rates(country: str) -> list[ReferenceRate]:
    """The value in force of each reference rate staff have set for the country."""
    in_force = ReferenceRate.objects.filter(country=country, as_of__lte=timezone.localdate())
    newest = in_force.filter(name=OuterRef("name")).order_by("-as_of", "-id")
    return list(in_force.filter(pk=Subquery(newest.values("pk")[:1])).order_by("name"))


DOCUMENT_CHOICES = [d for d in IdDocument.values if d != IdDocument.PREFER_NOT]


def check_document(document: str) -> str:
    if document not in DOCUMENT_CHOICES:
        raise DomainError(
            _("Unknown document type. Use one of: %(codes)s.")
            % {"codes": ", ".join(DOCUMENT_CHOICES)},
            code="unknown_document",
            field="query.document",
            status=422,
        )
    return document


def find_providers(
    *,
    country: str | None = None,
    product: str | None = None,
    document: str | None = None,
    kind: str | None = None,
) -> QuerySet[FinancialProvider]:
    """Listed providers matching every filter given ("where can I open an account with...")."""
    qs = FinancialProvider.objects.filter(is_active=True)
    if country:
        qs = qs.filter(country=country)
    if kind:
        qs = qs.filter(kind=kind)
    if product:
        if product not in Product.values:
            raise DomainError(
                _("Unknown product. Use one of: %(codes)s.") % {"codes": ", ".join(Product.values)},
                field="query.product",
                status=422,
            )
        qs = qs.filter(**{f"offers_{product}": True})
    if document:
        qs = qs.filter(accepted_documents__document=check_document(document))
    return qs.prefetch_related("accepted_documents").order_by("country", "name").distinct()


def lesson_with_quiz(lesson_id: int) -> Lesson | None:
    """One lesson with its module and quiz questions and choices, in three queries."""
    return (
        Lesson.objects.select_related("module")
        .prefetch_related(questions_prefetch())
        .filter(pk=lesson_id)
        .first()
    )
