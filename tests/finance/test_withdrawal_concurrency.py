"""Two withdrawals from the same goal at the same moment: never below zero."""

import contextlib
import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from backend.finance import services
from backend.finance.models import SavingsGoal, SavingsMovement
from backend.lib.errors import DomainError
from tests.conftest import World

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks"),
]


def test_two_withdrawals_cannot_both_empty_a_goal(world: World, monkeypatch: Any) -> None:
    goal = SavingsGoal.objects.create(
        user=world.participant_a, programme=world.programme_a, name="Horno",
        target_amount=Decimal(500), currency="PEN",
    )  # fmt: skip
    SavingsMovement.objects.create(
        goal=goal, kind="deposit", amount=Decimal(100), occurred_on=dt.date(2026, 1, 1)
    )
    start, at_insert = threading.Barrier(2), threading.Barrier(2)
    create = SavingsMovement.objects.create

    def create_after_both_checked(**kwargs: Any) -> SavingsMovement:
        # Without the row lock both writers would have checked the balance by now.
        with contextlib.suppress(threading.BrokenBarrierError):
            at_insert.wait(timeout=1)
        return create(**kwargs)

    monkeypatch.setattr(SavingsMovement.objects, "create", create_after_both_checked)
    outcomes: list[str] = []

    def withdraw() -> None:
        try:
            start.wait()
            services.record_movement(goal=goal, kind="withdrawal", amount="60")
            outcomes.append("withdrawn")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["insufficient_savings", "withdrawn"]
    assert SavingsMovement.objects.filter(goal=goal, kind="withdrawal").count() == 1
