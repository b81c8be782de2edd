"""The WatermelonDB pull/push rules, through the HTTP endpoints (see mobile_api_spec/sync.md)."""

import datetime as dt
import gzip
import json
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.sync import changes as seq
from backend.sync.models import Tombstone
from backend.ventures.models import LedgerEntry, Venture, VentureDay
from tests.conftest import World

from .conftest import DAY, Device, accepted, created, entry, ids


def test_first_pull_sends_everything_visible_as_created(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    assert accepted(device.push(created("ledger_entries", entry("e1", venture_a.sync_id))))
    other = Device(world.participant_b)
    changes = other.pull()
    assert changes["ventures"]["created"] == []
    assert changes["ledger_entries"]["created"] == []

    changes = Device(world.participant_a).pull()
    assert ids(changes, "ventures", "created") == [venture_a.sync_id]
    [raw] = changes["ledger_entries"]["created"]
    assert raw["venture_id"] == venture_a.sync_id
    assert raw["amount"] == "10.00"
    assert raw["occurred_on"] == DAY
    assert isinstance(raw["received_at"], int)
    assert changes["ledger_entries"]["updated"] == changes["ledger_entries"]["deleted"] == []


def test_incremental_pull_sends_only_later_changes(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    other = Device(world.participant_a)
    other.pull()
    assert accepted(other.push(created("ledger_entries", entry("e2", venture_a.sync_id))))
    changes = device.pull()
    # Made on another device after this one's last pull: new here, so `created`.
    assert ids(changes, "ledger_entries", "created") == ["e2"]
    assert changes["ventures"]["updated"] == changes["ventures"]["created"] == []
    assert all(not c["updated"] for c in changes.values())
    # The device that pushed it has it: to that device it is `updated`.
    assert ids(other.pull(), "ledger_entries", "updated") == ["e2"]
    assert device.pull()["ledger_entries"]["created"] == []  # nothing new: nothing sent


def test_delete_voids_through_the_ledger_and_reaches_other_devices(
    world: World, venture_a: Venture
) -> None:
    phone, tablet = Device(world.participant_a), Device(world.participant_a)
    phone.pull()
    phone.push(created("ledger_entries", entry("e1", venture_a.sync_id, "30.00")))
    tablet.pull()
    phone.pull()  # synchronize() pulls before it pushes
    response = phone.push({"ledger_entries": {"created": [], "updated": [], "deleted": ["e1"]}})
    assert accepted(response)
    voided = LedgerEntry.objects.get(sync_id="e1")
    assert voided.voided_at is not None
    assert voided.voided_by == world.participant_a
    assert VentureDay.objects.get(venture=venture_a).sales == Decimal("0")
    changes = tablet.pull()
    assert changes["ledger_entries"]["deleted"] == ["e1"]
    assert changes["ledger_entries"]["updated"] == []
    # Deleting again (a retry) changes nothing.
    again = phone.push({"ledger_entries": {"created": [], "updated": [], "deleted": ["e1"]}})
    assert accepted(again)


def test_rejected_records_are_reported_and_do_not_block_others(
    world: World, venture_a: Venture
) -> None:
    device = Device(world.participant_a, language="es")
    device.pull()
    bad = entry("bad1", venture_a.sync_id, "-5")
    future = entry("bad2", venture_a.sync_id, occurred_on="2099-01-01")
    response = device.push(created("ledger_entries", entry("ok1", venture_a.sync_id), bad, future))
    assert response.status_code == 200
    body = response.json()
    assert body["experimentalRejectedIds"] == {"ledger_entries": ["bad1", "bad2"]}
    assert set(body["rejected"]["ledger_entries"]) == {"bad1", "bad2"}
    assert "futuro" in body["rejected"]["ledger_entries"]["bad2"]["message"]
    assert list(LedgerEntry.objects.values_list("sync_id", flat=True)) == ["ok1"]
    # The rolled-back savepoint left no rollup behind for the rejected records.
    assert VentureDay.objects.get(venture=venture_a).sales == Decimal("10.00")


def test_someone_elses_venture_is_rejected_not_written(world: World, venture_a: Venture) -> None:
    intruder = Device(world.participant_b)
    response = intruder.push(created("ledger_entries", entry("x1", venture_a.sync_id)))
    assert response.json()["rejected"]["ledger_entries"]["x1"]["code"] == "not_found"
    assert not LedgerEntry.objects.exists()


def test_conflict_since_last_pull_applies_nothing(world: World, venture_a: Venture) -> None:
    phone, tablet = Device(world.participant_a), Device(world.participant_a)
    phone.pull()
    tablet.pull()
    raw = phone.pull()["ventures"]
    tablet_venture = {**Device(world.participant_a).pull()["ventures"]["created"][0]}
    assert raw["updated"] == []
    renamed = {**tablet_venture, "name": "Arepas y Jugos"}
    assert accepted(tablet.push({"ventures": {"created": [], "updated": [renamed], "deleted": []}}))
    stale = {**tablet_venture, "name": "Arepas Ana"}
    response = phone.push(
        {
            "ventures": {"created": [], "updated": [stale], "deleted": []},
            "ledger_entries": {
                "created": [entry("e9", venture_a.sync_id)],
                "updated": [],
                "deleted": [],
            },
        }
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["conflicts"] == {"ventures": [venture_a.sync_id]}
    assert Venture.objects.get().name == "Arepas y Jugos"
    assert not LedgerEntry.objects.exists()  # nothing of the push was applied
    phone.pull()
    assert accepted(phone.push({"ventures": {"created": [], "updated": [stale], "deleted": []}}))
    assert Venture.objects.get().name == "Arepas Ana"


def test_retried_create_is_a_no_op(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    push = created("ledger_entries", entry("e1", venture_a.sync_id, "12.5"))
    assert accepted(device.push(push))
    # The answer was lost: the same push again, still with the old last_pulled_at.
    assert accepted(device.push(push))
    assert LedgerEntry.objects.count() == 1
    assert VentureDay.objects.get(venture=venture_a).sales == Decimal("12.50")


def test_created_with_other_content_is_an_update(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    device.push(created("ledger_entries", entry("e1", venture_a.sync_id)))
    device.pull()
    response = device.push(created("ledger_entries", entry("e1", venture_a.sync_id, "99.00")))
    assert response.json()["rejected"]["ledger_entries"]["e1"]["code"] == "immutable"
    assert LedgerEntry.objects.get().amount == Decimal("10.00")
    # For a table that may be edited, the same rule applies the new content.
    venture = device.pull()  # nothing new
    assert venture["ventures"]["updated"] == []
    raw = Device(world.participant_a).pull()["ventures"]["created"][0]
    response = device.push(created("ventures", {**raw, "name": "Arepas Ana"}))
    assert accepted(response)
    assert Venture.objects.get().name == "Arepas Ana"


def test_a_new_venture_and_its_entries_in_one_push(world: World) -> None:
    device = Device(world.participant_a)
    device.pull()
    venture = {
        "id": "V0123456789abcde",
        "programme_id": world.programme_a.pk,
        "name": "Empanadas",
        "sector": "I",
        "region": "",
        "formalisation": "informal",
        "started_on": "2025-01-01",
    }
    response = device.push(
        {
            **created("ventures", venture),
            **created(
                "ledger_entries", entry("3f1c2b1e-9a7d-4c55-8e2a-1b2c3d4e5f60", venture["id"])
            ),
        }
    )
    assert accepted(response)
    stored = Venture.objects.get(sync_id="V0123456789abcde")
    assert stored.owner == world.participant_a
    assert stored.currency == "PEN"
    assert stored.entries.get().sync_id == "3f1c2b1e-9a7d-4c55-8e2a-1b2c3d4e5f60"


def test_more_than_1000_records_is_413(world: World, venture_a: Venture) -> None:
    records = [entry(f"e{i}", venture_a.sync_id) for i in range(1001)]
    response = Device(world.participant_a).push(created("ledger_entries", *records))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_records"
    assert not LedgerEntry.objects.exists()


def test_old_schema_is_426(world: World) -> None:
    response = Device(world.participant_a).api.get("sync/pull", schema_version=0)
    assert response.status_code == 426
    assert response.json()["error"]["code"] == "upgrade_required"


def test_device_older_than_kept_tombstones_must_reset(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    old = device.last
    device.push(created("ledger_entries", entry("e1", venture_a.sync_id)))
    device.pull()
    device.push({"ledger_entries": {"created": [], "updated": [], "deleted": ["e1"]}})
    Tombstone.objects.update(deleted_at=timezone.now() - dt.timedelta(days=200))
    assert seq.prune_tombstones(older_than_days=180) == 1
    response = device.api.get("sync/pull", last_pulled_at=old, schema_version=1)
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "reset_required"
    assert device.api.get("sync/pull", schema_version=1).status_code == 200  # a fresh start


def test_pull_is_gzipped_when_accepted(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.push(created("ledger_entries", *[entry(f"e{i}", venture_a.sync_id) for i in range(20)]))
    response = device.api.client.get(
        "/api/v1/sync/pull",
        {"schema_version": 1},
        headers={**device.api._headers(), "Accept-Encoding": "gzip"},
    )
    assert response["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.content))
    assert len(body["changes"]["ledger_entries"]["created"]) == 20


def _pull_queries(device: Device, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        device.api.get("sync/pull", schema_version=1, **params)
    return len(queries)


def test_query_counts_do_not_grow_with_records(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    few = [entry(f"a{i}", venture_a.sync_id) for i in range(2)]
    device.push(created("ledger_entries", *few))
    first_few, incremental_few = _pull_queries(device), _pull_queries(device, last_pulled_at=1)
    many = [entry(f"b{i}", venture_a.sync_id) for i in range(30)]
    device.push(created("ledger_entries", *many))
    assert _pull_queries(device) == first_few
    assert _pull_queries(device, last_pulled_at=1) == incremental_few

    # The engine's own work on a push (conflict check, lookup) is per table: retried records
    # cost no query each. (A new record costs what its service costs, as over REST.)
    def push_queries(records: list[dict[str, Any]]) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert accepted(device.push(created("ledger_entries", *records), last=0))
        return len(queries)

    assert push_queries(few) == push_queries(many)


def test_new_records_cost_the_same_queries_two_or_five_hundred(
    world: World, venture_a: Venture
) -> None:
    """A push posts its entries as one batch: no query per record, new or repeated."""
    device = Device(world.participant_a)
    device.pull()

    def push_queries(prefix: str, n: int) -> int:
        records = [entry(f"{prefix}{i:04d}", venture_a.sync_id) for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert accepted(device.push(created("ledger_entries", *records), last=0))
        return len(queries)

    two = push_queries("a", 2)
    assert push_queries("b", 500) == two
    assert LedgerEntry.objects.count() == 502
    day = VentureDay.objects.get(venture=venture_a)
    assert (day.entries, day.sales) == (502, Decimal("5020.00"))
    assert push_queries("b", 500) == push_queries("a", 2)  # retries: nothing new to write


def test_deletions_cost_the_same_queries_two_or_three_hundred(
    world: World, venture_a: Venture
) -> None:
    device = Device(world.participant_a)
    device.pull()
    records = [entry(f"e{i:04d}", venture_a.sync_id) for i in range(302)]
    assert accepted(device.push(created("ledger_entries", *records)))
    device.pull()

    def delete_queries(ids: list[str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = device.push(
                {"ledger_entries": {"created": [], "updated": [], "deleted": ids}}
            )
            assert accepted(response)
        return len(queries)

    assert delete_queries(["e0000", "e0001"]) == delete_queries(
        [f"e{i:04d}" for i in range(2, 302)]
    )
    assert not LedgerEntry.objects.filter(voided_at__isnull=True).exists()
    assert Tombstone.objects.filter(table="ledger_entries").count() == 302
    assert VentureDay.objects.get(venture=venture_a).entries == 0
