"""The REST create of a sale, in-process (not part of the suite: no timing is asserted).

IMPULSA_TESTING=1 .venv/bin/python -m pytest tests/ventures/bench_create.py -q -s -p no:randomly

Add DATABASE_URL=postgres://... for PostgreSQL. Prints the queries of one create (after a
warm-up), then the median wall and CPU time of 500 creates through the whole request stack
(middleware, session, second-factor check, validation, the ledger write and its rollups), as
the phone sends them: each a new id, one a second apart on a few days and payment methods.
The machine is shared: wall time moves with its load, CPU time much less.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.ventures.models import Venture
from tests.conftest import ApiClient, World

CREATES = 500
METHODS = ["cash", "cash", "bank_transfer", "card", "other"]


def _sale(i: int) -> dict[str, str]:
    return {
        "id": f"bench{i:011d}",
        "kind": "sale",
        "amount": "12.50",
        "occurred_on": f"2025-06-{1 + i % 28:02d}",
        "payment_method": METHODS[i % len(METHODS)],
    }


def test_measure(world: World, venture_a: Venture) -> None:
    api = ApiClient(world.participant_a)
    url = f"ventures/{venture_a.pk}/entries"
    assert api.post(url, _sale(-1)).status_code == 201  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(url, _sale(-2)).status_code == 201
    print(f"\n{connection.vendor}: {len(ctx.captured_queries)} queries for one create")
    for q in ctx.captured_queries:
        print("  ", q["sql"][:160])
    walls, cpus = [], []
    for i in range(CREATES):
        wall, cpu = time.perf_counter(), time.process_time()
        assert api.post(url, _sale(i)).status_code == 201
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"{connection.vendor}: {CREATES} creates, median wall {statistics.median(walls) * 1000:.2f}"
        f" ms, median CPU {statistics.median(cpus) * 1000:.2f} ms, p95 wall "
        f"{sorted(walls)[int(CREATES * 0.95)] * 1000:.2f} ms"
    )
