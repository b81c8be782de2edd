"""A push is applied parents first, whatever order the JSON keys arrive in."""

from collections.abc import Iterator
from typing import Any

import pytest

from backend.finance.models import SavingsGoal, SavingsMovement
from backend.sync import registry
from backend.sync.registry import Column, DependencyCycle, SyncTable, dependency_order
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

from .conftest import Device, accepted, entry


def _created(*records: dict[str, Any]) -> dict[str, Any]:
    return {"created": list(records), "updated": [], "deleted": []}


def test_new_parents_and_children_in_one_push_in_the_clients_key_order(world: World) -> None:
    device = Device(world.participant_a)
    device.pull()
    venture = {
        "id": "Vnew000000000001",
        "programme_id": world.programme_a.pk,
        "name": "Empanadas",
        "sector": "I",
        "region": "",
        "formalisation": "informal",
        "started_on": "2025-01-01",
    }
    goal = {
        "id": "Gnew000000000001",
        "name": "Horno",
        "target_amount": "500",
        "currency": "PEN",
        "target_date": None,
    }
    deposit = {
        "id": "Dnew000000000001",
        "goal_id": goal["id"],
        "kind": "deposit",
        "amount": "20.00",
        "occurred_on": "2025-06-02",
        "note": "",
    }
    # Alphabetical, as WatermelonDB sends tables from the generated schema: children first.
    changes = {
        "ledger_entries": _created(entry("Enew000000000001", venture["id"])),
        "savings_deposits": _created(deposit),
        "savings_goals": _created(goal),
        "ventures": _created(venture),
    }
    assert list(changes) == sorted(changes)
    response = device.push(changes)
    assert accepted(response), response.content
    assert Venture.objects.get(sync_id=venture["id"]).entries.get().sync_id == "Enew000000000001"
    assert SavingsMovement.objects.get(sync_id=deposit["id"]).goal == SavingsGoal.objects.get(
        sync_id=goal["id"]
    )
    assert LedgerEntry.objects.count() == 1


def test_every_table_comes_after_the_tables_it_references() -> None:
    order = registry.push_order()
    assert set(order) == set(registry.tables())
    for name, table in registry.tables().items():
        for column in table.columns:
            if column.references:
                assert order.index(column.references) < order.index(name), (name, column.name)


def _table(name: str, *refs: str) -> SyncTable:
    columns = tuple(Column(f"{r}_id", "string", references=r) for r in refs)
    cls = type(name, (SyncTable,), {"name": name, "columns": columns})
    return cls()


def test_a_cycle_in_the_declarations_is_an_error() -> None:
    a, b, c = _table("a", "c"), _table("b", "a"), _table("c", "b")
    with pytest.raises(DependencyCycle, match="a, b, c"):
        dependency_order({"a": a, "b": b, "c": c})
    assert dependency_order({"a": _table("a"), "b": b}) == ["a", "b"]


@pytest.fixture
def cyclic_tables() -> Iterator[None]:
    saved = dict(registry._TABLES)
    registry._TABLES.update({"zz_a": _table("zz_a", "zz_b"), "zz_b": _table("zz_b", "zz_a")})
    yield
    registry._TABLES.clear()
    registry._TABLES.update(saved)
    registry.autodiscover()


def test_a_cycle_stops_the_server_at_start_up(cyclic_tables: None) -> None:
    # autodiscover() is what SyncConfig.ready() runs when Django starts.
    with pytest.raises(DependencyCycle, match="zz_a, zz_b"):
        registry.autodiscover()
