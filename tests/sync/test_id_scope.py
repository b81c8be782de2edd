"""Record ids are scoped to their owner: pushing another person's id works like a fresh id.

Ids are chosen by the phones, and the demo's are predictable; were they unique across all
people, a refusal ("id_taken") would tell anyone which ids exist.
"""

from typing import Any

from backend.finance.models import SavingsGoal, SavingsMovement
from backend.ventures.models import Venture
from tests.conftest import World

from .conftest import START, Device, accepted, created


def _venture(sync_id: str, name: str, world: World) -> dict[str, Any]:
    return {
        "id": sync_id,
        "programme_id": world.programme_a.pk,
        "name": name,
        "sector": "I",
        "region": "",
        "formalisation": "informal",
        "started_on": START.isoformat(),
        "country": "PE",
        "currency": "PEN",
    }


def test_a_venture_under_another_persons_id_is_a_new_venture(world: World) -> None:
    ana, beto = Device(world.participant_a), Device(world.participant_b)
    ana.pull()
    beto.pull()
    assert accepted(ana.push(created("ventures", _venture("shared0000000001", "Arepas", world))))
    fresh = beto.push(created("ventures", _venture("fresh00000000001", "Empanadas", world)))
    taken = beto.push(created("ventures", _venture("shared0000000001", "Cachapas", world)))
    assert (taken.status_code, taken.json().get("rejected")) == (
        fresh.status_code,
        fresh.json().get("rejected"),
    )
    assert accepted(taken)
    assert Venture.objects.get(owner=world.participant_a, sync_id="shared0000000001").name == (
        "Arepas"
    )
    assert Venture.objects.get(owner=world.participant_b, sync_id="shared0000000001").name == (
        "Cachapas"
    )
    # Each sees only their own under that id.
    pulled = Device(world.participant_b).pull()["ventures"]
    names = sorted(v["name"] for v in pulled["created"] + pulled["updated"])
    assert names == ["Cachapas", "Empanadas"]


def test_a_deposit_under_another_persons_id_is_a_new_deposit(world: World) -> None:
    ana, beto = Device(world.participant_a), Device(world.participant_b)
    goal = {"name": "Horno", "target_amount": "500.00", "currency": "PEN", "target_date": None}
    assert accepted(ana.push(created("savings_goals", {**goal, "id": "goalana000000001"})))
    assert accepted(beto.push(created("savings_goals", {**goal, "id": "goalbeto00000001"})))

    def deposit(goal_id: str) -> dict[str, Any]:
        return {
            "id": "dep0000000000001",
            "goal_id": goal_id,
            "kind": "deposit",
            "amount": "20.00",
            "occurred_on": "2025-06-02",
            "note": "",
        }

    assert accepted(ana.push(created("savings_deposits", deposit("goalana000000001"))))
    assert accepted(beto.push(created("savings_deposits", deposit("goalbeto00000001"))))
    assert SavingsMovement.objects.filter(sync_id="dep0000000000001").count() == 2
    assert SavingsGoal.objects.get(sync_id="goalana000000001").movements.count() == 1
