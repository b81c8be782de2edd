"""Enrollment limits, attendance marking and its history, through the API."""

import datetime as dt
from typing import Any

import pytest

from backend.accounts.models import Consent
from backend.programmes.models import Membership
from backend.training import services
from backend.training.models import (
    Attendance,
    AttendanceMark,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
)
from tests.conftest import ApiClient, World, make_user

from .conftest import make_cohort


def test_manager_enrolls_a_programme_participant(world: World, cohort: Cohort) -> None:
    resp = ApiClient(world.manager).post(
        f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_a.pk}
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["name"] == "Participant A"
    assert Enrollment.objects.filter(cohort=cohort, participant=world.participant_a).exists()


def test_enrolling_twice_is_a_conflict(world: World, cohort: Cohort, enrollment_a: Any) -> None:
    resp = ApiClient(world.manager).post(
        f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_a.pk}
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "already_enrolled"
    assert Enrollment.objects.filter(cohort=cohort).count() == 1


def test_enrolling_someone_outside_the_programme_is_refused(world: World, cohort: Cohort) -> None:
    resp = ApiClient(world.manager).post(
        f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_other.pk}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "participant_id"]
    assert not Enrollment.objects.exists()


def test_enrolling_beyond_capacity_is_refused_and_a_drop_out_frees_a_seat(
    world: World, course: Course
) -> None:
    cohort = make_cohort(world, course, capacity=1)
    api = ApiClient(world.manager)
    first = api.post(f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_a.pk})
    assert first.status_code == 201
    full = api.post(f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_b.pk})
    assert full.status_code == 409
    assert full.json()["error"]["code"] == "cohort_full"
    assert Enrollment.objects.filter(cohort=cohort).count() == 1
    drop = api.patch(f"enrollments/{first.json()['id']}", {"dropped_out": True})
    assert drop.json()["status"] == "dropped_out"
    again = api.post(f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_b.pk})
    assert again.status_code == 201


def test_enrolling_someone_without_consent_is_refused(world: World, cohort: Cohort) -> None:
    person = make_user(phone="+51987000999")
    Membership.objects.create(user=person, programme=world.programme_a, role="participant")
    resp = ApiClient(world.manager).post(
        f"cohorts/{cohort.pk}/enrollments", {"participant_id": person.pk}
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "consent_required"
    assert not Consent.objects.filter(user=person).exists()


def test_the_cohorts_trainer_enrolls_and_others_are_refused(world: World, cohort: Cohort) -> None:
    body = {"participant_id": world.participant_a.pk}
    # A trainer of programme B, a participant and a donor do not see the cohort at all.
    for outsider in (world.other_trainer, world.participant_b, world.donor):
        resp = ApiClient(outsider).post(f"cohorts/{cohort.pk}/enrollments", body)
        assert resp.status_code == 404, outsider
    assert not Enrollment.objects.exists()
    resp = ApiClient(world.trainer).post(f"cohorts/{cohort.pk}/enrollments", body)
    assert resp.status_code == 201, resp.content
    assert resp.json()["phone"] is None  # no second factor: names, not numbers
    # Only people of the cohort's own programme.
    resp = ApiClient(world.trainer).post(
        f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_other.pk}
    )
    assert resp.status_code == 422
    assert Enrollment.objects.filter(cohort=cohort).count() == 1


def test_a_trainer_who_left_the_programme_no_longer_enrolls(world: World, cohort: Cohort) -> None:
    Membership.objects.filter(user=world.trainer, programme=world.programme_a).delete()
    resp = ApiClient(world.trainer).post(
        f"cohorts/{cohort.pk}/enrollments", {"participant_id": world.participant_a.pk}
    )
    assert resp.status_code == 403
    assert not Enrollment.objects.exists()


def test_a_trainer_creates_a_cohort_in_her_programme_only(world: World, course: Course) -> None:
    colleague = make_user("colleague@example.org")
    Membership.objects.create(user=colleague, programme=world.programme_a, role="trainer")
    body = {
        "programme_id": world.programme_a.pk, "course_id": course.pk, "name": "Sullana 1",
        "trainer_ids": [colleague.pk], "start_date": "2026-01-05",
        "end_date": "2026-02-05", "capacity": 10,
    }  # fmt: skip
    # A trainer of programme B may not create cohorts in programme A.
    resp = ApiClient(world.other_trainer).post("cohorts", body)
    assert resp.status_code == 404
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "programme_id"]
    # Nor name a trainer of programme B in programme A.
    resp = ApiClient(world.trainer).post(
        "cohorts", {**body, "trainer_ids": [world.other_trainer.pk]}
    )
    assert resp.status_code == 422
    assert not Cohort.objects.exists()
    for outsider in (world.participant_a, world.donor):
        assert ApiClient(outsider).post("cohorts", body).status_code == 404
    resp = ApiClient(world.trainer).post("cohorts", body)
    assert resp.status_code == 201, resp.content
    cohort = Cohort.objects.get()
    # She named only her colleague, yet she trains it too: she can open it and enrol people.
    assert set(cohort.trainers.all()) == {world.trainer, colleague}
    assert ApiClient(world.trainer).get(f"cohorts/{cohort.pk}").status_code == 200


