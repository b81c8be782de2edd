"""Savings movement ids are unique per owner: her phone holds all her movements, of every
goal, in one table keyed by id. Reusing one of her ids with other content is refused;
another person's id is a fresh one."""

from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import translation

from backend.finance import services
from backend.finance.models import SavingsGoal, SavingsMovement
from backend.lib.errors import Conflict
from tests.conftest import World
from tests.sync.conftest import Device, accepted, created


def _goals(world: World) -> tuple[SavingsGoal, SavingsGoal, SavingsGoal]:
    def goal(user: Any, name: str) -> SavingsGoal:
        return services.create_goal(user=user, name=name, target_amount="500.00")

    return (
        goal(world.participant_a, "Horno"),
        goal(world.participant_a, "Moto"),
        goal(world.participant_b, "Horno"),
    )


def _deposit(goal: SavingsGoal, amount: str = "20.00") -> dict[str, Any]:
    return {
        "id": "dep0000000000009",
        "goal_id": goal.sync_id,
        "kind": "deposit",
        "amount": amount,
        "occurred_on": "2025-06-02",
        "note": "",
    }


def test_one_of_her_ids_in_another_goal_is_refused(world: World) -> None:
    oven, moto, his = _goals(world)
    first = services.record_movement(goal=oven, kind="deposit", amount="20", sync_id="dep9")
    with translation.override("es"), pytest.raises(Conflict) as refused:
        services.record_movement(goal=moto, kind="deposit", amount="20", sync_id="dep9")
    assert (refused.value.status, refused.value.code) == (409, "id_conflict")
    assert str(refused.value.message) == (
        "Ya existe un registro de ahorro con este id y otro contenido."
    )
    # The same record again (a retry) is the same record; another person's id is fresh.
    again = services.record_movement(goal=oven, kind="deposit", amount="20", sync_id="dep9")
    assert again.pk == first.pk
    services.record_movement(goal=his, kind="deposit", amount="20", sync_id="dep9")
    assert SavingsMovement.objects.filter(sync_id="dep9").count() == 2
    assert moto.movements.count() == 0


def test_the_database_keeps_her_ids_unique_across_her_goals(world: World) -> None:
    oven, moto, _his = _goals(world)
    SavingsMovement.objects.create(
        goal=oven, kind="deposit", amount=5, occurred_on=oven.created_at.date(), sync_id="x1"
    )
    with pytest.raises(IntegrityError):
        SavingsMovement.objects.create(
            goal=moto, kind="deposit", amount=5, occurred_on=moto.created_at.date(), sync_id="x1"
        )


def test_a_push_reusing_her_id_in_another_goal_is_refused_and_her_phone_keeps_one(
    world: World,
) -> None:
    oven, moto, his = _goals(world)
    phone = Device(world.participant_a)
    phone.pull()
    # In one push: the first is stored, the second refused with the reason.
    both = phone.push(created("savings_deposits", _deposit(oven), _deposit(moto, "30.00")))
    assert both.status_code == 200
    assert both.json()["rejected"]["savings_deposits"]["dep0000000000009"]["code"] == (
        "id_conflict"
    )
    # In a later push: refused too (records are never changed).
    phone.pull()
    later = phone.push(created("savings_deposits", _deposit(moto, "30.00")))
    assert later.json()["rejected"]["savings_deposits"]["dep0000000000009"]["code"] == ("immutable")
    assert [(m.goal_id, str(m.amount)) for m in SavingsMovement.objects.all()] == [
        (oven.pk, "20.00")
    ]
    assert accepted(Device(world.participant_b).push(created("savings_deposits", _deposit(his))))
    # A new phone of hers gets one record under the id, the one she saved.
    first = Device(world.participant_a).pull()["savings_deposits"]["created"]
    assert [(d["id"], d["goal_id"], d["amount"]) for d in first] == [
        ("dep0000000000009", oven.sync_id, "20.00")
    ]
