"""A stock WatermelonDB 0.28 app (LokiJS adapter, in Node) syncs with the real server over HTTP.

The suite migrates a fresh SQLite database, seeds it, starts `manage.py runserver` on a port of
its own and runs tests/sync/client/conformance.js, whose only sync code is pullChanges and
pushChanges. Run it alone with `make test-sync-client`.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "tests" / "sync" / "client"
PYTHON = str(ROOT / ".venv" / "bin" / "python")

# Never skipped in CI (scripts/install-system-deps.sh installs Node.js there); on a developer's
# machine without Node the test says what to install instead of failing.
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None and not os.environ.get("CI"),
    reason="needs Node.js: scripts/install-system-deps.sh installs it",
)


def _free_port() -> int:
    for port in range(8150, 8200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8150-8199")


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "IMPULSA_TESTING")}
    env.update(DJANGO_DEBUG="1", IMPULSA_SQLITE_PATH=str(db), PYTHONUNBUFFERED="1")
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    make = shutil.which("make") or "make"
    subprocess.run([make, "-s", "sync-client"], cwd=ROOT, check=True)  # npm ci when needed
    db = tmp_path_factory.mktemp("client") / "impulsa.sqlite3"
    env = _env(db)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = subprocess.run(
        [PYTHON, str(CLIENT / "seed.py")], cwd=ROOT, env=env, check=True, capture_output=True
    )
    facts = json.loads(seeded.stdout.decode().strip().splitlines()[-1])
    port = _free_port()
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield {**facts, "baseUrl": f"http://127.0.0.1:{port}", "db": db}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_stock_watermelondb_client_syncs(server: dict[str, Any], tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({k: v for k, v in server.items() if k != "db"}))
    run = subprocess.run(
        [shutil.which("node") or "node", "conformance.js", str(config)],
        cwd=CLIENT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in run.stdout.decode().splitlines() if line.startswith("RESULT ")]
    assert lines, run.stdout.decode()[-2000:] + run.stderr.decode()[-2000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert "crashed" not in result, result
    steps = {s["name"]: s for s in result["steps"]}

    # First sync: COP money in whole pesos, as REST sends it.
    first = steps["first sync"]
    assert (first["ventures"], first["goalTarget"], first["depositAmounts"]) == (
        1,
        "1960000",
        ["12744"],
    )
    # The pulled COP goal, renamed and pushed whole, is accepted.
    assert not steps["edit COP goal"]["push"].get("rejected")
    # A new venture with its entries and a new goal with its deposit, in one push.
    made = steps["new parents and children"]
    assert not made["push"].get("rejected"), made["push"]
    assert steps["phone matches server"]["differences"] == []
    # The conflict path: 409, then the next sync pulls and pushes; the devices converge.
    conflict = steps["conflict"]
    assert conflict["conflict"]["status"] == 409
    assert conflict["conflict"]["body"]["error"]["conflicts"] == {"ventures": [server["ventureId"]]}
    assert conflict["tabletName"] == conflict["phoneName"] == "Arepas de la tableta"
    assert conflict["differences"] == []
    # A device above the server's counter is told to reset, and starts again cleanly.
    reset = steps["reset"]
    assert reset["reset"]["status"] == 410
    assert reset["reset"]["body"]["error"]["code"] == "reset_required"
    assert reset["differences"] == []
    # WatermelonDB with default settings logged no error (nor any warning).
    assert result["console"] == {"error": [], "warn": []}

    with sqlite3.connect(server["db"]) as db:
        goal = db.execute(
            "SELECT name, target_amount FROM finance_savingsgoal WHERE sync_id = ?",
            (server["goalId"],),
        ).fetchone()
        assert goal[0] == "Nevera grande"
        venture_id = db.execute(
            "SELECT id FROM ventures_venture WHERE sync_id = ?", (made["ventureId"],)
        ).fetchone()[0]
        entries = db.execute(
            "SELECT sync_id FROM ventures_ledgerentry WHERE venture_id = ? ORDER BY sync_id",
            (venture_id,),
        ).fetchall()
        assert sorted(e[0] for e in entries) == sorted(made["entryIds"])
        deposit = db.execute(
            "SELECT g.sync_id FROM finance_savingsmovement m JOIN finance_savingsgoal g "
            "ON g.id = m.goal_id WHERE m.sync_id = ?",
            (made["depositId"],),
        ).fetchone()
        assert deposit == (made["goalId"],)
