"""The domain tables: who sees which rows, and writes through the apps' own services."""

import json

from backend.finance.models import Lesson, LessonProgress, Module, QuizAttempt, SavingsMovement
from backend.training import services as training
from backend.training.models import Attendance, AttendanceMark
from tests.conftest import World
from tests.training.conftest import START, add_sessions, make_course

from .conftest import Device, accepted, created, ids, seen


def _cohort(world: World) -> object:
    course = make_course()
    cohort = training.create_cohort(
        actor=world.manager,
        programme=world.programme_a,
        course=course,
        name="Piura 1",
        trainer_ids=[world.trainer.pk],
        start_date=START,
        end_date=START.replace(month=3),
        capacity=10,
    )
    add_sessions(cohort, 2)
    return cohort


def test_trainer_takes_attendance_offline_and_the_participant_reads_it(world: World) -> None:
    cohort = _cohort(world)
    participant, trainer = Device(world.participant_a), Device(world.trainer)
    assert participant.pull()["cohorts"]["created"] == []  # not enrolled yet
    trainer_first = trainer.pull()
    assert ids(trainer_first, "cohorts", "created") == [str(cohort.pk)]
    enrollment = training.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk
    )
    # The new enrollment makes the cohort, course and sessions reach the participant's device.
    # They are new to that device: created (WatermelonDB logs an error for an `updated` record
    # it does not have).
    changes = participant.pull()
    assert ids(changes, "cohorts", "created") == [str(cohort.pk)]
    assert len(changes["cohort_sessions"]["created"]) == 2
    assert ids(changes, "courses", "created") == [str(cohort.course_id)]
    assert ids(changes, "enrollments", "created") == [str(enrollment.pk)]
    assert all(not c["updated"] for c in changes.values())

    session = cohort.sessions.order_by("date").first()
    trainer_changes = trainer.pull()
    roster = trainer_changes["enrollments"]["created"]
    assert [r["id"] for r in roster] == [str(enrollment.pk)]
    # The trainer's device already has the cohort: renumbered for the newcomer, it is updated.
    assert ids(trainer_changes, "cohorts", "updated") == [str(cohort.pk)]
    assert trainer_changes["cohorts"]["created"] == []
    mark = {
        "id": "att0000000000001",
        "session_id": str(session.pk),
        "enrollment_id": str(enrollment.pk),
        "status": "absent",
        "marked_at": 0,
    }
    assert accepted(trainer.push(created("attendance", mark)))
    # The trainer's own mark comes back to that device as updated: it has it.
    assert ids(trainer.pull(), "attendance", "updated") == ["att0000000000001"]
    assert accepted(
        trainer.push(
            {
                "attendance": {
                    "created": [],
                    "updated": [{**mark, "status": "present"}],
                    "deleted": [],
                }
            }
        )
    )
    row = Attendance.objects.get()
    assert row.sync_id == "att0000000000001"
    assert row.status == "present"
    assert AttendanceMark.objects.filter(attendance=row).count() == 2  # history kept
    [seen] = participant.pull()["attendance"]["created"]
    assert seen["id"] == "att0000000000001"
    assert seen["status"] == "present"

    # A participant cannot mark attendance, not even their own.
    response = participant.push(created("attendance", {**mark, "id": "att0000000000002"}))
    assert response.json()["rejected"]["attendance"]["att0000000000002"]["code"] in {
        "not_found",
        "duplicate",
    }
    assert Attendance.objects.count() == 1


def test_other_trainer_sees_nothing_of_the_cohort(world: World) -> None:
    _cohort(world)
    changes = Device(world.other_trainer).pull()
    assert all(not changes[t]["created"] for t in ("cohorts", "courses", "cohort_sessions"))


def test_lessons_come_in_the_users_language(world: World) -> None:
    world.participant_a.preferred_language = "pt-br"
    world.participant_a.save(update_fields=["preferred_language"])
    lessons = Device(world.participant_a).pull()["lessons"]["created"]
    first = Lesson.objects.order_by("module", "order").first()
    raw = next(r for r in lessons if r["id"] == str(first.pk))
    assert raw["title"] == first.title_pt
    assert raw["body"] == first.body_pt
    assert json.loads(raw["quiz"])
    assert "is_correct" not in raw["quiz"]


