"""Sixteen writers at once on the SQLite file: none told "database is locked", nothing lost.

Runs in a subprocess on a database file of its own (the append-only ledger cannot be flushed
by the test database's teardown), with the settings a server uses: WAL, IMMEDIATE transactions
and the busy timeout. The work is in tests/reliability/crash_writers.py.
"""

import json
import threading
import time
from pathlib import Path

from backend.lib.sqlite.base import FairLock
from tests.reliability.crash_world import (
    Entry,
    check_database,
    migrated_database,
    rollups_match_rebuild,
    run,
    server_env,
)
from tests.reliability.crash_writers import WRITERS, WRITES

SEED = 20261128


def test_sixteen_writers_never_see_a_locked_database(tmp_path: Path) -> None:
    db = migrated_database(tmp_path / "writers.sqlite3")
    out = tmp_path / "writers.json"
    run(server_env(db), "-m", "tests.reliability.crash_writers", str(out), str(SEED))
    result = json.loads(out.read_text())

    locked = [e for e in result["errors"] if "database is locked" in e]
    assert locked == [], f"{len(locked)} writes told the database is locked: {locked[:3]}"
    assert result["errors"] == [], result["errors"][:5]
    assert result["writes"] == WRITERS * WRITES
    entries = [Entry(**e) for e in result["entries"]]
    figures = check_database(db, entries)
    assert figures["entries"] == WRITERS * WRITES
    rollups_match_rebuild(db)
    print(
        f"\nsqlite writers: {WRITERS} threads x {WRITES} writes = {result['writes']} entries "
        f"in {result['seconds']:.1f} s ({result['writes'] / result['seconds']:.0f} writes/s), "
        f"0 locked, wait per write median {result['median'] * 1000:.0f} ms, "
        f"p99 {result['p99'] * 1000:.0f} ms, max {result['max'] * 1000:.0f} ms"
    )


def test_writers_get_the_lock_in_the_order_they_asked() -> None:
    lock = FairLock()
    assert lock.acquire(1)
    order: list[int] = []

    def take(n: int) -> None:
        assert lock.acquire(5)
        order.append(n)
        lock.release()

    threads = [threading.Thread(target=take, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # each is queued before the next one asks
    assert not lock.acquire(0.05), "a held lock times out instead of being taken"
    lock.release()
    for t in threads:
        t.join()
    assert order == list(range(6))
    assert lock.acquire(0.01)  # free again once the queue is empty
