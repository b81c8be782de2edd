"""The completion rule at its edges, and what a later change does to a completion."""

from collections.abc import Callable
from typing import Any

import pytest

from backend.training import services
from backend.training.models import Certificate, CohortSession, Course, Enrollment
from tests.conftest import World

from .conftest import reload


@pytest.fixture
def passed_test(world: World, enrollment_a: Enrollment) -> Enrollment:
    return services.record_scores(actor=world.trainer, enrollment=enrollment_a, post_score=75)


def test_exactly_at_the_minimum_attendance_completes(
    passed_test: Enrollment, sessions: list[CohortSession], attend: Callable[..., None]
) -> None:
    attend(passed_test, sessions, "PPPPPPPPAA")  # 8 of 10 = 0.80, the minimum
    e = reload(passed_test)
    assert e.status == "completed"
    assert e.completed_on is not None
    assert e.completion_rule == "attendance 8/10 >= 80% (excused: excluded); post-test 75 >= 60"


def test_one_session_below_the_minimum_does_not_complete(
    passed_test: Enrollment, sessions: list[CohortSession], attend: Callable[..., None]
) -> None:
    attend(passed_test, sessions, "PPPPPPPAAA")  # 7 of 10
    e = reload(passed_test)
    assert e.status == "enrolled"
    assert e.completed_on is None


def test_exactly_at_the_pass_mark_completes_and_one_below_does_not(
    world: World,
    enrollment_a: Enrollment,
    sessions: list[CohortSession],
    attend: Callable[..., None],
) -> None:
    attend(enrollment_a, sessions, "PPPPPPPPPP")
    assert reload(enrollment_a).status == "enrolled"  # no post-test yet
    services.record_scores(actor=world.trainer, enrollment=enrollment_a, post_score=59)
    assert reload(enrollment_a).status == "enrolled"
    services.record_scores(actor=world.trainer, enrollment=enrollment_a, post_score=60)
    e = reload(enrollment_a)
    assert e.status == "completed"
    assert e.completion_rule.endswith("post-test 60 >= 60")


@pytest.mark.parametrize(
    ("rule", "pattern", "completes"),
    [
        # 7 present + 1 excused of 10
        ("present", "PPPPPPPEAA", True),  # 8/10
        ("excluded", "PPPPPPPEAA", False),  # 7/9 = 0.777...
        ("absent", "PPPPPPPEAA", False),  # 7/10
        # 8 present + 2 excused of 10
        ("excluded", "PPPPPPPPEE", True),  # 8/8
        ("excluded", "PPPPPPPEEA", True),  # 7/8 = 0.875
        ("absent", "PPPPPPPPEE", True),  # 8/10
    ],
)
def test_excused_absences_count_as_the_course_says(
    world: World,
    course: Course,
    enrollment_a: Enrollment,
    sessions: list[CohortSession],
    attend: Callable[..., None],
    rule: str,
    pattern: str,
    completes: bool,
) -> None:
    Course.objects.filter(pk=course.pk).update(excused_counts=rule, has_tests=False)
    attend(reload(enrollment_a), sessions, pattern)
    assert (reload(enrollment_a).status == "completed") is completes


def test_all_excused_under_the_excluded_rule_is_not_a_completion(
    world: World,
    course: Course,
    enrollment_a: Enrollment,
    sessions: list[CohortSession],
    attend: Callable[..., None],
) -> None:
    Course.objects.filter(pk=course.pk).update(has_tests=False)
    attend(reload(enrollment_a), sessions, "EEEEEEEEEE")
    assert reload(enrollment_a).status == "enrolled"


def test_a_correction_below_the_minimum_undoes_a_completion_without_certificate(
    world: World, passed_test: Enrollment, sessions: list[CohortSession], attend: Any
) -> None:
    attend(passed_test, sessions, "PPPPPPPPAA")
    assert reload(passed_test).status == "completed"
    attend(passed_test, sessions, "A")  # session 1 corrected to absent: 7/10
    e = reload(passed_test)
    assert (e.status, e.completed_on, e.completion_rule) == ("enrolled", None, "")


def test_a_completion_with_a_certificate_stays_until_the_certificate_is_revoked(
    world: World, passed_test: Enrollment, sessions: list[CohortSession], attend: Any
) -> None:
    attend(passed_test, sessions, "PPPPPPPPAA")
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=passed_test)
    attend(passed_test, sessions, "A")
    assert reload(passed_test).status == "completed"
    services.revoke_certificate(actor=world.manager, certificate=certificate, reason="Error")
    assert reload(passed_test).status == "enrolled"
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is not None


def test_a_new_session_lowers_the_share_of_everyone(
    world: World, course: Course, enrollment_a: Enrollment, sessions: list[CohortSession],
    attend: Any,
) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(has_tests=False)
    attend(reload(enrollment_a), sessions, "PPPPPPPPAA")
    assert reload(enrollment_a).status == "completed"
    cohort = enrollment_a.cohort
    services.add_session(actor=world.trainer, cohort=cohort, date=sessions[-1].date.replace(day=20))
    assert reload(enrollment_a).status == "enrolled"  # 8/11


def test_a_dropped_out_person_never_completes(
    world: World, passed_test: Enrollment, sessions: list[CohortSession], attend: Any
) -> None:
    services.set_dropped_out(actor=world.trainer, enrollment=passed_test, dropped_out=True)
    attend(reload(passed_test), sessions, "PPPPPPPPPP")
    assert reload(passed_test).status == "dropped_out"
