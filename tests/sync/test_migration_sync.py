"""Migration syncs (WatermelonDB "Backend": `migration`), proved with a schema v2 declared in
tests/sync/schema_v2.py: a new table (`venture_profiles`) and a new column
(`ventures.country_name`).
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from backend.sync import contract, engine, registry
from backend.ventures.models import Venture
from tests.conftest import World

from . import schema_v2 as schema_v2_module
from .conftest import Device, ids


@pytest.fixture
def schema_v2() -> Iterator[None]:
    saved = schema_v2_module.install()
    yield
    schema_v2_module.restore(saved)


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


def test_an_app_older_than_the_server_gets_only_its_own_tables_and_columns(
    world: World, venture_a: Venture, schema_v2: None
) -> None:
    # Version 1 apps keep syncing once the server knows version 2: WatermelonDB would warn of
    # a table it does not have, and the new column belongs to the migration sync.
    device = Device(world.participant_a)
    for changes in (device.pull(schema_version=1), device.pull(schema_version=1)):
        assert "venture_profiles" not in changes
    venture_a.name = "Arepas 2"
    venture_a.save()
    Venture.objects.filter(pk=venture_a.pk).update(changed_seq=engine.changes.next_seq())
    [venture] = device.pull(schema_version=1)["ventures"]["updated"]
    assert venture["name"] == "Arepas 2"
    assert "country_name" not in venture
    v2 = Device(world.participant_a).pull(schema_version=2)
    assert ids(v2, "venture_profiles", "created") == [f"p-{venture_a.sync_id}"]
    assert v2["ventures"]["created"][0]["country_name"] == "Perú"


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
