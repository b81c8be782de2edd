"""Migration syncs (WatermelonDB "Backend": `migration`), proved with a schema v2 declared here.

Version 2 of the app adds a table (`venture_profiles`) and a column (`ventures.country_name`).
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import QuerySet

from backend.accounts.models import User
from backend.sync import contract, engine, registry
from backend.sync.registry import Column, SyncTable
from backend.ventures import access as venture_access
from backend.ventures.models import Venture
from backend.ventures.sync import Ventures
from tests.conftest import World

from .conftest import Device, ids


class VentureProfiles(SyncTable):
    name = "venture_profiles"
    since = 2
    columns = (
        Column("venture_id", "string", references="ventures", since=2),
        Column("headline", "string", since=2),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return venture_access.own_ventures(user)

    def serialize(self, obj: Venture) -> dict[str, Any]:
        return {"id": f"p-{obj.sync_id}", "venture_id": obj.sync_id, "headline": obj.name}


class VenturesV2(Ventures):
    columns = (*Ventures.columns, Column("country_name", "string", since=2))

    def serialize(self, obj: Venture) -> dict[str, Any]:
        return {**super().serialize(obj), "country_name": {"PE": "Perú"}.get(obj.country, "")}


@pytest.fixture
def schema_v2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    saved = dict(registry._TABLES)
    registry._TABLES["ventures"] = VenturesV2()
    registry._TABLES["venture_profiles"] = VentureProfiles()
    monkeypatch.setattr(engine, "CURRENT_SCHEMA_VERSION", 2)
    yield
    registry._TABLES.clear()
    registry._TABLES.update(saved)
    registry.push_order()


def _pull(device: Device, schema_version: int, migration: Any) -> Any:
    return device.api.get(
        "sync/pull",
        last_pulled_at=device.last,
        schema_version=schema_version,
        migration=json.dumps(migration),
    )


def test_an_app_newer_than_the_server_is_refused(world: World) -> None:
    response = Device(world.participant_a).api.get("sync/pull", schema_version=99)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "schema_unsupported"
    assert error["max_schema_version"] == engine.CURRENT_SCHEMA_VERSION == 1
    assert "99" in error["message"]


def test_migration_sync_from_v1_to_v2_sends_the_new_table_and_column(
    world: World, venture_a: Venture, schema_v2: None
) -> None:
    device = Device(world.participant_a)
    device.pull(schema_version=1)  # the app at version 1
    # Nothing changed since; without a migration nothing is sent.
    quiet = _pull(device, 2, None).json()["changes"]
    assert all(not any(group.values()) for group in quiet.values())

    migration = {
        "from": 1,
        "tables": ["venture_profiles"],
        "columns": [{"table": "ventures", "columns": ["country_name"]}],
    }
    response = _pull(device, 2, migration)
    assert response.status_code == 200, response.content
    changes = response.json()["changes"]
    # The new table whole, as created; the device's ventures again, whole, as updated.
    assert ids(changes, "venture_profiles", "created") == [f"p-{venture_a.sync_id}"]
    [venture] = changes["ventures"]["updated"]
    assert venture["id"] == venture_a.sync_id
    assert venture["country_name"] == "Perú"
    assert changes["ventures"]["created"] == []

    # `from` alone is enough: the declarations say what version 2 added.
    by_version = _pull(device, 2, {"from": 1, "tables": [], "columns": []}).json()["changes"]
    assert ids(by_version, "venture_profiles", "created") == [f"p-{venture_a.sync_id}"]
    assert ids(by_version, "ventures", "updated") == [venture_a.sync_id]

    assert _pull(device, 3, None).json()["error"]["code"] == "schema_unsupported"


@pytest.mark.parametrize(
    "migration",
    [
        {"from": 1, "tables": ["auth_user"], "columns": []},
        {"from": 1, "tables": [], "columns": [{"table": "ventures", "columns": ["owner_id"]}]},
        {"from": "one"},
        [1],
    ],
)
def test_a_migration_naming_what_the_server_does_not_declare_is_refused(
    world: World, schema_v2: None, migration: Any
) -> None:
    device = Device(world.participant_a)
    device.pull(schema_version=1)
    response = _pull(device, 2, migration)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["query", "migration"]


def test_the_generated_schema_migrations_match_the_declarations(schema_v2: None) -> None:
    js = contract.schema_migrations_js(2, registry.tables())
    assert "toVersion: 2" in js
    create = js.index('createTable({\n          name: "venture_profiles"')
    add = js.index('addColumns({\n          table: "ventures"')
    assert '{ name: "country_name", type: "string" }' in js[add:]
    assert '{ name: "headline", type: "string" }' in js[create:add]
    # Version 1 has no migrations: the committed file says so.
    with open("mobile_api_spec/watermelon_migrations.js") as committed:
        assert committed.read() == contract.schema_migrations_js(1, registry.tables())
