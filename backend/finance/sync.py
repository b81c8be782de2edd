"""Lessons, progress, quiz attempts and savings on the app's wire (see mobile_api_spec/sync.md).

Writes go through finance.services like the REST API. `savings_deposits` carries both kinds of
SavingsMovement, deposits and withdrawals (column `kind`): the app records both offline, and
the balance of a goal is their difference. Movements are append-only.
"""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.validation import parse_id
from backend.sync.registry import (
    Column,
    Rejected,
    SyncTable,
    date_value,
    epoch_ms,
    int_value,
    invalid,
    iso_date,
    money,
    register,
    text,
)

from . import access, selectors, services
from .models import (
    AttemptKind,
    Lesson,
    LessonProgress,
    Module,
    MovementKind,
    QuizAttempt,
    SavingsGoal,
    SavingsMovement,
)


def _language() -> str:
    language = (get_language() or "es").lower()
    return "pt-br" if language.startswith("pt") else language[:2]


def _same_money(stored: Decimal, value: Any) -> bool:
    try:
        return stored == Decimal(str(value))
    except InvalidOperation:
        return False


@register
class Lessons(SyncTable):
    name = "lessons"
    model = Lesson
    description = "Financial-literacy lessons with their quizzes, in the user's language."
    int_ids = True
    columns = (
        Column("module_code", "string", indexed=True, description="Module the lesson is in."),
        Column("module_title", "string", description="Title of the module."),
        Column("order", "number", description="Position in the module, from 1."),
        Column("slug", "string", description="Stable short name within the module."),
        Column("title", "string", description="Title in the user's language."),
        Column("body", "string", description="Lesson text in the user's language."),
        Column(
            "quiz",
            "string",
            description="JSON list of the lesson quiz questions: "
            "[{id, text, choices: [{id, text}]}].",
        ),
        Column(
            "test_questions",
            "string",
            description="JSON list of this lesson's questions in the module's pre/post test.",
        ),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        if not access.lessons_readable(user):
            return Lesson.objects.none()
        return Lesson.objects.select_related("module").prefetch_related(
            selectors.questions_prefetch()
        )

    def serialize(self, obj: Lesson) -> dict[str, Any]:
        language = _language()
        questions = list(obj.questions.all())

        def dump(in_test: bool) -> str:
            return json.dumps(
                [
                    selectors.question_dict(q, language, reveal=False)
                    for q in questions
                    if q.in_knowledge_test == in_test
                ],
                ensure_ascii=False,
            )

        return {
            "id": str(obj.pk),
            "module_code": obj.module.code,
            "module_title": obj.module.text_for("title", language),
            "order": obj.order,
            "slug": obj.slug,
            "title": obj.text_for("title", language),
            "body": obj.text_for("body", language),
            "quiz": dump(False),
            "test_questions": dump(True),
        }


def _lesson(raw: dict[str, Any]) -> Lesson:
    lesson_pk = parse_id(text(raw, "lesson_id"))
    lesson = (
        Lesson.objects.select_related("module").filter(pk=lesson_pk).first() if lesson_pk else None
    )
    if lesson is None:
        raise Rejected("not_found", _("This lesson was not found."))
    return lesson


@register
class LessonProgressTable(SyncTable):
    name = "lesson_progress"
    model = LessonProgress
    description = "Lessons the participant finished (one record per lesson)."
    can_create = True
    id_field = "sync_id"
    owner_field = "user_id"
    client_columns = ("lesson_id",)
    columns = (
        Column(
            "lesson_id",
            "string",
            indexed=True,
            references="lessons",
            description="The lesson's id.",
        ),
        Column("completed_at", "number", description="When the server recorded it, epoch ms."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.lesson_progress_visible_to(user)

    def serialize(self, obj: LessonProgress) -> dict[str, Any]:
        return {
            "id": obj.sync_id,
            "lesson_id": str(obj.lesson_id),
            "completed_at": epoch_ms(obj.completed_at),
        }

    def create(self, user: User, raw: dict[str, Any]) -> None:
        _progress, created = services.complete_lesson(
            user=user, lesson=_lesson(raw), sync_id=raw["id"]
        )
        if not created:
            raise Rejected(
                "duplicate",
                _("This lesson is already marked as finished (from another device)."),
            )

    def update(self, user: User, obj: LessonProgress, raw: dict[str, Any]) -> None:
        """A finished lesson stays finished: nothing on it can change."""


def _answers(raw: dict[str, Any]) -> list[tuple[int, int]]:
    value = raw.get("answers")
    try:
        pairs = json.loads(value) if isinstance(value, str) else None
        if not isinstance(pairs, list) or not pairs:
            raise ValueError
        return [(int(q), int(c)) for q, c in pairs]
    except (ValueError, TypeError):
        raise invalid("answers", _("a JSON list of [question id, choice id] pairs.")) from None


@register
class QuizAttempts(SyncTable):
    name = "quiz_attempts"
    model = QuizAttempt
    description = (
        "Lesson quizzes and module pre/post tests the participant took. Append-only; the "
        "server marks the answers and fills correct, total and score."
    )
    can_create = True
    id_field = "sync_id"
    owner_field = "user_id"
    client_columns = ("kind", "lesson_id", "module_code", "answers")
    columns = (
        Column("kind", "string", description="quiz | pre | post."),
        Column(
            "lesson_id",
            "string",
            optional=True,
            references="lessons",
            description="The lesson (quizzes only).",
        ),
        Column("module_code", "string", description="The module (pre/post tests)."),
        Column("answers", "string", description="JSON list of [question id, choice id] pairs."),
        Column("correct", "number", description="Right answers (set by the server)."),
        Column("total", "number", description="Questions (set by the server)."),
        Column("score", "number", description="Score from 0 to 100 (set by the server)."),
        Column("answered_at", "number", description="When the server marked it, epoch ms."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return (
            access.quiz_attempts_visible_to(user)
            .select_related("module")
            .prefetch_related("answers")
        )

    def serialize(self, obj: QuizAttempt) -> dict[str, Any]:
        answers = sorted(obj.answers.all(), key=lambda a: a.pk)
        return {
            "id": obj.sync_id,
            "kind": obj.kind,
            "lesson_id": None if obj.lesson_id is None else str(obj.lesson_id),
            "module_code": obj.module.code,
            "answers": json.dumps([[a.question_id, a.choice_id] for a in answers]),
            "correct": obj.correct,
            "total": obj.total,
            "score": obj.score,
            "answered_at": epoch_ms(obj.answered_at),
        }

    def same_content(self, obj: QuizAttempt, raw: dict[str, Any]) -> bool:
        try:
            sent = sorted(_answers(raw))
        except Rejected:
            return False
        stored = self.serialize(obj)
        return (
            raw.get("kind") == obj.kind
            and sent == sorted((q, c) for q, c in json.loads(stored["answers"]))
            and (obj.kind != AttemptKind.QUIZ or raw.get("lesson_id") == stored["lesson_id"])
        )

    def create(self, user: User, raw: dict[str, Any]) -> None:
        kind = text(raw, "kind")
        answers = _answers(raw)
        if kind == AttemptKind.QUIZ:
            services.answer_quiz(user=user, lesson=_lesson(raw), answers=answers, sync_id=raw["id"])
            return
        if kind not in (AttemptKind.PRE, AttemptKind.POST):
            raise invalid("kind", _("choose quiz, pre or post."))
        module = Module.objects.filter(code=text(raw, "module_code")).first()
        if module is None:
            raise Rejected("not_found", _("This module was not found."))
        services.take_knowledge_test(
            user=user, module=module, kind=kind, answers=answers, sync_id=raw["id"]
        )

    def update(self, user: User, obj: QuizAttempt, raw: dict[str, Any]) -> None:
        raise Rejected("immutable", _("An answered quiz cannot be changed; take it again."))


def _goal_name(raw: dict[str, Any]) -> str:
    name = text(raw, "name")
    if len(name) > 120:
        raise invalid("name", _("at most %(n)s characters.") % {"n": 120})
    return name


@register
class SavingsGoals(SyncTable):
    name = "savings_goals"
    model = SavingsGoal
    description = (
        "The participant's own savings goals. Created and edited in the app (name, target, "
        "target date; currency and programme stay as created)."
    )
    can_create = True
    can_update = True
    id_field = "sync_id"
    owner_field = "user_id"
    client_columns = ("name", "target_amount", "currency", "target_date")
    columns = (
        Column("programme_id", "number", description="Programme (set by the server)."),
        Column("name", "string", description="What the participant saves for."),
        Column("target_amount", "string", description="Target as a decimal string."),
        Column("currency", "string", description="ISO currency code."),
        Column("target_date", "string", optional=True, description="YYYY-MM-DD, or null."),
        Column("created_at", "number", description="When the server stored it, epoch ms."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.savings_goals_visible_to(user)

    def serialize(self, obj: SavingsGoal) -> dict[str, Any]:
        return {
            "id": obj.sync_id,
            "programme_id": obj.programme_id,
            "name": obj.name,
            "target_amount": money(obj.target_amount, obj.currency),
            "currency": obj.currency,
            "target_date": iso_date(obj.target_date),
            "created_at": epoch_ms(obj.created_at),
        }

    def same_content(self, obj: SavingsGoal, raw: dict[str, Any]) -> bool:
        return (
            raw.get("name", "").strip() == obj.name
            and _same_money(obj.target_amount, raw.get("target_amount"))
            and raw.get("target_date") == iso_date(obj.target_date)
        )

    def create(self, user: User, raw: dict[str, Any]) -> None:
        services.create_goal(
            user=user,
            name=_goal_name(raw),
            target_amount=raw.get("target_amount"),
            currency=text(raw, "currency", required=False) or None,
            target_date=date_value(raw, "target_date", required=False),
            programme_id=int_value(raw, "programme_id") if raw.get("programme_id") else None,
            sync_id=raw["id"],
        )

    def update(self, user: User, obj: SavingsGoal, raw: dict[str, Any]) -> None:
        """Name, target and target date change through services.update_goal, as over REST."""
        currency = raw.get("currency")
        programme = raw.get("programme_id")
        if (currency not in (None, "", obj.currency)) or (
            programme not in (None, "") and str(programme) != str(obj.programme_id)
        ):
            raise Rejected(
                "immutable",
                _("The currency and programme of a goal cannot change; start a new goal instead."),
            )
        changes: dict[str, Any] = {}
        if "name" in raw:
            changes["name"] = _goal_name(raw)
        if "target_amount" in raw:
            changes["target_amount"] = raw["target_amount"]
        if "target_date" in raw:
            changes["target_date"] = date_value(raw, "target_date", required=False)
        services.update_goal(goal=obj, changes=changes)


@register
class SavingsDeposits(SyncTable):
    name = "savings_deposits"
    model = SavingsMovement
    description = (
        "Money put into (deposit) or taken out of (withdrawal) the participant's savings "
        "goals. Append-only."
    )
    can_create = True
    id_field = "sync_id"
    owner_field = "owner_id"
    client_columns = ("goal_id", "kind", "amount", "occurred_on", "note")
    columns = (
        Column(
            "goal_id",
            "string",
            indexed=True,
            references="savings_goals",
            description="The savings goal's id.",
        ),
        Column("kind", "string", description="deposit | withdrawal."),
        Column("amount", "string", description="Positive decimal string."),
        Column("occurred_on", "string", description="Date as entered, YYYY-MM-DD."),
        Column("note", "string", description="Free text, at most 200 characters."),
        Column("created_at", "number", description="When the server stored it, epoch ms."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.savings_movements_visible_to(user).select_related("goal")

    def serialize(self, obj: SavingsMovement) -> dict[str, Any]:
        return {
            "id": obj.sync_id,
            "goal_id": obj.goal.sync_id,
            "kind": obj.kind,
            "amount": money(obj.amount, obj.goal.currency),
            "occurred_on": iso_date(obj.occurred_on),
            "note": obj.note,
            "created_at": epoch_ms(obj.created_at),
        }

    def same_content(self, obj: SavingsMovement, raw: dict[str, Any]) -> bool:
        return (
            raw.get("goal_id") == obj.goal.sync_id
            and raw.get("kind") == obj.kind
            and _same_money(obj.amount, raw.get("amount"))
            and raw.get("occurred_on") == iso_date(obj.occurred_on)
            and (raw.get("note") or "").strip() == obj.note
        )

    def create(self, user: User, raw: dict[str, Any]) -> None:
        goal = access.savings_goals_visible_to(user).filter(sync_id=text(raw, "goal_id")).first()
        if goal is None:
            raise Rejected("not_found", _("The savings goal of this record was not found."))
        kind = text(raw, "kind")
        if kind not in MovementKind.values:
            raise invalid("kind", _("choose deposit or withdrawal."))
        note = text(raw, "note", required=False)
        if len(note) > 200:
            raise invalid("note", _("at most %(n)s characters.") % {"n": 200})
        services.record_movement(
            goal=goal,
            kind=kind,
            amount=raw.get("amount"),
            occurred_on=date_value(raw, "occurred_on"),
            note=note,
            sync_id=raw["id"],
        )

    def update(self, user: User, obj: SavingsMovement, raw: dict[str, Any]) -> None:
        raise Rejected(
            "immutable", _("A savings record cannot be changed; record the correction instead.")
        )