def test_progress_and_quiz_attempts_offline(world: World) -> None:
    lesson = Module.objects.get(code="core").lessons.get(order=1)
    questions = lesson.questions.filter(in_knowledge_test=False).prefetch_related("choices")
    answers = [[q.pk, q.choices.get(is_correct=True).pk] for q in questions]
    phone, tablet = Device(world.participant_a), Device(world.participant_a)
    phone.pull()
    tablet.pull()
    push = {
        **created("lesson_progress", {"id": "prog000000000001", "lesson_id": str(lesson.pk)}),
        **created(
            "quiz_attempts",
            {
                "id": "quiz000000000001",
                "kind": "quiz",
                "lesson_id": str(lesson.pk),
                "module_code": "core",
                "answers": json.dumps(answers),
                "score": 0,
            },
        ),
    }
    assert accepted(phone.push(push))
    assert accepted(phone.push(push))  # the retry after a lost answer
    attempt = QuizAttempt.objects.get()
    assert attempt.sync_id == "quiz000000000001"
    assert attempt.score == 100
    assert LessonProgress.objects.get().sync_id == "prog000000000001"
    # The tablet finished the same lesson offline: told so, nothing doubled.
    response = tablet.push(
        created("lesson_progress", {"id": "prog000000000002", "lesson_id": str(lesson.pk)})
    )
    assert response.json()["rejected"]["lesson_progress"]["prog000000000002"]["code"] == "duplicate"
    changes = tablet.pull()
    # (The tablet's first pull was at timestamp 0, so this one counts as a first pull too.)
    assert seen(changes, "lesson_progress") == ["prog000000000001"]
    assert seen(changes, "quiz_attempts") == ["quiz000000000001"]


def test_savings_goal_and_movements_offline(world: World) -> None:
    device = Device(world.participant_a)
    device.pull()
    goal = {
        "id": "goal000000000001",
        "name": "Horno",
        "target_amount": "500.00",
        "currency": "PEN",
        "target_date": None,
    }
    deposit = {
        "id": "dep0000000000001",
        "goal_id": goal["id"],
        "kind": "deposit",
        "amount": "40",
        "occurred_on": "2025-06-02",
        "note": "",
    }
    too_much = {**deposit, "id": "dep0000000000002", "kind": "withdrawal", "amount": "90"}
    response = device.push(
        {**created("savings_goals", goal), **created("savings_deposits", deposit, too_much)}
    )
    assert response.json()["rejected"]["savings_deposits"]["dep0000000000002"]["code"] == (
        "insufficient_savings"
    )
    assert list(SavingsMovement.objects.values_list("sync_id", "amount")) == [
        ("dep0000000000001", 40)
    ]
    changes = Device(world.participant_a).pull()
    assert ids(changes, "savings_deposits", "created") == ["dep0000000000001"]
    assert changes["savings_goals"]["created"][0]["target_amount"] == "500.00"
    assert Device(world.participant_b).pull()["savings_goals"]["created"] == []


def test_a_pulled_ledger_entry_reads_the_same_as_one_serialized_from_its_object(
    world: World,
) -> None:
    # A pull reads plain values for the ledger (no model objects); each row must come out
    # exactly as the object would have, voided entries left out.
    from backend.sync.registry import tables
    from backend.ventures.models import LedgerEntry
    from tests.ventures.conftest import make_venture, record

    venture = make_venture(world.participant_a, world.programme_a)
    record(venture, "entry-sale-00001", "12.50", note="Empanadas")
    record(venture, "entry-cost-00002", "3.05", kind="expense", category="stock")
    table = tables()["ledger_entries"]
    rows = table.rows(world.participant_a).order_by("sync_id")
    wire = table.serialize_rows(rows)
    assert wire == [table.serialize(e) for e in LedgerEntry.objects.order_by("sync_id")]
    assert [r["amount"] for r in wire] == ["3.05", "12.50"]
    assert wire[1]["venture_id"] == venture.sync_id
    assert wire[1]["note"] == "Empanadas"
