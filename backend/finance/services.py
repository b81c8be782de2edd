"""Writes of the finance app. Progress, attempts and savings movements are only ever inserted."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import check_consent
from backend.lib.errors import Conflict, DomainError, Forbidden
from backend.lib.geography import COUNTRIES, CURRENCIES
from backend.lib.money import parse_amount, to_string
from backend.programmes import access as programme_access
from backend.programmes.models import Programme
from backend.sync.changes import new_sync_id, next_seq

from . import access, credit, selectors
from .models import (
    AttemptKind,
    Lesson,
    LessonProgress,
    Module,
    MovementKind,
    QuizAnswer,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    SavingsGoal,
    SavingsMovement,
)


def check_learner(user: User) -> None:
    """Only consenting programme participants have progress and savings kept."""
    if not access.finance_learner(user):
        raise Forbidden(
            _("Only programme participants can keep lesson progress and savings."),
            code="not_participant",
        )
    check_consent(user)


@transaction.atomic
def complete_lesson(
    *, user: User, lesson: Lesson, sync_id: str | None = None
) -> tuple[LessonProgress, bool]:
    """Records that the learner finished the lesson; finishing it again changes nothing."""
    check_learner(user)
    progress, created = LessonProgress.objects.get_or_create(
        user=user,
        lesson=lesson,
        defaults={"changed_seq": next_seq(), "sync_id": sync_id or new_sync_id()},
    )
    return progress, created


@dataclass(frozen=True)
class Marked:
    question: QuizQuestion
    choice: QuizChoice
    correct_choice: QuizChoice | None


def _mark(
    answers: list[tuple[int, int]], questions: list[QuizQuestion], *, wrong_set_message: str
) -> list[Marked]:
    """Checks each (question, choice) pair against the expected question set, in order."""
    by_id = {q.pk: q for q in questions}
    seen: set[int] = set()
    marked = []
    for i, (question_id, choice_id) in enumerate(answers):
        question = by_id.get(question_id)
        if question is None:
            raise DomainError(
                wrong_set_message,
                code="wrong_question",
                field=f"body.answers.{i}.question_id",
                status=422,
            )
        if question_id in seen:
            raise DomainError(
                _("This question is answered twice."),
                field=f"body.answers.{i}.question_id",
                status=422,
            )
        seen.add(question_id)
        choices = list(question.choices.all())
        choice = next((c for c in choices if c.pk == choice_id), None)
        if choice is None:
            raise DomainError(
                _("This answer does not belong to the question."),
                code="wrong_choice",
                field=f"body.answers.{i}.choice_id",
                status=422,
            )
        right = next((c for c in choices if c.is_correct), None)
        marked.append(Marked(question, choice, right))
    if seen != set(by_id):
        raise DomainError(
            _("Answer every question: %(n)s of %(total)s answered.")
            % {"n": len(seen), "total": len(by_id)},
            code="incomplete",
            field="body.answers",
            status=422,
        )
    return marked


def _save_attempt(
    *,
    user: User,
    kind: str,
    module: Module,
    lesson: Lesson | None,
    marked: list[Marked],
    sync_id: str | None = None,
) -> QuizAttempt:
    correct = sum(1 for m in marked if m.choice.is_correct)
    attempt = QuizAttempt.objects.create(
        user=user,
        kind=kind,
        module=module,
        lesson=lesson,
        correct=correct,
        total=len(marked),
        score=int((Decimal(100 * correct) / len(marked)).quantize(Decimal(1), ROUND_HALF_UP)),
        changed_seq=next_seq(),
        sync_id=sync_id or new_sync_id(),
    )
    QuizAnswer.objects.bulk_create(
        QuizAnswer(
            attempt=attempt, question=m.question, choice=m.choice, is_correct=m.choice.is_correct
        )
        for m in marked
    )
    return attempt


@transaction.atomic
def answer_quiz(
    *, user: User, lesson: Lesson, answers: list[tuple[int, int]], sync_id: str | None = None
) -> tuple[QuizAttempt, list[Marked]]:
    """Marks a lesson's quiz. A question from another lesson (or the knowledge test) is a 422."""
    check_learner(user)
    questions = list(lesson.questions.filter(in_knowledge_test=False).prefetch_related("choices"))
    marked = _mark(
        answers, questions, wrong_set_message=_("This question is not part of this lesson's quiz.")
    )
    attempt = _save_attempt(
        user=user,
        kind=AttemptKind.QUIZ,
        module=lesson.module,
        lesson=lesson,
        marked=marked,
        sync_id=sync_id,
    )
    return attempt, marked


