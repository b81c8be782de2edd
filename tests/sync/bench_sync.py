"""Sync throughput on this machine (not part of the suite: no timing is asserted).

IMPULSA_TESTING=1 .venv/bin/python -m pytest tests/sync/bench_sync.py -q -s
"""

import gzip
import time

from backend.ventures.models import Venture
from tests.conftest import World

from .conftest import Device, accepted, created, entry


def test_measure(world: World, venture_a: Venture) -> None:
    device = Device(world.participant_a)
    device.pull()
    batch = [entry(f"p{i:04d}", venture_a.sync_id) for i in range(500)]
    began = time.perf_counter()
    assert accepted(device.push(created("ledger_entries", *batch)))
    push_s = time.perf_counter() - began
    more = [entry(f"q{i:04d}", venture_a.sync_id) for i in range(500)]
    assert accepted(device.push(created("ledger_entries", *more), last=0))

    fresh = Device(world.participant_a)
    began = time.perf_counter()
    changes = fresh.pull()
    pull_s = time.perf_counter() - began
    assert len(changes["ledger_entries"]["created"]) == 1000
    response = fresh.api.client.get(
        "/api/v1/sync/pull",
        {"schema_version": 1},
        headers={**fresh.api._headers(), "Accept-Encoding": "gzip"},
    )
    size = len(response.content)
    plain = len(gzip.decompress(response.content))
    print(
        f"\npush 500 entries: {push_s:.3f} s ({500 / push_s:.0f} records/s)"
        f"\nfirst pull 1,000 entries: {pull_s:.3f} s ({1000 / pull_s:.0f} records/s)"
        f"\n1,000-entry pull: {plain:,} bytes, gzip {size:,} bytes"
    )
