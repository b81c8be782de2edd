from django.test import Client

from backend.finance.models import LessonProgress, Module, QuizAttempt, SavingsGoal
from tests.conftest import World
from tests.finance.conftest import right_answers


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_participant_reads_a_lesson_marks_it_and_answers_its_quiz(
    world: World, core: Module
) -> None:
    client = _client(world.participant_a)
    index = client.get("/finance/lessons/")
    assert index.status_code == 200
    lesson = core.lessons.get(order=5)
    assert lesson.title_es in index.content.decode()
    page = client.get(f"/finance/lessons/{lesson.pk}/")
    assert "gota a gota" in page.content.decode()
    assert client.post(f"/finance/lessons/{lesson.pk}/", {"complete": "1"}).status_code == 302
    assert LessonProgress.objects.filter(user=world.participant_a, lesson=lesson).exists()
    quiz = lesson.questions.filter(in_knowledge_test=False)
    answers = {f"q{a['question_id']}": a["choice_id"] for a in right_answers(quiz)}
    marked = client.post(f"/finance/lessons/{lesson.pk}/", answers)
    assert marked.status_code == 200
    assert "100" in marked.content.decode()
    assert QuizAttempt.objects.get(user=world.participant_a).score == 100


def test_a_participant_starts_a_goal_and_saves(world: World) -> None:
    client = _client(world.participant_a)
    resp = client.post("/finance/savings/", {"name": "Horno", "target_amount": "200"})
    assert resp.status_code == 302
    goal = SavingsGoal.objects.get(user=world.participant_a)
    client.post("/finance/savings/", {"goal": goal.pk, "kind": "deposit", "amount": "50"})
    page = client.get("/finance/savings/").content.decode()
    assert "S/\xa050.00" in page  # soles, written the Peruvian way
    assert "25.0%" in page  # and the share with the same decimal point
    refused = client.post(
        "/finance/savings/", {"goal": goal.pk, "kind": "withdrawal", "amount": "60"}
    )
    assert refused.status_code == 422
    odd = client.post("/finance/savings/", {"goal": goal.pk, "kind": "steal", "amount": "1"})
    assert odd.status_code == 422
    assert goal.movements.count() == 1


def test_someone_elses_goal_is_a_404(world: World) -> None:
    goal = SavingsGoal.objects.create(
        user=world.participant_a, programme=world.programme_a, name="x", target_amount=10,
        currency="PEN",
    )  # fmt: skip
    resp = _client(world.participant_b).post(
        "/finance/savings/", {"goal": goal.pk, "kind": "deposit", "amount": "5"}
    )
    assert resp.status_code == 404


def test_managers_see_the_literacy_page_of_their_programmes_only(
    world: World, core: Module
) -> None:
    path = f"/programmes/{world.programme_a.pk}/finance/"
    assert _client(world.manager).get(path).status_code == 200
    assert _client(world.other_manager).get(path).status_code == 404
    assert _client(world.participant_a).get(path).status_code == 404


def test_pages_need_a_sign_in(world: World) -> None:
    assert Client().get("/finance/lessons/").status_code == 302
