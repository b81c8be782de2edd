"""A business-skills course and a cohort in programme A trained by `world.trainer`."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from backend.accounts.models import User
from backend.training import services
from backend.training.models import Cohort, CohortSession, Course, Enrollment
from tests.conftest import World

START = dt.date(2026, 1, 5)
END = dt.date(2026, 3, 27)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the verification page's rate limit counts in the cache


def make_course(**extra: Any) -> Course:
    fields: dict[str, Any] = {
        "code": "siyb-start",
        "title_es": "Inicia tu Negocio",
        "title_en": "Start Your Business",
        "title_pt": "Inicie o seu Negócio",
        "stage": "start",
        "planned_hours": 30,
        "modules": ["Idea", "Mercado", "Costos", "Plan", "Lanzamiento"],
        "has_tests": True,
        "pass_mark": 60,
    }
    fields.update(extra)
    return Course.objects.create(**fields)


@pytest.fixture
def course(db: Any) -> Course:
    return make_course()


def make_cohort(world: World, course: Course, **extra: Any) -> Cohort:
    args: dict[str, Any] = {
        "actor": world.manager,
        "programme": world.programme_a,
        "course": course,
        "name": "Piura · Inicia tu Negocio 1",
        "trainer_ids": [world.trainer.pk],
        "start_date": START,
        "end_date": END,
        "capacity": 20,
        "region": "PE-PIU",
        "city": "Piura",
    }
    args.update(extra)
    return services.create_cohort(**args)


@pytest.fixture
def cohort(world: World, course: Course) -> Cohort:
    return make_cohort(world, course)


def add_sessions(cohort: Cohort, n: int) -> list[CohortSession]:
    return [
        services.add_session(
            actor=cohort.trainers.get(), cohort=cohort, date=START + dt.timedelta(days=7 * i)
        )
        for i in range(n)
    ]


@pytest.fixture
def sessions(cohort: Cohort) -> list[CohortSession]:
    return add_sessions(cohort, 10)


@pytest.fixture
def enrollment_a(world: World, cohort: Cohort) -> Enrollment:
    return services.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk
    )


@pytest.fixture
def enrollment_b(world: World, cohort: Cohort) -> Enrollment:
    return services.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_b.pk
    )


@pytest.fixture
def attend() -> Callable[..., None]:
    """attend(enrollment, sessions, "PPPPPPPPAA") marks one status letter per session."""
    letters = {"P": "present", "A": "absent", "E": "excused"}

    def mark(enrollment: Enrollment, sessions: list[CohortSession], pattern: str) -> None:
        actor = User.objects.get(email="trainer@example.org")
        for session, letter in zip(sessions, pattern, strict=False):
            if letter in letters:
                fresh = CohortSession.objects.select_related(
                    "cohort__course", "cohort__programme"
                ).get(pk=session.pk)  # as a request would load it
                services.mark_attendance(
                    actor=actor, session=fresh, marks=[(enrollment.pk, letters[letter])]
                )

    return mark


def reload(enrollment: Enrollment) -> Enrollment:
    return Enrollment.objects.get(pk=enrollment.pk)
