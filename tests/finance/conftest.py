from typing import Any

import pytest

from backend.finance.models import Lesson, Module, QuizQuestion


@pytest.fixture
def core(db: Any) -> Module:
    """The core module, loaded by the data migration."""
    return Module.objects.get(code="core")


@pytest.fixture
def lesson(core: Module) -> Lesson:
    return core.lessons.get(order=1)


def right_answers(questions: Any) -> list[dict[str, int]]:
    return [
        {"question_id": q.pk, "choice_id": q.choices.get(is_correct=True).pk} for q in questions
    ]


def wrong_answers(questions: Any) -> list[dict[str, int]]:
    return [
        {"question_id": q.pk, "choice_id": q.choices.filter(is_correct=False).first().pk}
        for q in questions
    ]


def knowledge_questions(module: Module) -> Any:
    return QuizQuestion.objects.filter(lesson__module=module, in_knowledge_test=True).order_by(
        "lesson__order", "order"
    )