@transaction.atomic
def take_knowledge_test(
    *,
    user: User,
    module: Module,
    kind: str,
    answers: list[tuple[int, int]],
    sync_id: str | None = None,
) -> QuizAttempt:
    """The pre-test (before the lessons) or the post-test (after), once each per module."""
    check_learner(user)
    taken = set(
        QuizAttempt.objects.filter(
            user=user, module=module, kind__in=[AttemptKind.PRE, AttemptKind.POST]
        ).values_list("kind", flat=True)
    )
    if kind in taken:
        raise Conflict(_("You have already taken this test."), code="already_taken")
    if kind == AttemptKind.POST and AttemptKind.PRE not in taken:
        raise Conflict(
            _("Take the pre-test first, so the post-test can show what you learned."),
            code="pre_test_missing",
        )
    marked = _mark(
        answers,
        selectors.knowledge_test_questions(module),
        wrong_set_message=_("This question is not part of the knowledge test."),
    )
    try:
        with transaction.atomic():
            return _save_attempt(
                user=user, kind=kind, module=module, lesson=None, marked=marked, sync_id=sync_id
            )
    except IntegrityError as exc:  # the same test sent twice at once from two devices
        raise Conflict(_("You have already taken this test."), code="already_taken") from exc


def _programme_for(user: User, programme_id: int | None) -> Programme:
    programmes = programme_access.participant_programmes(user)
    if programme_id is not None:
        programme = programmes.filter(pk=programme_id).first()
        if programme is None:
            raise DomainError(
                _("You are not a participant of this programme."),
                field="body.programme_id",
                status=422,
            )
        return programme
    found = list(programmes.order_by("pk")[:2])
    if len(found) != 1:
        raise DomainError(
            _("Choose the programme this goal belongs to."),
            field="body.programme_id",
            status=422,
        )
    return found[0]


@transaction.atomic
def create_goal(
    *,
    user: User,
    name: str,
    target_amount: object,
    currency: str | None = None,
    target_date: dt.date | None = None,
    programme_id: int | None = None,
    sync_id: str | None = None,
) -> SavingsGoal:
    check_learner(user)
    programme = _programme_for(user, programme_id)
    currency = currency or programme.currency
    if currency not in CURRENCIES:
        raise DomainError(_("Unknown currency."), field="body.currency", status=422)
    if not name.strip():
        raise DomainError(_("Give the goal a name."), field="body.name", status=422)
    amount = parse_amount(target_amount, currency, field="body.target_amount")
    if target_date is not None and target_date < programme.today():
        raise DomainError(
            _("The target date cannot be in the past."), field="body.target_date", status=422
        )
    return SavingsGoal.objects.create(
        user=user,
        programme=programme,
        name=name.strip(),
        target_amount=amount,
        currency=currency,
        target_date=target_date,
        changed_seq=next_seq(),
        sync_id=sync_id or new_sync_id(),
    )


@transaction.atomic
def update_goal(*, goal: SavingsGoal, changes: dict[str, Any]) -> SavingsGoal:
    """Changes a goal's name, target or target date; its currency and programme never change."""
    check_learner(goal.user)
    locked = SavingsGoal.objects.select_for_update().select_related("programme").get(pk=goal.pk)
    if "name" in changes:
        if not str(changes["name"]).strip():
            raise DomainError(_("Give the goal a name."), field="body.name", status=422)
        locked.name = str(changes["name"]).strip()
    if "target_amount" in changes:
        locked.target_amount = parse_amount(
            changes["target_amount"], locked.currency, field="body.target_amount"
        )
    if "target_date" in changes:
        target_date = changes["target_date"]
        # An unchanged date may have passed since the goal was set; a new one may not be past.
        if (
            target_date is not None
            and target_date != locked.target_date
            and target_date < locked.programme.today()
        ):
            raise DomainError(
                _("The target date cannot be in the past."), field="body.target_date", status=422
            )
        locked.target_date = target_date
    locked.changed_seq = next_seq()
    locked.save(update_fields=["name", "target_amount", "target_date", "changed_seq"])
    return locked


def _own_movement(goal: SavingsGoal, sync_id: str) -> SavingsMovement | None:
    """The goal owner's movement under this id, in any of her goals (ids are unique per
    owner: her phone holds all her movements in one table)."""
    return SavingsMovement.objects.filter(owner_id=goal.user_id, sync_id=sync_id).first()


