"""On SQLite a pull reads one snapshot and does not wait for, or block, the writers.

Every write transaction begins IMMEDIATE (it takes the file's write lock at BEGIN). A pull is
a long read; if it began the same way, pulls would queue behind each other and behind every
ledger write. backend.lib.db.read_snapshot begins it DEFERRED instead: in WAL mode it reads the
last committed state without the lock. The probe runs in a subprocess on a file of its own.
"""

import json
from pathlib import Path

from tests.reliability.crash_world import migrated_database, run, server_env


def test_a_pull_runs_while_another_connection_holds_the_write_lock(tmp_path: Path) -> None:
    db = migrated_database(tmp_path / "pull.sqlite3")
    # A busy timeout of 3 s: a pull that waited for the lock would fail, not just be slow.
    env = server_env(db, IMPULSA_SQLITE_TIMEOUT="3")
    result = json.loads(run(env, "-m", "tests.sync.pull_probe").strip().splitlines()[-1])

    # While the lock was held the pull answered at once, from the last committed state: it
    # neither saw the uncommitted rename nor handed out the uncommitted change number.
    assert result["during_seconds"] < 2.5
    assert result["during"] == result["before"]
    assert result["during_names"] == []
    # Once committed, the next pull from the same point carries the change.
    assert result["after"] == result["before"] + 1
    assert result["after_names"] == ["Renamed", "Renamed"]
