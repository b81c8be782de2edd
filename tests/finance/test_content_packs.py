"""A module loads from a content pack, again and again, without losing what learners did."""

import re
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from backend.finance.content.load import install_core
from backend.finance.models import (
    Lesson,
    LessonProgress,
    Module,
    QuizAnswer,
    QuizChoice,
    QuizQuestion,
)
from tests.conftest import ApiClient, World
from tests.finance.conftest import right_answers

EXAMPLE = Path(__file__).parent / "packs" / "ppt-bank"


def load(path: Path) -> str:
    out = StringIO()
    call_command("load_content", str(path), stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of the example pack that a test may edit."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "ppt-bank"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def snapshot() -> list[tuple[Any, ...]]:
    return [
        *Module.objects.values_list("pk", "code", "version", "updated_at").order_by("pk"),
        *Lesson.objects.values_list("pk", "order", "updated_at", "changed_seq").order_by("pk"),
        *QuizQuestion._base_manager.values_list("pk", "order", "key", "retired_at").order_by("pk"),
        *QuizChoice.objects.values_list("pk", "order", "text_en").order_by("pk"),
    ]


def test_a_programme_module_loads_from_its_pack_and_is_served(world: World, db: Any) -> None:
    assert load(EXAMPLE) == (
        "answers: 8 created; lessons: 2 created; modules: 1 created; questions: 4 created"
    )
    module = Module.objects.get(code="ppt-bank")
    assert (module.version, module.title_pt) == ("2026.1", "Seu PPT no banco")
    rows = ApiClient(world.participant_a).get("finance/modules/ppt-bank/lessons", lang="pt-br")
    assert [r["title"] for r in rows.json()] == [
        "Abrir uma conta com o seu PPT",
        "Seu primeiro crédito com PPT",
    ]
    lesson = ApiClient(world.participant_a).get(f"finance/lessons/{rows.json()[0]['id']}").json()
    assert [q["text"] for q in lesson["quiz"]] == [
        "¿Qué documento presentas para abrir la cuenta?",
        "¿Qué preguntas antes de firmar?",
    ]
    # The answers keep the order the pack gives them: the right one second here.
    assert [c["text"] for c in lesson["quiz"][0]["choices"]] == [
        "El pasaporte vencido",
        "El PPT vigente",
    ]


def test_loading_a_pack_again_changes_nothing(db: Any) -> None:
    load(EXAMPLE)
    before = snapshot()
    assert load(EXAMPLE) == "nothing changed"
    assert snapshot() == before


def test_loading_the_core_pack_again_changes_nothing(db: Any) -> None:
    before = snapshot()
    assert str(install_core(Module, Lesson, QuizQuestion, QuizChoice)) == "nothing changed"
    assert snapshot() == before


def test_a_changed_lesson_keeps_its_learners_progress(world: World, pack: Path) -> None:
    load(pack)
    lesson = Lesson.objects.get(module__code="ppt-bank", slug="ppt-account")
    api = ApiClient(world.participant_a, language="en")
    assert api.post(f"finance/lessons/{lesson.pk}/completion").status_code == 201
    edit(pack / "lessons" / "ppt-account.toml", "a phone number in your name", "a Colombian phone")
    edit(pack / "module.toml", 'version = "2026.1"', 'version = "2026.2"')

    assert load(pack) == "lessons: 1 updated; modules: 1 updated"
    lesson.refresh_from_db()
    assert "a Colombian phone" in lesson.body_en
    assert lesson.changed_seq is not None  # devices pull the new text
    assert LessonProgress.objects.filter(user=world.participant_a, lesson=lesson).exists()
    rows = api.get("finance/modules/ppt-bank/lessons", lang="en").json()
    assert [r["completed"] for r in rows] == [True, False]
    assert Module.objects.get(code="ppt-bank").version == "2026.2"


def test_a_removed_question_keeps_past_attempts_readable(world: World, pack: Path) -> None:
    load(pack)
    lesson = Lesson.objects.get(module__code="ppt-bank", slug="ppt-account")
    quiz = list(lesson.questions.filter(in_knowledge_test=False))
    api = ApiClient(world.participant_a, language="en")
    taken = api.post(f"finance/lessons/{lesson.pk}/quiz-attempts", {"answers": right_answers(quiz)})
    assert taken.status_code == 201, taken.content
    path = pack / "lessons" / "ppt-account.toml"
    text = path.read_text()
    start = text.index('[[questions]]\nid = "fees"')
    end = text.index('[[questions]]\nid = "phone"')
    path.write_text(text[:start] + text[end:])

    # "phone" moves up to second place.
    assert load(pack) == "lessons: 1 updated; questions: 1 retired, 1 updated"
    served = api.get(f"finance/lessons/{lesson.pk}", lang="en").json()
    assert [q["text"] for q in served["quiz"]] == [
        "Which document do you show to open the account?"
    ]
    answers = QuizAnswer.objects.filter(attempt__user=world.participant_a).order_by("pk")
    assert [(a.question.text_en, a.choice.text_en) for a in answers] == [
        ("Which document do you show to open the account?", "A valid PPT"),
        ("What do you ask before signing?", "What the account charges each month"),
    ]
    assert load(pack) == "nothing changed"


def test_a_question_nobody_answered_is_deleted_and_questions_can_swap_places(
    pack: Path, db: Any
) -> None:
    load(pack)
    path = pack / "lessons" / "ppt-account.toml"
    text = path.read_text()
    first = text.index('[[questions]]\nid = "document"')
    second = text.index('[[questions]]\nid = "fees"')
    third = text.index('[[questions]]\nid = "phone"')
    # "phone" moves first, "document" is dropped, "fees" stays second.
    path.write_text(text[:first] + text[third:] + "\n" + text[second:third])

    assert load(pack) == "lessons: 1 updated; questions: 1 deleted, 1 updated"
    lesson = Lesson.objects.get(module__code="ppt-bank", slug="ppt-account")
    assert list(lesson.questions.order_by("order").values_list("key", flat=True)) == [
        "phone",
        "fees",
    ]
    assert not QuizQuestion._base_manager.filter(key="document").exists()


def test_lessons_can_change_places(pack: Path, db: Any) -> None:
    load(pack)
    edit(pack / "module.toml", '["ppt-account", "ppt-credit"]', '["ppt-credit", "ppt-account"]')
    assert load(pack) == "lessons: 2 updated"
    lessons = Lesson.objects.filter(module__code="ppt-bank").order_by("order")
    assert [lesson.slug for lesson in lessons] == ["ppt-credit", "ppt-account"]


def test_a_lesson_with_progress_cannot_leave_its_pack(world: World, pack: Path) -> None:
    load(pack)
    lesson = Lesson.objects.get(module__code="ppt-bank", slug="ppt-credit")
    ApiClient(world.participant_a).post(f"finance/lessons/{lesson.pk}/completion")
    edit(pack / "module.toml", '["ppt-account", "ppt-credit"]', '["ppt-account"]')
    with pytest.raises(
        CommandError, match=re.escape("module.toml: lessons: 'ppt-credit' is no longer")
    ):
        load(pack)
    assert Lesson.objects.filter(pk=lesson.pk).exists()


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [
        (
            "lessons/ppt-account.toml",
            'explanation.pt-BR = "Muitas contas cobram tarifa mensal; pergunte sempre."\n',
            "",
            "lessons/ppt-account.toml: questions[2].choices[2].explanation.pt-BR: missing",
        ),
        (
            "lessons/ppt-account.toml",
            '[[questions.choices]]\ntext.es = "Nada',
            '[[questions.choices]]\ncorrect = true\ntext.es = "Nada',
            "lessons/ppt-account.toml: questions[2].choices: exactly one answer must have "
            "correct = true",
        ),
        (
            "lessons/ppt-credit.toml",
            'id = "rate"',
            'id = "rate"\nknowledge_test = "yes"',
            "lessons/ppt-credit.toml: questions[1].knowledge_test: must be true or false",
        ),
        (
            "lessons/ppt-credit.toml",
            'text.en = "What do you compare between two loans?"',
            'txt.en = "What do you compare between two loans?"',
            "lessons/ppt-credit.toml: questions[1].txt: unknown field",
        ),
        (
            "lessons/ppt-credit.toml",
            "[title]\n",
            "[title\n",
            "lessons/ppt-credit.toml: not valid TOML",
        ),
        (
            "module.toml",
            '"ppt-credit"]',
            '"ppt-credit", "ppt-savings"]',
            "lessons/ppt-savings.toml: file not found",
        ),
        ("module.toml", 'version = "2026.1"\n', "", "module.toml: version: missing"),
    ],
)
def test_a_bad_pack_names_the_file_and_field_and_writes_nothing(
    pack: Path, db: Any, file: str, old: str, new: str, error: str
) -> None:
    edit(pack / file, old, new)
    with pytest.raises(CommandError, match=re.escape(error)):
        load(pack)
    assert not Module.objects.filter(code="ppt-bank").exists()


def test_an_installation_loaded_before_packs_keeps_its_rows(db: Any) -> None:
    """Questions written before packs had ids are adopted by their place, not made anew."""
    QuizQuestion.objects.update(key="")
    before = list(QuizQuestion.objects.order_by("pk").values_list("pk", "lesson_id", "order"))
    choices = list(QuizChoice.objects.order_by("pk").values_list("pk", "text_es"))

    assert str(install_core(Module, Lesson, QuizQuestion, QuizChoice)) == (
        "lessons: 8 updated; questions: 24 updated"
    )
    after = QuizQuestion.objects.order_by("pk")
    assert list(after.values_list("pk", "lesson_id", "order")) == before
    assert set(after.values_list("key", flat=True)) == {"q1", "q2", "q3"}
    assert list(QuizChoice.objects.order_by("pk").values_list("pk", "text_es")) == choices
