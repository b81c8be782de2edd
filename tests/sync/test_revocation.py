"""Rows that leave someone's view (access revoked, not deleted) reach their devices as deleted."""

from typing import Any

from django.db import transaction

from backend.training import services as training
from backend.training.models import Attendance, Cohort
from tests.conftest import World

from .conftest import Device, accepted, created, ids, seen
from .test_tables import _cohort

COHORT_TABLES = ("courses", "cohorts", "cohort_sessions", "enrollments", "attendance")


def _taught(world: World) -> tuple[Any, Any, str]:
    """A cohort with one participant enrolled and one attendance mark taken offline."""
    cohort = _cohort(world)
    enrollment = training.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk
    )
    session = cohort.sessions.order_by("date").first()
    trainer = Device(world.trainer)
    trainer.pull()
    mark = {
        "id": "att0000000000001",
        "session_id": str(session.pk),
        "enrollment_id": str(enrollment.pk),
        "status": "present",
        "marked_at": 0,
    }
    assert accepted(trainer.push(created("attendance", mark)))
    return cohort, enrollment, mark["id"]


def test_a_trainer_taken_off_a_cohort_loses_its_rows(world: World) -> None:
    cohort, enrollment, mark_id = _taught(world)
    trainer, participant = Device(world.trainer), Device(world.participant_a)
    first = trainer.pull()
    participant.pull()
    with transaction.atomic():  # as in the admin's change form
        cohort.trainers.remove(world.trainer)
    changes = trainer.pull()
    assert ids(changes, "cohorts", "deleted") == [str(cohort.pk)]
    assert ids(changes, "courses", "deleted") == [str(cohort.course_id)]
    assert ids(changes, "cohort_sessions", "deleted") == ids(first, "cohort_sessions", "created")
    assert ids(changes, "enrollments", "deleted") == [str(enrollment.pk)]
    assert ids(changes, "attendance", "deleted") == [mark_id]
    # The participant still sees everything: nothing is sent to their devices.
    assert all(not participant.pull()[t]["deleted"] for t in COHORT_TABLES)
    # A device that syncs from scratch agrees.
    assert all(not Device(world.trainer).pull()[t]["created"] for t in COHORT_TABLES)


def test_a_course_still_seen_through_another_cohort_stays(world: World) -> None:
    cohort, _enrollment, _mark = _taught(world)
    other = training.create_cohort(
        actor=world.manager,
        programme=world.programme_a,
        course=cohort.course,
        name="Piura 2",
        trainer_ids=[world.trainer.pk],
        start_date=cohort.start_date,
        end_date=cohort.end_date,
        capacity=10,
    )
    trainer = Device(world.trainer)
    trainer.pull()
    with transaction.atomic():
        world.trainer.training_cohorts.remove(cohort)  # from the person's side
    changes = trainer.pull()
    assert ids(changes, "cohorts", "deleted") == [str(cohort.pk)]
    assert changes["courses"]["deleted"] == []
    assert str(other.pk) not in changes["cohorts"]["deleted"]


def test_a_trainer_put_back_gets_rows_again_not_deletions(world: World) -> None:
    cohort, _enrollment, _mark = _taught(world)
    trainer = Device(world.trainer)
    trainer.pull()
    with transaction.atomic():
        cohort.trainers.remove(world.trainer)
    with transaction.atomic():
        cohort.trainers.add(world.trainer)
    changes = trainer.pull()
    assert all(not changes[t]["deleted"] for t in COHORT_TABLES)
    assert seen(changes, "cohorts") == [str(cohort.pk)]


def test_a_trainer_added_later_receives_the_cohort(world: World) -> None:
    cohort, enrollment, mark_id = _taught(world)
    newcomer = Device(world.other_trainer)
    assert newcomer.pull()["cohorts"]["created"] == []
    with transaction.atomic():
        cohort.trainers.add(world.other_trainer)
    changes = newcomer.pull()
    assert seen(changes, "cohorts") == [str(cohort.pk)]
    assert seen(changes, "enrollments") == [str(enrollment.pk)]
    assert seen(changes, "attendance") == [mark_id]


def test_a_removed_enrollment_leaves_both_sides(world: World) -> None:
    cohort, enrollment, mark_id = _taught(world)
    trainer, participant = Device(world.trainer), Device(world.participant_a)
    trainer.pull()
    participant.pull()
    enrollment_id = str(enrollment.pk)
    enrollment.delete()  # the admin's delete; its marks go with it
    assert not Attendance.objects.exists()
    mine = participant.pull()
    assert ids(mine, "cohorts", "deleted") == [str(cohort.pk)]
    assert ids(mine, "enrollments", "deleted") == [enrollment_id]
    assert ids(mine, "attendance", "deleted") == [mark_id]
    assert len(mine["cohort_sessions"]["deleted"]) == 2
    theirs = trainer.pull()
    assert ids(theirs, "enrollments", "deleted") == [enrollment_id]
    assert ids(theirs, "attendance", "deleted") == [mark_id]
    assert theirs["cohorts"]["deleted"] == []  # the trainer still trains the cohort


def test_a_removed_session_and_cohort(world: World) -> None:
    cohort = _cohort(world)
    trainer = Device(world.trainer)
    trainer.pull()
    session = cohort.sessions.order_by("date").first()
    session_id = str(session.pk)
    session.delete()
    assert ids(trainer.pull(), "cohort_sessions", "deleted") == [session_id]
    Cohort.objects.filter(pk=cohort.pk).delete()
    changes = trainer.pull()
    assert ids(changes, "cohorts", "deleted") == [str(cohort.pk)]
    assert len(changes["cohort_sessions"]["deleted"]) == 1
