"""The participant takes the pre-test and the post-test in the portal, as in the app."""

from typing import Any

from django.test import Client

from backend.finance.models import Module, QuizAttempt
from tests.conftest import World
from tests.finance.conftest import knowledge_questions, right_answers, wrong_answers


def _client(user: Any) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _form(answers: list[dict[str, int]]) -> dict[str, int]:
    return {f"q{a['question_id']}": a["choice_id"] for a in answers}


def test_the_pre_and_post_tests_are_taken_in_the_portal_and_the_gain_shown_after_both(
    world: World, core: Module, django_assert_max_num_queries: Any
) -> None:
    client = _client(world.participant_a)
    questions = list(knowledge_questions(core))
    lessons = client.get("/finance/lessons/").content.decode()
    assert "/finance/knowledge-test/pre/" in lessons
    assert "went up by" not in lessons

    with django_assert_max_num_queries(16):  # questions and choices in two queries, not per row
        page = client.get("/finance/knowledge-test/pre/")
    assert page.status_code == 200
    text = page.content.decode()
    for question in questions:
        assert f'name="q{question.pk}"' in text

    half = len(questions) // 2
    wrong_then_right = wrong_answers(questions[:half]) + right_answers(questions[half:])
    taken = client.post("/finance/knowledge-test/pre/", _form(wrong_then_right))
    assert taken.status_code == 302
    pre = QuizAttempt.objects.get(user=world.participant_a, kind="pre")
    lessons = client.get("/finance/lessons/").content.decode()
    assert f"Your pre-test score: {pre.score} of 100." in lessons
    assert "went up by" not in lessons
    assert "/finance/knowledge-test/post/" in lessons

    again = client.post("/finance/knowledge-test/pre/", _form(wrong_then_right))
    assert again.status_code == 409  # the page says it was taken; nothing is saved twice
    assert "You have taken this test" in again.content.decode()
    assert QuizAttempt.objects.filter(kind="pre").count() == 1

    assert (
        client.post("/finance/knowledge-test/post/", _form(right_answers(questions))).status_code
        == 302
    )
    post = QuizAttempt.objects.get(user=world.participant_a, kind="post")
    lessons = client.get("/finance/lessons/").content.decode()
    assert post.score == 100
    assert f"went up by {post.score - pre.score} points" in lessons


def test_an_unchanged_score_is_not_called_a_rise_of_zero(world: World, core: Module) -> None:
    client = _client(world.participant_a)
    answers = _form(right_answers(knowledge_questions(core)))
    client.post("/finance/knowledge-test/pre/", answers)
    client.post("/finance/knowledge-test/post/", answers)
    lessons = client.get("/finance/lessons/").content.decode()
    assert "went up by 0" not in lessons
    assert "stayed the same: 100 of 100" in lessons


def test_a_test_with_missing_answers_keeps_the_chosen_ones_and_says_what_is_missing(
    world: World, core: Module
) -> None:
    client = _client(world.participant_a)
    questions = list(knowledge_questions(core))
    first = right_answers(questions[:1])
    resp = client.post("/finance/knowledge-test/pre/", _form(first))
    text = resp.content.decode()
    assert resp.status_code == 422
    assert f"1 of {len(questions)} answered" in text
    assert f'value="{first[0]["choice_id"]}" checked' in text
    assert not QuizAttempt.objects.exists()


def test_the_post_test_waits_for_the_pre_test_and_staff_have_no_test(
    world: World, core: Module
) -> None:
    client = _client(world.participant_a)
    page = client.get("/finance/knowledge-test/post/").content.decode()
    assert "Take the pre-test first" in page
    assert 'id="knowledge-test"' not in page
    refused = client.post(
        "/finance/knowledge-test/post/", _form(right_answers(knowledge_questions(core)))
    )
    assert refused.status_code == 409
    assert not QuizAttempt.objects.exists()
    assert _client(world.trainer).get("/finance/knowledge-test/pre/").status_code == 404
    assert client.get("/finance/knowledge-test/quiz/").status_code == 404
