"""Objects the finance rows name: a lesson with its quiz answers, the knowledge test's right
answers, and a savings goal of participant A."""

import string
from decimal import Decimal
from typing import Any

from backend.finance.models import Lesson, QuizQuestion, SavingsGoal


def build(world: Any) -> dict[str, object]:
    lesson = Lesson.objects.get(module__code="core", order=1)
    quiz = list(lesson.questions.filter(in_knowledge_test=False).order_by("order"))
    test = list(
        QuizQuestion.objects.filter(lesson__module__code="core", in_knowledge_test=True).order_by(
            "lesson__order", "order"
        )
    )
    out: dict[str, object] = {"fin_lesson": lesson}
    for letter, question in zip(string.ascii_lowercase, quiz, strict=False):
        out[f"fin_quiz_q_{letter}"] = question
        out[f"fin_quiz_c_{letter}"] = question.choices.get(is_correct=True)
    for letter, question in zip(string.ascii_lowercase, test, strict=False):
        out[f"fin_test_q_{letter}"] = question
        out[f"fin_test_c_{letter}"] = question.choices.get(is_correct=True)
    out["fin_goal_a"] = SavingsGoal.objects.create(
        user=world.participant_a, programme=world.programme_a, name="Horno",
        target_amount=Decimal(500), currency="PEN",
    )  # fmt: skip
    return out
