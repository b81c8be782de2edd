"""Who may see lessons, progress, quiz attempts, savings and the literacy aggregates.

Built on the programme roles of backend.programmes.access; every rule is one query.
"""

from django.db.models import QuerySet

from backend.programmes.access import AnyUser, managed_programmes, participant_programmes
from backend.programmes.models import Programme

from .models import LessonProgress, QuizAttempt, SavingsGoal, SavingsMovement


def finance_learner(user: AnyUser) -> bool:
    """Lesson progress, quiz attempts and savings are kept for programme participants only."""
    return participant_programmes(user).exists()


def savings_goals_visible_to(user: AnyUser) -> QuerySet[SavingsGoal]:
    """A person's savings goals are theirs alone; staff see them only as aggregates."""
    if not user.is_authenticated:
        return SavingsGoal.objects.none()
    return SavingsGoal.objects.filter(user=user)


def access_savings_goal(user: AnyUser, goal_id: int) -> SavingsGoal | None:
    """The caller's own goal with this id, else None (→ 404)."""
    return savings_goals_visible_to(user).filter(pk=goal_id).first()


def literacy_report_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose literacy and savings aggregates the user may read, unsuppressed."""
    return managed_programmes(user)


def access_literacy_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return literacy_report_programmes(user).filter(pk=programme_id).first()


def lessons_readable(user: AnyUser) -> bool:
    """Lessons, quizzes and the provider directory are shared content: any signed-in person."""
    return bool(user.is_authenticated and user.is_active)


def savings_movements_visible_to(user: AnyUser) -> QuerySet[SavingsMovement]:
    return SavingsMovement.objects.filter(goal__in=savings_goals_visible_to(user).values("pk"))


def lesson_progress_visible_to(user: AnyUser) -> QuerySet[LessonProgress]:
    """Progress and quiz attempts are the learner's own; staff read them only as aggregates."""
    if not user.is_authenticated:
        return LessonProgress.objects.none()
    return LessonProgress.objects.filter(user=user)


def quiz_attempts_visible_to(user: AnyUser) -> QuerySet[QuizAttempt]:
    if not user.is_authenticated:
        return QuizAttempt.objects.none()
    return QuizAttempt.objects.filter(user=user)
