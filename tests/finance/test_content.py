"""The core module ships with real lessons, complete in Spanish, English and Portuguese."""

import pytest

from backend.finance.models import Lesson, Module, QuizChoice, QuizQuestion

LANGS = ("es", "en", "pt")
TOPICS = {
    "budget", "separate-money", "saving", "credit-cost", "gota-a-gota", "digital-payments",
    "open-an-account", "fraud-and-rights",
}  # fmt: skip


def test_the_core_module_has_the_eight_topics(core: Module) -> None:
    assert set(core.lessons.values_list("slug", flat=True)) >= TOPICS
    assert list(core.lessons.values_list("order", flat=True)) == list(range(1, 9))


@pytest.mark.parametrize("field", ["title", "body"])
def test_every_lesson_text_exists_in_three_languages(core: Module, field: str) -> None:
    for lesson in Lesson.objects.all():
        texts = [getattr(lesson, f"{field}_{lang}").strip() for lang in LANGS]
        assert all(texts), (lesson.slug, field)
        assert len(set(texts)) == 3, f"{lesson.slug}: {field} is not translated"


def test_lessons_are_short_and_real(core: Module) -> None:
    for lesson in core.lessons.all():
        for lang in LANGS:
            words = len(getattr(lesson, f"body_{lang}").split())
            assert 150 <= words <= 300, (lesson.slug, lang, words)


def test_every_question_and_answer_exists_in_three_languages(core: Module) -> None:
    questions = QuizQuestion.objects.filter(lesson__module=core)
    assert questions.count() >= 8 * 3
    for question in questions:
        assert all(getattr(question, f"text_{lang}").strip() for lang in LANGS), question.pk
    for choice in QuizChoice.objects.filter(question__lesson__module=core):
        for lang in LANGS:
            assert getattr(choice, f"text_{lang}").strip(), (choice.pk, lang)
            assert getattr(choice, f"explanation_{lang}").strip(), (choice.pk, lang)


def test_each_lesson_has_a_short_quiz_and_one_test_question(core: Module) -> None:
    for lesson in core.lessons.prefetch_related("questions__choices"):
        questions = list(lesson.questions.all())
        quiz = [q for q in questions if not q.in_knowledge_test]
        assert 2 <= len(quiz) <= 3, lesson.slug
        assert sum(q.in_knowledge_test for q in questions) == 1, lesson.slug
        for question in questions:
            assert [c.is_correct for c in question.choices.all()].count(True) == 1, question.pk


def test_the_right_answer_is_not_always_in_the_same_place(core: Module) -> None:
    positions = {
        c.order for c in QuizChoice.objects.filter(question__lesson__module=core, is_correct=True)
    }
    assert positions == {1, 2, 3}


def test_installing_again_changes_nothing(core: Module) -> None:
    from backend.finance.content.load import install_core

    before = [(m._meta.label, m.objects.count()) for m in (Lesson, QuizQuestion, QuizChoice)]
    install_core(Module, Lesson, QuizQuestion, QuizChoice)
    after = [(m._meta.label, m.objects.count()) for m in (Lesson, QuizQuestion, QuizChoice)]
    assert before == after


def test_text_for_reads_the_right_column(core: Module) -> None:
    lesson = core.lessons.get(slug="gota-a-gota")
    assert lesson.text_for("title", "pt-br") == lesson.title_pt
    assert lesson.text_for("title", "en") == lesson.title_en
    assert lesson.text_for("title", "es") == lesson.title_es
