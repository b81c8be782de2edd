from backend.accounts.models import Consent
from backend.finance.models import Lesson, LessonProgress, Module, QuizAnswer, QuizAttempt
from tests.conftest import ApiClient, World
from tests.finance.conftest import knowledge_questions, right_answers, wrong_answers

TEST = "finance/modules/core/knowledge-test"


def test_completing_a_lesson_is_recorded_once(world: World, lesson: Lesson) -> None:
    api = ApiClient(world.participant_a)
    first = api.post(f"finance/lessons/{lesson.pk}/completion")
    assert first.status_code == 201
    assert first.json()["created"] is True
    again = api.post(f"finance/lessons/{lesson.pk}/completion")
    assert again.status_code == 200
    assert again.json()["completed_at"] == first.json()["completed_at"]
    assert LessonProgress.objects.filter(user=world.participant_a).count() == 1
    rows = api.get("finance/modules/core/lessons").json()
    assert [r["completed"] for r in rows][:2] == [True, False]


def test_staff_keep_no_progress(world: World, lesson: Lesson) -> None:
    resp = ApiClient(world.trainer).post(f"finance/lessons/{lesson.pk}/completion")
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "not_participant"
    assert not LessonProgress.objects.exists()


def test_progress_needs_consent(world: World, lesson: Lesson) -> None:
    Consent.objects.filter(user=world.participant_a).delete()
    resp = ApiClient(world.participant_a).post(f"finance/lessons/{lesson.pk}/completion")
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "consent_required"


def test_a_quiz_comes_back_marked_and_explained(world: World, lesson: Lesson) -> None:
    quiz = list(lesson.questions.filter(in_knowledge_test=False))
    answers = [*right_answers(quiz[:1]), *wrong_answers(quiz[1:])]
    resp = ApiClient(world.participant_a, language="en").post(
        f"finance/lessons/{lesson.pk}/quiz-attempts?lang=en", {"answers": answers}
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["correct"], body["total"], body["score"]) == (1, 2, 50)
    marked = body["answers"]
    assert marked[0]["is_correct"] is True
    assert marked[1]["is_correct"] is False
    right = quiz[1].choices.get(is_correct=True)
    assert marked[1]["correct_choice_id"] == right.pk
    chosen = quiz[1].choices.get(pk=answers[1]["choice_id"])
    assert marked[1]["explanation"] == chosen.explanation_en
    attempt = QuizAttempt.objects.get()
    assert (attempt.kind, attempt.lesson_id, attempt.score) == ("quiz", lesson.pk, 50)
    assert QuizAnswer.objects.filter(attempt=attempt).count() == 2


def test_a_question_of_another_lesson_is_refused(world: World, core: Module) -> None:
    first, second = core.lessons.get(order=1), core.lessons.get(order=2)
    answers = right_answers(first.questions.filter(in_knowledge_test=False))
    answers[1] = right_answers(second.questions.all()[:1])[0]
    resp = ApiClient(world.participant_a).post(
        f"finance/lessons/{first.pk}/quiz-attempts", {"answers": answers}
    )
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "wrong_question"
    assert error["fields"][0]["loc"] == ["body", "answers", "1", "question_id"]
    assert not QuizAttempt.objects.exists()


def test_a_knowledge_test_question_is_not_part_of_the_lesson_quiz(
    world: World, lesson: Lesson
) -> None:
    answers = right_answers(lesson.questions.all())  # includes its test question
    resp = ApiClient(world.participant_a).post(
        f"finance/lessons/{lesson.pk}/quiz-attempts", {"answers": answers}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "wrong_question"


def test_an_answer_of_another_question_and_a_partial_quiz_are_refused(
    world: World, lesson: Lesson
) -> None:
    quiz = list(lesson.questions.filter(in_knowledge_test=False))
    api = ApiClient(world.participant_a)
    swapped = right_answers(quiz)
    swapped[0]["choice_id"] = swapped[1]["choice_id"]
    resp = api.post(f"finance/lessons/{lesson.pk}/quiz-attempts", {"answers": swapped})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "wrong_choice"
    partial = api.post(
        f"finance/lessons/{lesson.pk}/quiz-attempts", {"answers": right_answers(quiz[:1])}
    )
    assert partial.status_code == 422
    assert partial.json()["error"]["code"] == "incomplete"
    assert not QuizAttempt.objects.exists()


def test_pre_and_post_test_give_the_knowledge_gain(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    questions = list(knowledge_questions(core))
    form = api.get(TEST).json()
    assert [q["id"] for q in form["questions"]] == [q.pk for q in questions]
    assert form["pre_test_score"] is None

    pre_answers = [*right_answers(questions[:3]), *wrong_answers(questions[3:])]
    pre = api.post(TEST, {"kind": "pre", "answers": pre_answers})
    assert pre.status_code == 201, pre.content
    assert (pre.json()["score"], pre.json()["knowledge_gain"]) == (38, None)  # 3 of 8

    post_answers = [*right_answers(questions[:7]), *wrong_answers(questions[7:])]
    post = api.post(TEST, {"kind": "post", "answers": post_answers})
    assert post.status_code == 201
    assert post.json()["score"] == 88  # 7 of 8
    assert post.json()["knowledge_gain"] == 50

    progress = api.get("finance/progress").json()
    assert (progress["pre_test_score"], progress["post_test_score"]) == (38, 88)
    assert progress["knowledge_gain"] == 50


def test_each_test_is_taken_once_and_the_pre_test_comes_first(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    answers = right_answers(knowledge_questions(core))
    early = api.post(TEST, {"kind": "post", "answers": answers})
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "pre_test_missing"
    assert api.post(TEST, {"kind": "pre", "answers": answers}).status_code == 201
    twice = api.post(TEST, {"kind": "pre", "answers": answers})
    assert twice.status_code == 409
    assert QuizAttempt.objects.filter(kind="pre").count() == 1


def test_a_lesson_quiz_question_is_not_part_of_the_knowledge_test(
    world: World, core: Module, lesson: Lesson
) -> None:
    answers = right_answers(knowledge_questions(core))
    answers[0] = right_answers(lesson.questions.filter(in_knowledge_test=False)[:1])[0]
    resp = ApiClient(world.participant_a).post(TEST, {"kind": "pre", "answers": answers})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "answers", "0", "question_id"]


def test_progress_counts_the_module_as_completed(world: World, core: Module) -> None:
    api = ApiClient(world.participant_a)
    for lesson in core.lessons.all():
        api.post(f"finance/lessons/{lesson.pk}/completion")
    progress = api.get("finance/progress").json()
    assert (progress["lessons_completed"], progress["lessons_total"]) == (8, 8)
    assert progress["module_completed"] is True


def test_records_cannot_be_changed_through_the_api(world: World, lesson: Lesson) -> None:
    api = ApiClient(world.participant_a)
    api.post(f"finance/lessons/{lesson.pk}/completion")
    assert api.delete(f"finance/lessons/{lesson.pk}/completion").status_code == 405
    assert LessonProgress.objects.count() == 1
