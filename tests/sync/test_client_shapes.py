"""The request shapes WatermelonDB's own example frontend sends are accepted as they are."""

import importlib
import json

from django.apps import apps

from backend.sync.models import ChangeCounter
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

from .conftest import Device, entry


def test_first_pull_with_null_last_pulled_at_and_null_migration(
    world: World, venture_a: Venture
) -> None:
    device = Device(world.participant_a)
    response = device.api.client.get(
        "/api/v1/sync/pull?last_pulled_at=null&schema_version=1&migration=null",
        headers=device.api._headers(),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [v["id"] for v in body["changes"]["ventures"]["created"]] == [venture_a.sync_id]
    assert body["timestamp"] > 0
    for bad in ("abc", "1.5", "-3"):
        refused = device.api.get("sync/pull", last_pulled_at=bad, schema_version=1)
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["fields"][0]["loc"] == ["query", "last_pulled_at"]


def test_push_of_a_bare_changes_object_sent_as_text(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    changes = {"ledger_entries": {"created": [entry("bare0001", venture_a.sync_id)]}}
    # fetch(url, {method: 'POST', body: JSON.stringify(changes)}) sends text/plain.
    response = device.api.client.post(
        f"/api/v1/sync/push?last_pulled_at={device.last}",
        data=json.dumps(changes),
        content_type="text/plain;charset=UTF-8",
        headers=device.api._headers(),
    )
    assert response.status_code == 200, response.content
    assert LedgerEntry.objects.get().sync_id == "bare0001"
    # The wrapped shape still works, and a body that is neither is refused where it is wrong.
    assert (
        device.push({"ledger_entries": {"created": [], "updated": [], "deleted": []}}).status_code
        == 200
    )
    wrong = device.api.call("post", f"/api/v1/sync/push?last_pulled_at={device.last}", [1, 2])
    assert wrong.status_code == 422


def test_an_empty_server_never_hands_out_timestamp_zero(db: None) -> None:
    # WatermelonDB refuses a pull timestamp of 0.
    ChangeCounter.objects.update(value=0)
    migration = importlib.import_module("backend.sync.migrations.0004_counter_starts_at_one")
    migration.start_at_one(apps, None)
    assert ChangeCounter.objects.get().value == 1
    ChangeCounter.objects.update(value=42)
    migration.start_at_one(apps, None)
    assert ChangeCounter.objects.get().value == 42
