"""Lists answer only what the caller may see, in a number of queries that does not grow."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import ParticipantProfile, User
from backend.programmes.models import Membership
from backend.training import services
from backend.training.access import participants_visible_to
from backend.training.models import Cohort, CohortSession, Course, Enrollment
from tests.conftest import ApiClient, World, consent

from .conftest import add_sessions, make_cohort


def _people(world: World, n: int) -> list[User]:
    people = []
    for i in range(n):
        user = User.objects.create_user(phone=f"+5198711{i:04d}", phone_verified=True)
        Membership.objects.create(user=user, programme=world.programme_a, role="participant")
        consent(user, world.notice)
        ParticipantProfile.objects.create(user=user, display_name=f"Persona {i}")
        people.append(user)
    return people


def _count(api: ApiClient, path: str, **params: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        resp = api.get(path, **params)
    assert resp.status_code == 200, resp.content
    return len(ctx.captured_queries), resp.json()


def test_roster_and_sheet_cost_the_same_for_two_or_twelve_people(
    world: World, cohort: Cohort, sessions: list[CohortSession], attend: Any
) -> None:
    enrollments = [
        services.enroll(actor=world.manager, cohort=cohort, participant_id=p.pk)
        for p in _people(world, 12)
    ]
    for e in enrollments:
        attend(e, sessions, "PPPA")
    api = ApiClient(world.trainer)
    small, body = _count(api, f"cohorts/{cohort.pk}/enrollments", limit=2)
    large, body = _count(api, f"cohorts/{cohort.pk}/enrollments", limit=12)
    assert small == large
    assert body["count"] == 12
    assert body["items"][0]["progress"]["present"] == 3
    assert body["items"][0]["progress"]["unmarked"] == 6
    small, _ = _count(api, f"sessions/{sessions[0].pk}/attendance", limit=2)
    large, body = _count(api, f"sessions/{sessions[0].pk}/attendance", limit=12)
    assert small == large
    assert {r["status"] for r in body["items"]} == {"present"}


def test_cohort_list_costs_the_same_for_one_or_many_and_shows_only_my_cohorts(
    world: World, course: Course
) -> None:
    for i in range(6):
        make_cohort(world, course, name=f"Mine {i}")
    Membership.objects.create(user=world.other_trainer, programme=world.programme_a, role="trainer")
    make_cohort(world, course, name="Not mine", trainer_ids=[world.other_trainer.pk])
    api = ApiClient(world.trainer)
    small, _ = _count(api, "cohorts", limit=1)
    large, body = _count(api, "cohorts", limit=50)
    assert small == large
    assert body["count"] == 6
    assert all(c["name"].startswith("Mine") for c in body["items"])
    assert body["items"][0]["trainers"][0]["id"] == world.trainer.pk
    _, managed = _count(ApiClient(world.manager), "cohorts")
    assert managed["count"] == 7
    for outsider in (world.other_manager, world.donor, world.participant_a):
        assert ApiClient(outsider).get("cohorts").json()["count"] == 0


def test_my_enrollments_show_progress_and_certificate(
    world: World, course: Course, attend: Any
) -> None:
    Course.objects.filter(pk=course.pk).update(has_tests=False)
    cohorts = [make_cohort(world, course, name=f"C{i}") for i in range(3)]
    for c in cohorts:
        add_sessions(c, 2)
        e = services.enroll(actor=world.manager, cohort=c, participant_id=world.participant_a.pk)
        attend(e, list(c.sessions.all()), "PP")
    services.issue_certificate(
        actor=world.trainer, enrollment=Enrollment.objects.filter(cohort=cohorts[0]).get()
    )
    api = ApiClient(world.participant_a)
    small, _ = _count(api, "me/enrollments", limit=1)
    large, body = _count(api, "me/enrollments", limit=10)
    assert small == large
    assert body["count"] == 3
    assert {i["status"] for i in body["items"]} == {"completed"}
    assert sum(1 for i in body["items"] if i["certificate_id"]) == 1
    assert body["items"][0]["progress"]["attendance_share"] == "1.000"
    assert ApiClient(world.participant_b).get("me/enrollments").json()["count"] == 0


def test_trainer_sees_name_and_contact_of_people_in_own_cohorts_only(
    world: World, enrollment_a: Enrollment
) -> None:
    visible = set(participants_visible_to(world.trainer).values_list("pk", flat=True))
    assert world.participant_a.pk in visible
    assert world.participant_b.pk not in visible  # in the programme, not in the cohort
    assert world.participant_a.pk not in set(
        participants_visible_to(world.other_trainer).values_list("pk", flat=True)
    )