def test_cohort_trainers_must_be_trainers_of_the_programme(world: World, course: Course) -> None:
    body = {
        "programme_id": world.programme_a.pk, "course_id": course.pk, "name": "X",
        "trainer_ids": [world.other_trainer.pk], "start_date": "2026-01-05",
        "end_date": "2026-02-05", "capacity": 10,
    }  # fmt: skip
    resp = ApiClient(world.manager).post("cohorts", body)
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "trainer_ids"]
    body["trainer_ids"] = [world.trainer.pk]
    body["end_date"] = "2026-01-01"
    resp = ApiClient(world.manager).post("cohorts", body)
    assert resp.status_code == 422
    assert not Cohort.objects.exists()


def test_a_session_date_outside_the_cohort_is_refused(world: World, cohort: Cohort) -> None:
    api = ApiClient(world.trainer)
    resp = api.post(f"cohorts/{cohort.pk}/sessions", {"date": "2026-04-01", "module": "Plan"})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "date"]
    assert "2026-03-27" in resp.json()["error"]["message"]
    ok = api.post(f"cohorts/{cohort.pk}/sessions", {"date": "2026-03-27", "module": "Plan"})
    assert ok.status_code == 201
    assert CohortSession.objects.filter(cohort=cohort).count() == 1


def test_bulk_attendance_is_idempotent_and_corrections_keep_history(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment, enrollment_b: Enrollment
) -> None:
    api = ApiClient(world.trainer)
    url = f"sessions/{sessions[0].pk}/attendance"
    body = {
        "marks": [
            {"enrollment_id": enrollment_a.pk, "status": "present"},
            {"enrollment_id": enrollment_b.pk, "status": "absent"},
        ]
    }
    assert api.post(url, body).json() == {"changed": 2, "unchanged": 0}
    assert api.post(url, body).json() == {"changed": 0, "unchanged": 2}
    assert AttendanceMark.objects.count() == 2
    fix = {"marks": [{"enrollment_id": enrollment_b.pk, "status": "excused"}]}
    assert api.post(url, fix).json() == {"changed": 1, "unchanged": 0}
    row = Attendance.objects.get(enrollment=enrollment_b)
    assert row.status == "excused"
    assert row.marked_by == world.trainer
    assert list(row.history.values_list("status", flat=True)) == ["absent", "excused"]
    sheet = api.get(url).json()["items"]
    assert {r["enrollment_id"]: r["status"] for r in sheet} == {
        enrollment_a.pk: "present",
        enrollment_b.pk: "excused",
    }


def test_attendance_for_another_trainers_cohort_is_not_found(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment
) -> None:
    body = {"marks": [{"enrollment_id": enrollment_a.pk, "status": "present"}]}
    resp = ApiClient(world.other_trainer).post(f"sessions/{sessions[0].pk}/attendance", body)
    assert resp.status_code == 404
    assert not Attendance.objects.exists()


def test_attendance_for_someone_not_in_the_cohort_writes_nothing(
    world: World, course: Course, sessions: list[CohortSession], enrollment_a: Enrollment
) -> None:
    other = make_cohort(world, course, name="Otra")
    stranger = services.enroll(
        actor=world.manager, cohort=other, participant_id=world.participant_b.pk
    )
    body = {
        "marks": [
            {"enrollment_id": enrollment_a.pk, "status": "present"},
            {"enrollment_id": stranger.pk, "status": "present"},
        ]
    }
    resp = ApiClient(world.trainer).post(f"sessions/{sessions[0].pk}/attendance", body)
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "marks", "1", "enrollment_id"]
    assert not Attendance.objects.exists()


def test_a_session_in_the_future_cannot_be_marked(
    world: World, course: Course, enrollment_a: Enrollment
) -> None:
    cohort = enrollment_a.cohort
    Cohort.objects.filter(pk=cohort.pk).update(end_date=dt.date(2099, 1, 1))
    cohort.refresh_from_db()
    future = services.add_session(actor=world.trainer, cohort=cohort, date=dt.date(2098, 1, 1))
    body = {"marks": [{"enrollment_id": enrollment_a.pk, "status": "present"}]}
    resp = ApiClient(world.trainer).post(f"sessions/{future.pk}/attendance", body)
    assert resp.status_code == 422
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("score", [-1, 101])
def test_a_score_outside_0_to_100_is_refused(
    world: World, enrollment_a: Enrollment, score: int
) -> None:
    resp = ApiClient(world.trainer).patch(f"enrollments/{enrollment_a.pk}", {"post_score": score})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "post_score"]
    assert Enrollment.objects.get(pk=enrollment_a.pk).post_score is None


def test_scores_are_recorded_and_null_clears_one(world: World, enrollment_a: Enrollment) -> None:
    api = ApiClient(world.trainer)
    resp = api.patch(f"enrollments/{enrollment_a.pk}", {"pre_score": 40, "post_score": 70})
    assert (resp.json()["pre_score"], resp.json()["post_score"]) == (40, 70)
    resp = api.patch(f"enrollments/{enrollment_a.pk}", {"pre_score": None})
    assert (resp.json()["pre_score"], resp.json()["post_score"]) == (None, 70)


def test_the_database_refuses_a_score_out_of_range(enrollment_a: Enrollment) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment_a.pk).update(pre_score=101)