@transaction.atomic
def record_movement(
    *,
    goal: SavingsGoal,
    kind: str,
    amount: object,
    occurred_on: dt.date | None = None,
    note: str = "",
    sync_id: str | None = None,
) -> SavingsMovement:
    """A deposit or a withdrawal. The goal row is locked so two withdrawals cannot both pass."""
    check_learner(goal.user)
    if kind not in MovementKind.values:
        raise DomainError(_("Choose deposit or withdrawal."), field="body.kind", status=422)
    locked = SavingsGoal.objects.select_for_update().select_related("programme").get(pk=goal.pk)
    value = parse_amount(amount, locked.currency, field="body.amount")
    today = locked.programme.today()
    occurred_on = occurred_on or today
    if occurred_on > today:
        raise DomainError(
            _("The date cannot be in the future."), field="body.occurred_on", status=422
        )
    if sync_id:
        earlier = _own_movement(locked, sync_id)
        if earlier is not None:
            stored = (earlier.goal_id, earlier.kind, earlier.amount, earlier.occurred_on)
            if stored == (locked.pk, kind, value, occurred_on) and earlier.note == note.strip():
                return earlier  # the retry of a record whose answer was lost
            raise Conflict(
                _("A savings record with this id already exists with different content."),
                code="id_conflict",
            )
    if kind == MovementKind.WITHDRAWAL:
        balance = selectors.goal_balance(locked)
        if value > balance:
            raise DomainError(
                _("You can withdraw at most %(amount)s %(currency)s from this goal.")
                % {"amount": to_string(balance, locked.currency), "currency": locked.currency},
                code="insufficient_savings",
                field="body.amount",
                status=422,
            )
    return SavingsMovement.objects.create(
        goal=locked,
        owner_id=locked.user_id,
        kind=kind,
        amount=value,
        occurred_on=occurred_on,
        note=note.strip(),
        changed_seq=next_seq(),
        sync_id=sync_id or new_sync_id(),
    )


def credit_cost(
    *,
    country: str,
    amount_received: object,
    repayment: object,
    payments: int,
    frequency: str,
) -> dict[str, Any]:
    """The true cost of a loan and how it compares with the country's reference rates."""
    if country not in COUNTRIES:
        raise DomainError(_("Unknown country."), field="body.country", status=422)
    if frequency not in credit.PERIODS_PER_YEAR:
        raise DomainError(
            _("Choose how often you repay: daily, daily_except_sunday, weekly or monthly."),
            field="body.frequency",
            status=422,
        )
    if payments < 1:
        raise DomainError(
            _("Enter how many payments you make: at least one."),
            code="no_solution",
            field="body.payments",
            status=422,
        )
    if payments > credit.MAX_PAYMENTS:
        raise DomainError(
            _("Enter at most %(n)s payments.") % {"n": credit.MAX_PAYMENTS},
            field="body.payments",
            status=422,
        )
    currency = COUNTRIES[country].currency
    received = parse_amount(amount_received, currency, field="body.amount_received")
    each = parse_amount(repayment, currency, field="body.repayment")
    if each * payments <= received:
        raise DomainError(
            _(
                "In total you would repay %(total)s %(currency)s, which is not more than the "
                "%(received)s you receive. Check the amounts: a loan that costs nothing has "
                "no rate to compute."
            )
            % {
                "total": to_string(each * payments, currency),
                "received": to_string(received, currency),
                "currency": currency,
            },
            code="no_solution",
            field="body.repayment",
            status=422,
        )
    cost = credit.loan_cost(
        received=received, repayment=each, payments=payments, frequency=frequency
    )
    annual_percent = cost.effective_annual_rate * 100
    references = []
    for ref in selectors.latest_reference_rates(country):
        references.append(
            {
                "name": ref.name,
                "annual_rate_percent": f"{ref.annual_rate.normalize():f}",
                "source": ref.source,
                "as_of": ref.as_of,
                "is_sample": ref.is_sample,
                "times_reference": _ratio(annual_percent, ref.annual_rate),
            }
        )
    return {
        "country": country,
        "currency": currency,
        "frequency": frequency,
        "payments": payments,
        "periods_per_year": cost.periods_per_year,
        "amount_received": to_string(received, currency),
        "repayment": to_string(each, currency),
        "total_repaid": to_string(cost.total_repaid, currency),
        "total_cost": to_string(cost.total_cost, currency),
        "cost_share_percent": credit.as_percent(cost.cost_share),
        "periodic_rate_percent": credit.as_percent(cost.periodic_rate, places=4),
        "effective_annual_rate_percent": credit.as_percent(cost.effective_annual_rate),
        "references": references,
    }


def _ratio(annual_percent: Decimal, reference_percent: Decimal) -> str:
    ratio = annual_percent / reference_percent
    if ratio.adjusted() >= 15:
        return f"{ratio:.3E}"
    return f"{ratio.quantize(Decimal('0.1')):f}"
