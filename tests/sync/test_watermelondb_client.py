"""A stock WatermelonDB 0.28 app (LokiJS adapter, in Node) syncs with the real server over HTTP.

The suite makes a fresh database of its own (a SQLite file, or under DATABASE_URL a new
PostgreSQL database, dropped afterwards), migrates and seeds it, starts `manage.py runserver`
on a port of its own (and, for the migration scenario, the same server with schema version 2
declared, tests/sync/client/serve_v2.py, on the same database), and runs
tests/sync/client/conformance.js, whose only sync code is pullChanges and pushChanges. Each
scenario is then checked on the devices (what conformance.js reports) and in the server's
database. Run it alone with `make test-sync-client`.
"""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "tests" / "sync" / "client"
PYTHON = str(ROOT / ".venv" / "bin" / "python")

# Never skipped in CI (scripts/install-system-deps.sh installs Node.js there); on a developer's
# machine without Node the test says what to install instead of failing.
pytestmark = [
    pytest.mark.skipif(
        shutil.which("node") is None and not os.environ.get("CI"),
        reason="needs Node.js: scripts/install-system-deps.sh installs it",
    ),
]

Sql = Callable[..., list[tuple[Any, ...]]]


def _free_ports(count: int) -> list[int]:
    # IMPULSA_TEST_PORTS ("8160-8169") keeps parallel runs on one machine apart.
    first, last = (int(p) for p in os.environ.get("IMPULSA_TEST_PORTS", "8150-8199").split("-"))
    # Each test process of a parallel run searches its own part of the range: two processes
    # checking the same free port would both take it, and one's client would then talk to the
    # other's server (with the other's accounts: 401).
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    first += 10 * int(worker) if worker.isdigit() else 0
    found = []
    for port in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"no {count} free ports in {first}-{last}")


