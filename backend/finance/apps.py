from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "backend.finance"
    label = "finance"
    verbose_name = _("Financial literacy and inclusion")

    def export_user_data(self, user: Any) -> dict[str, Any]:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .models import LessonProgress, QuizAttempt, SavingsGoal

        progress = LessonProgress.objects.filter(user=user).select_related("lesson__module")
        attempts = QuizAttempt.objects.filter(user=user).select_related("module", "lesson")
        goals = SavingsGoal.objects.filter(user=user).prefetch_related("movements")
        return {
            "finance": {
                "lessons_completed": [
                    {
                        "module": p.lesson.module.code,
                        "lesson": p.lesson.slug,
                        "completed_at": p.completed_at.isoformat(),
                    }
                    for p in progress.order_by("completed_at", "id")
                ],
                "quiz_attempts": [
                    {
                        "kind": a.kind,
                        "module": a.module.code,
                        "lesson": a.lesson.slug if a.lesson else None,
                        "correct": a.correct,
                        "total": a.total,
                        "score": a.score,
                        "answered_at": a.answered_at.isoformat(),
                    }
                    for a in attempts.order_by("answered_at", "id")
                ],
                "savings_goals": [
                    {
                        "id": g.pk,
                        "name": g.name,
                        "target_amount": format(g.target_amount, "f"),
                        "currency": g.currency,
                        "target_date": g.target_date.isoformat() if g.target_date else None,
                        "created_at": g.created_at.isoformat(),
                        "movements": [
                            {
                                "kind": m.kind,
                                "amount": format(m.amount, "f"),
                                "occurred_on": m.occurred_on.isoformat(),
                                "note": m.note,
                            }
                            for m in sorted(g.movements.all(), key=lambda m: (m.occurred_on, m.pk))
                        ],
                    }
                    for g in goals.order_by("created_at", "id")
                ],
            }
        }

    def erase_user_data(self, user: Any) -> None:
        """Goal names and notes are free text a person wrote; amounts and dates stay."""
        # apps.py loads before the app registry is ready: models and what imports them load here
        from backend.sync.changes import next_seq

        from .models import SavingsGoal, SavingsMovement

        with transaction.atomic():
            seq = next_seq()  # the wiped rows reach the person's devices on their next pull
            SavingsGoal.objects.filter(user=user).update(name="", changed_seq=seq)
            SavingsMovement.objects.filter(goal__user=user).update(note="", changed_seq=seq)
