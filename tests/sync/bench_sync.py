"""Sync throughput on this machine (not part of the suite: no timing is asserted).

IMPULSA_TESTING=1 .venv/bin/python -m pytest tests/sync/bench_sync.py -q -s -p no:randomly

Add DATABASE_URL=postgres://... for PostgreSQL. Prints, for pushes of 500 new ledger entries
through the whole request stack (after one warm-up push), the median wall and CPU time of
five pushes and records per second; the same 500 rows inserted with one executemany in one
transaction through the database driver (the floor no push can beat); and a first pull of
1,000 entries with its gzip size. The machine is shared: wall time moves with its load, CPU
time much less (on SQLite the database work is in this process and counted; on PostgreSQL the
server's is not).
"""

import datetime as dt
import gzip
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

from .conftest import Device, accepted, created, entry

BATCH = 500
METHODS = ["cash", "cash", "bank_transfer", "card", "other"]


def _batch(venture: Venture, prefix: str) -> list[dict[str, Any]]:
    """Sales as the app pushes them: over the last 60 days, a few payment methods."""
    return [
        entry(
            f"{prefix}{i:04d}",
            venture.sync_id,
            "12.50",
            occurred_on=(dt.date(2025, 6, 2) - dt.timedelta(days=i % 60)).isoformat(),
            payment_method=METHODS[i % len(METHODS)],
        )
        for i in range(BATCH)
    ]


def _median(runs: int, action: Callable[[int], None]) -> tuple[float, float]:
    walls, cpus = [], []
    for run in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action(run)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _floor(venture: Venture, user_id: int, run: int) -> None:
    """The same rows through the driver: one executemany, in one transaction (rolled back)."""
    fields = [f for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for i in range(BATCH):
        values = {
            "sync_id": uuid.uuid4().hex[:16],
            "venture_id": venture.pk,
            "owner_id": user_id,
            "kind": "sale",
            "amount": connection.ops.adapt_decimalfield_value(LedgerEntry(amount="12.50").amount),
            "occurred_on": connection.ops.adapt_datefield_value(
                dt.date(2025, 6, 2) - dt.timedelta(days=i % 60)
            ),
            "payment_method": METHODS[i % len(METHODS)],
            "recorded_by_id": user_id,
            "received_at": now,
            "voided_at": None,
            "voided_by_id": None,
            "changed_seq": 1,
        }
        rows.append(tuple(values.get(f.column, "") for f in fields))
    sql = f"INSERT INTO {LedgerEntry._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608, E501 - our own table and columns
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        transaction.set_rollback(True)


def test_measure(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    assert accepted(device.push(created("ledger_entries", *_batch(venture_a, "warm")), last=0))

    def push(run: int) -> None:
        assert accepted(device.push(created("ledger_entries", *_batch(venture_a, f"p{run}"))))

    push_wall, push_cpu = _median(5, push)
    floor_wall, floor_cpu = _median(5, lambda run: _floor(venture_a, world.participant_a.pk, run))

    other = Venture.objects.create(
        owner=world.participant_b,
        programme=world.programme_a,
        name="Bodega",
        sector="G",
        country=venture_a.country,
        currency=venture_a.currency,
        started_on=venture_a.started_on,
    )
    puller = Device(world.participant_b)
    for part in ("a", "b"):
        assert accepted(puller.push(created("ledger_entries", *_batch(other, f"l{part}")), last=0))

    def pull(run: int) -> None:
        changes = Device(world.participant_b).pull()
        assert len(changes["ledger_entries"]["created"]) == 2 * BATCH

    pull_wall, pull_cpu = _median(3, pull)
    response = puller.api.client.get(
        "/api/v1/sync/pull",
        {"schema_version": 1},
        headers={**puller.api._headers(), "Accept-Encoding": "gzip"},
    )
    size, plain = len(response.content), len(gzip.decompress(response.content))
    print(
        f"\n{connection.vendor}, medians:"
        f"\npush {BATCH} entries: {push_wall * 1000:.0f} ms wall, {push_cpu * 1000:.0f} ms CPU"
        f" ({BATCH / push_wall:,.0f} records/s)"
        f"\nfloor, one executemany of the same {BATCH} rows: {floor_wall * 1000:.1f} ms wall,"
        f" {floor_cpu * 1000:.1f} ms CPU"
        f" ({BATCH / floor_wall:,.0f} rows/s); push = {floor_wall / push_wall:.1%} of it"
        f"\nfirst pull 1,000 entries: {pull_wall * 1000:.0f} ms wall, {pull_cpu * 1000:.0f} ms CPU"
        f" ({2 * BATCH / pull_wall:,.0f} records/s)"
        f"\n1,000-entry pull: {plain:,} bytes of JSON, {size:,} bytes gzipped"
    )
