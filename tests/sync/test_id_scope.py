"""Record ids are scoped to their owner: pushing another person's id works like a fresh id.

Ids are chosen by the phones, and the demo's are predictable; were they unique across all
people, a refusal ("id_taken") would tell anyone which ids exist.
"""

from decimal import Decimal
from typing import Any

from backend.finance.models import SavingsGoal, SavingsMovement
from backend.ventures import services as ventures
from backend.ventures.models import LedgerEntry, Venture, VentureMonth
from tests.conftest import World

from .conftest import START, Device, accepted, created, entry


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


def _their_ventures(world: World) -> tuple[Venture, Venture]:
    return tuple(  # type: ignore[return-value]
        ventures.create_venture(
            owner=user, programme_id=world.programme_a.pk, name=name, sector="I", started_on=START
        )
        for user, name in ((world.participant_a, "Arepas"), (world.participant_b, "Cachapas"))
    )


def test_an_entry_under_another_persons_id_is_a_new_entry(world: World) -> None:
    arepas, cachapas = _their_ventures(world)
    ana, beto = Device(world.participant_a), Device(world.participant_b)
    ana.pull()
    beto.pull()
    assert accepted(ana.push(created("ledger_entries", entry("shared0000000001", arepas.sync_id))))
    fresh = beto.push(created("ledger_entries", entry("fresh00000000001", cachapas.sync_id)))
    taken = beto.push(
        created("ledger_entries", entry("shared0000000001", cachapas.sync_id, amount="99.00"))
    )
    assert (taken.status_code, taken.json()) == (fresh.status_code, fresh.json())
    assert accepted(taken)
    mine = LedgerEntry.objects.get(owner=world.participant_a, sync_id="shared0000000001")
    his = LedgerEntry.objects.get(owner=world.participant_b, sync_id="shared0000000001")
    assert (mine.venture, mine.amount) == (arepas, Decimal("10.00"))
    assert (his.venture, his.amount) == (cachapas, Decimal("99.00"))
    # The devices that pushed hear of their own entries as held (updated, never created:
    # the other person's entry under the same id does not make hers look new to her).
    ana_pull, beto_pull = ana.pull()["ledger_entries"], beto.pull()["ledger_entries"]
    assert ana_pull["created"] == beto_pull["created"] == []
    assert [(e["id"], e["amount"]) for e in ana_pull["updated"]] == [("shared0000000001", "10.00")]
    assert sorted((e["id"], e["amount"]) for e in beto_pull["updated"]) == [
        ("fresh00000000001", "10.00"),
        ("shared0000000001", "99.00"),
    ]
    # A new phone of each gets her own entries only.
    for user, want in ((world.participant_a, ["10.00"]), (world.participant_b, ["10.00", "99.00"])):
        first = Device(user).pull()["ledger_entries"]["created"]
        assert sorted(e["amount"] for e in first) == want
    # Rollups: each venture counts its own entry.
    assert VentureMonth.objects.get(venture=arepas).sales == Decimal("10.00")
    assert VentureMonth.objects.get(venture=cachapas).sales == Decimal("109.00")


def test_a_retry_and_a_changed_retry_are_judged_among_her_own_entries(world: World) -> None:
    arepas, cachapas = _their_ventures(world)
    ana, beto = Device(world.participant_a), Device(world.participant_b)
    assert accepted(ana.push(created("ledger_entries", entry("shared0000000002", arepas.sync_id))))
    again = entry("shared0000000002", cachapas.sync_id, amount="5.00")
    assert accepted(beto.push(created("ledger_entries", again)))
    assert accepted(beto.push(created("ledger_entries", again)))  # a retry: nothing new
    beto.pull()
    changed = beto.push(created("ledger_entries", {**again, "amount": "6.00"}))
    assert changed.json()["rejected"]["ledger_entries"]["shared0000000002"]["code"] == "immutable"
    assert LedgerEntry.objects.filter(sync_id="shared0000000002").count() == 2
    assert LedgerEntry.objects.get(owner=world.participant_b).amount == Decimal("5.00")


def test_deleting_an_entry_voids_her_own_under_that_id_only(world: World) -> None:
    arepas, cachapas = _their_ventures(world)
    ana, beto = Device(world.participant_a), Device(world.participant_b)
    assert accepted(ana.push(created("ledger_entries", entry("shared0000000003", arepas.sync_id))))
    ana.pull()
    # Beto deleting an id only Ana has answers as for any id he never had.
    unknown = beto.push({"ledger_entries": {"created": [], "updated": [], "deleted": ["nobody"]}})
    hers = beto.push(
        {"ledger_entries": {"created": [], "updated": [], "deleted": ["shared0000000003"]}}
    )
    assert (hers.status_code, hers.json()) == (unknown.status_code, unknown.json())
    assert accepted(
        beto.push(created("ledger_entries", entry("shared0000000003", cachapas.sync_id)))
    )
    beto.pull()
    gone = {"ledger_entries": {"created": [], "updated": [], "deleted": ["shared0000000003"]}}
    assert accepted(beto.push(gone))
    assert LedgerEntry.objects.get(owner=world.participant_b).voided_at is not None
    assert LedgerEntry.objects.get(owner=world.participant_a).voided_at is None
    assert ana.pull()["ledger_entries"]["deleted"] == []
    assert beto.pull()["ledger_entries"]["deleted"] == ["shared0000000003"]
    assert VentureMonth.objects.get(venture=arepas).sales == Decimal("10.00")
    assert VentureMonth.objects.get(venture=cachapas).sales == Decimal("0.00")
