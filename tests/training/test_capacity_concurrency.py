"""Two managers enrolling into the last seat at the same moment: exactly one gets it."""

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection

from backend.accounts.models import User
from backend.lib.errors import Conflict
from backend.training import services
from backend.training.models import Cohort, Enrollment
from tests.conftest import World

from .conftest import make_cohort, make_course

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks"),
]


def test_the_last_seat_goes_to_one_person_only(world: World, monkeypatch: Any) -> None:
    cohort = make_cohort(world, make_course(), capacity=1)
    barrier = threading.Barrier(2)
    # Widen the race: each writer waits (up to a second) for the other to have counted the
    # seats too before it inserts. Without the row lock both would then insert.
    at_insert = threading.Barrier(2)
    create = Enrollment.objects.create

    def create_after_both_counted(**kwargs: Any) -> Enrollment:
        # A broken barrier means the other writer is waiting on the lock, as it should.
        with contextlib.suppress(threading.BrokenBarrierError):
            at_insert.wait(timeout=1)
        return create(**kwargs)

    monkeypatch.setattr(Enrollment.objects, "create", create_after_both_counted)
    outcomes: list[str] = []

    def enroll(person: User) -> None:
        try:
            barrier.wait()
            services.enroll(
                actor=world.manager, cohort=Cohort(pk=cohort.pk), participant_id=person.pk
            )
            outcomes.append("enrolled")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads: list[Any] = [
        threading.Thread(target=enroll, args=(p,))
        for p in (world.participant_a, world.participant_b)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cohort_full", "enrolled"]
    assert Enrollment.objects.filter(cohort=cohort).count() == 1