class Database:
    """The server's database for this run: made here, and removed afterwards."""

    def __init__(self, tmp: Path) -> None:
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(url)
            # One database per test process: each process runs this module's server for its
            # share of the tests, and one dropping a shared name would cut the other's
            # connections.
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            self.name = f"test_{parts.path.lstrip('/') or 'impulsa'}_client_{worker}"
            self.admin = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            with psycopg.connect(self.admin, autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                db.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp / "impulsa.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "IMPULSA_TESTING")}
        env.update(DJANGO_DEBUG="1", PYTHONUNBUFFERED="1")
        if self.postgres:
            env["DATABASE_URL"] = self.url
        else:
            env["IMPULSA_SQLITE_PATH"] = str(self.path)
        return env

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query written with %s placeholders, on either database."""
        if self.postgres:
            with psycopg.connect(self.url) as pg:
                return pg.execute(query, params).fetchall()
        with sqlite3.connect(self.path) as lite:
            return lite.execute(query.replace("%s", "?"), params).fetchall()

    def drop(self) -> None:
        if self.postgres:
            with psycopg.connect(self.admin, autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _wait(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("the server did not start")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    make = shutil.which("make") or "make"
    subprocess.run([make, "-s", "sync-client"], cwd=ROOT, check=True)  # npm ci when needed
    tmp = tmp_path_factory.mktemp("client")
    database = Database(tmp)
    env = database.env()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # The servers start once the schema is migrated, while the seed goes on.
        seed = subprocess.Popen(
            [PYTHON, str(CLIENT / "seed.py")], cwd=ROOT, env=env, stdout=subprocess.PIPE
        )
        procs.append(seed)
        assert seed.stdout is not None
        assert seed.stdout.readline().strip() == b"migrated", "migrate failed"
        port, v2_port = _free_ports(2)
        manage = [PYTHON, "manage.py"]
        main = _start([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env)
        v2 = [PYTHON, str(CLIENT / "serve_v2.py"), f"127.0.0.1:{v2_port}", str(tmp / "v2")]
        v2_server = _start(v2, env)
        procs += [main, v2_server]
        seeded, _ = seed.communicate(timeout=120)
        assert seed.returncode == 0, "seed failed"
        facts = json.loads(seeded.decode().strip().splitlines()[-1])
        _wait(main, port)
        _wait(v2_server, v2_port)
        yield {
            **facts,
            "baseUrl": f"http://127.0.0.1:{port}",
            "v2Url": f"http://127.0.0.1:{v2_port}",
            "v2Spec": str(tmp / "v2"),
            "manage": [PYTHON, str(ROOT / "manage.py")],
            "database": database,
            "env": env,
        }
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
        database.drop()


@pytest.fixture(scope="module")
def run(server: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Runs every scenario once; the tests below read what the devices reported."""
    config = tmp_path_factory.mktemp("config") / "config.json"
    config.write_text(json.dumps({k: v for k, v in server.items() if k not in ("database", "env")}))
    started = time.monotonic()
    node = subprocess.run(
        [shutil.which("node") or "node", "conformance.js", str(config)],
        cwd=CLIENT,
        env=server["env"],
        capture_output=True,
        timeout=180,
        check=False,
    )
    lines = [line for line in node.stdout.decode().splitlines() if line.startswith("RESULT ")]
    assert lines, node.stdout.decode()[-2000:] + node.stderr.decode()[-2000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert "crashed" not in result, result
    result["seconds"] = round(time.monotonic() - started, 1)
    result["by_name"] = {s["name"]: s for s in result["steps"]}
    return result


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def test_first_sync_new_parents_and_children_and_conflict(
    run: dict[str, Any], server: dict[str, Any]
) -> None:
    steps, db = run["by_name"], server["database"]
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

    [(name,)] = db.sql("SELECT name FROM finance_savingsgoal WHERE sync_id = %s", server["goalId"])
    assert name == "Nevera y cocina"  # renamed again by the rejection scenario
    [(venture_pk,)] = db.sql(
        "SELECT id FROM ventures_venture WHERE sync_id = %s", made["ventureId"]
    )
    amounts = db.sql(
        "SELECT kind, amount FROM ventures_ledgerentry WHERE venture_id = %s ORDER BY kind",
        venture_pk,
    )
    assert [(k, _money(a)) for k, a in amounts] == [
        ("expense", Decimal("3.00")),
        ("sale", Decimal("12.50")),
    ]
    deposit = db.sql(
        "SELECT g.sync_id FROM finance_savingsmovement m JOIN finance_savingsgoal g "
        "ON g.id = m.goal_id WHERE m.sync_id = %s",
        made["depositId"],
    )
    assert deposit == [(made["goalId"],)]


def _entries_on(db: Any, venture_sync_id: str, day: str) -> list[tuple[str, Decimal, bool]]:
    """The venture's entries of one business date on the server: kind, amount, voided."""
    rows = db.sql(
        "SELECT e.kind, e.amount, e.voided_at IS NOT NULL FROM ventures_ledgerentry e "
        "JOIN ventures_venture v ON v.id = e.venture_id "
        "WHERE v.sync_id = %s AND e.occurred_on = %s ORDER BY e.kind, e.amount",
        venture_sync_id,
        day,
    )
    return [(k, _money(a), bool(v)) for k, a, v in rows]


def _day_rollup(db: Any, venture_sync_id: str, day: str) -> tuple[Decimal, Decimal, int]:
    rows = db.sql(
        "SELECT d.sales, d.expenses, d.entries FROM ventures_ventureday d "
        "JOIN ventures_venture v ON v.id = d.venture_id WHERE v.sync_id = %s AND d.day = %s",
        venture_sync_id,
        day,
    )
    return (
        (_money(rows[0][0]), _money(rows[0][1]), rows[0][2]) if rows else (Decimal(0),) * 2 + (0,)
    )


def test_a_void_on_one_device_reaches_the_second(
    run: dict[str, Any], server: dict[str, Any]
) -> None:
    void = run["by_name"]["void reaches a second device"]
    assert void["tabletHadIt"] is True
    assert (void["tabletHasIt"], void["phoneHasIt"]) == (False, False)
    assert not void["push"].get("rejected")
    assert void["differences"] == []
    # Voided on the server, not removed: the books keep it, out of the day's totals.
    db = server["database"]
    assert _entries_on(db, server["ventureId"], "2025-06-05") == [("sale", Decimal("4.00"), True)]
    assert _day_rollup(db, server["ventureId"], "2025-06-05") == (Decimal(0), Decimal(0), 0)


def test_a_lost_push_answer_is_retried_and_nothing_is_doubled(
    run: dict[str, Any], server: dict[str, Any]
) -> None:
    lost = run["by_name"]["lost push answer"]
    assert lost["lost"]["message"].startswith("the answer (HTTP 200) was lost")
    assert lost["statusAfterLoss"] == "created"  # the app still thinks it has to push them
    assert lost["retry"] is None
    # The retry sends the same records again: the entries, the deposit and the rename.
    assert set(lost["entryIds"]) <= set(lost["resent"]["ledger_entries"])
    assert lost["resent"]["savings_deposits"] == [lost["depositId"]]
    assert server["ventureId"] in lost["resent"]["ventures"]
    assert not lost["retryPush"].get("rejected")
    assert lost["totals"] == {"sales": "7.00", "expenses": "2.00", "entries": 2}
    assert lost["tabletEntries"] == 2
    assert lost["differences"] == []
    db = server["database"]
    assert _entries_on(db, server["ventureId"], "2025-06-06") == [
        ("expense", Decimal("2.00"), False),
        ("sale", Decimal("7.00"), False),
    ]
    assert _day_rollup(db, server["ventureId"], "2025-06-06") == (
        Decimal("7.00"),
        Decimal("2.00"),
        2,
    )
    deposits = db.sql(
        "SELECT m.amount FROM finance_savingsmovement m JOIN finance_savingsgoal g "
        "ON g.id = m.goal_id WHERE g.sync_id = %s ORDER BY m.amount",
        server["goalId"],
    )
    assert [_money(a) for (a,) in deposits] == [Decimal(1000), Decimal(12744)]


def test_two_devices_interleaved_converge(run: dict[str, Any], server: dict[str, Any]) -> None:
    steps = run["by_name"]["two devices interleaved"]
    for round_ in steps["rounds"]:
        assert round_["errors"] == [None, None]
        assert not any(push.get("rejected") for push in round_["rejected"])
    # One record edited on both devices, in different columns: both edits survive.
    assert steps["phone"] == steps["tablet"] == {"name": "Arepas ronda 3", "region": "PE-PIU"}
    assert steps["totals"] == {"sales": "66.00", "expenses": "0.00", "entries": 6}
    assert steps["differences"] == []
    db = server["database"]
    [(name, region)] = db.sql(
        "SELECT name, region FROM ventures_venture WHERE sync_id = %s", server["ventureId"]
    )
    assert (name, region) == ("Arepas ronda 3", "PE-PIU")
    assert _day_rollup(db, server["ventureId"], "2025-06-07") == (Decimal(66), Decimal(0), 6)


def test_a_rejected_record_stays_on_the_device_until_fixed(
    run: dict[str, Any], server: dict[str, Any]
) -> None:
    steps = run["by_name"]["rejection"]
    bad, good = steps["badId"], steps["goodId"]
    push = steps["rejectedPush"]
    assert push["experimentalRejectedIds"] == {"ledger_entries": [bad]}
    why = push["rejected"]["ledger_entries"][bad]
    assert why["code"] == "invalid"
    assert why["message"] == "Los montos en PEN tienen como máximo 2 decimales."
    # The other record of the push is applied, the rejected one leaves no trace on the server.
    after = steps["afterRejection"]
    assert (after["badStatus"], after["goodStatus"]) == ("created", "synced")
    assert after["totals"] == {"sales": "5.00", "expenses": "0.00", "entries": 1}
    assert after["serverHasBad"] is False
    # Meanwhile the app keeps syncing: the rename goes through, the bad entry is refused again.
    assert steps["meanwhile"]["push"]["experimentalRejectedIds"] == {"ledger_entries": [bad]}
    assert steps["meanwhile"]["goalStatus"] == "synced"
    # Fixed by the person, it is accepted.
    assert not steps["fixedPush"].get("rejected")
    assert steps["totals"] == {"sales": "10.55", "expenses": "0.00", "entries": 2}
    assert steps["differences"] == []
    db = server["database"]
    assert _entries_on(db, server["ventureId"], "2025-06-08") == [
        ("sale", Decimal("5.00"), False),
        ("sale", Decimal("5.55"), False),
    ]
    assert good != bad


def test_a_trainer_takes_attendance_offline(run: dict[str, Any], server: dict[str, Any]) -> None:
    steps = run["by_name"]["trainer attendance offline"]
    assert steps["roster"] == sorted(server["enrollmentIds"])
    assert steps["sessions"] == sorted(server["sessionIds"])
    assert not steps["offlinePush"].get("rejected")
    assert not steps["correctionPush"].get("rejected")
    s1, s2 = server["sessionIds"]
    # Ana's phone holds her own marks only: present at both, then corrected to absent at s2.
    assert steps["phoneMarks"] == sorted([[s1, "present"], [s2, "present"]])
    assert steps["phoneMarksAfter"] == sorted([[s1, "present"], [s2, "absent"]])
    assert steps["differences"] == [], "\n".join(steps["differences"])
    marks = server["database"].sql(
        "SELECT sync_id, session_id, enrollment_id, status FROM training_attendance"
    )
    ana, bea = (int(e) for e in server["enrollmentIds"])
    assert sorted((i, s, e, st) for i, s, e, st in marks) == sorted(
        [
            (steps["markIds"][0], int(s1), ana, "present"),
            (steps["markIds"][1], int(s1), bea, "excused"),  # corrected before it was synced
            (steps["markIds"][2], int(s2), ana, "absent"),  # corrected after
        ]
    )
    # The correction after syncing is kept in the mark's history.
    [(history,)] = server["database"].sql(
        "SELECT COUNT(*) FROM training_attendancemark m JOIN training_attendance a "
        "ON a.id = m.attendance_id WHERE a.sync_id = %s",
        steps["markIds"][2],
    )
    assert history == 2


def test_money_round_trips_in_every_currency(run: dict[str, Any], server: dict[str, Any]) -> None:
    steps = run["by_name"]["money in every currency"]
    assert not steps["madePush"].get("rejected"), steps["madePush"]
    assert not steps["editPush"].get("rejected"), steps["editPush"]
    assert set(steps["money"]) == set(server["currencies"])
    db = server["database"]
    for currency, item in steps["money"].items():
        whole = item["units"] == 0
        pulled, edited = steps["pulledBack"][currency], steps["edited"][currency]
        # Back from the server in the currency's own minor units, whatever the device sent.
        assert pulled["goal"] == ("1960000" if whole else "1960000.50"), currency
        assert edited["goal"] == ("2500000" if whole else "2500.75"), currency
        assert steps["otherDevice"][currency] == edited, currency
        [(target,)] = db.sql(
            "SELECT target_amount FROM finance_savingsgoal WHERE sync_id = %s", item["goalId"]
        )
        assert _money(target) == Decimal("2500000" if whole else "2500.75"), currency
        if "entries" not in item["made"]:
            continue  # no programme works in this currency: savings goals only
        assert pulled["entries"] == (["12744", "15000"] if whole else ["12.50", "7.50"]), currency
        amounts = _entries_on(db, item["ventureId"], server["day"])
        assert sorted(a for _k, a, _v in amounts) == sorted(
            [Decimal(12744), Decimal(15000)] if whole else [Decimal("12.50"), Decimal("7.50")]
        ), currency
    ventures = {item["ventureId"] for item in steps["money"].values() if "ventureId" in item}
    assert len(ventures) == len(server["programmeByCurrency"])
    assert steps["differences"] == []


def test_a_migration_sync_from_schema_v1_to_v2(run: dict[str, Any], server: dict[str, Any]) -> None:
    steps = run["by_name"]["migration v1 to v2"]
    # Version 1 of the app synced with a server that knows version 2, unaware of it.
    assert steps["v1Differences"] == []
    assert steps["keptName"] == "Bodega Dora e hijos"  # the update kept the device's data
    assert steps["migrationPull"]["schemaVersion"] == 2
    assert steps["migrationPull"]["migration"] == {
        "from": 1,
        "tables": ["venture_profiles"],
        "columns": [{"table": "ventures", "columns": ["country_name"]}],
    }
    assert steps["schemaVersion"] == "2"
    assert steps["countryName"] == "Perú"
    [(profile_id, venture_id, headline)] = steps["profiles"]
    assert (profile_id, headline) == (f"p-{venture_id}", "Bodega Dora e hijos")
    assert steps["differences"] == []


def test_reset_after_pruning_then_a_full_resync(run: dict[str, Any]) -> None:
    steps = run["by_name"]["reset after pruning"]
    assert steps["refused"]["status"] == 410
    assert steps["refused"]["body"]["error"]["code"] == "reset_required"
    assert "Removed" in steps["pruning"]
    assert steps["tabletHasIt"] is False
    assert steps["differences"] == []


def test_reset_after_a_restore(run: dict[str, Any]) -> None:
    reset = run["by_name"]["reset"]
    # A device above the server's counter is told to reset, and starts again cleanly.
    assert reset["reset"]["status"] == 410
    assert reset["reset"]["body"]["error"]["code"] == "reset_required"
    assert reset["differences"] == []


def test_watermelondb_logged_nothing_and_the_run_was_quick(run: dict[str, Any]) -> None:
    # WatermelonDB with default settings logged no error (nor any warning) in any scenario.
    assert run["console"] == {"error": [], "warn": []}
    print(f"conformance.js: {len(run['steps'])} steps in {run['seconds']} s")
