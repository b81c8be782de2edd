"""Backup drill on a real SQLite file: back up while writes continue, restore, check."""

import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IMPULSA_", "DATABASE_URL"))
    }
    env.update(DJANGO_DEBUG="1", IMPULSA_SQLITE_PATH=str(db), IMPULSA_VAR_DIR=str(db.parent))
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def counts(db: Path) -> tuple[int, int, str]:
    with sqlite3.connect(db) as conn:
        users = conn.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM accounts_auditevent").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return users, events, check


def test_backup_while_writing_then_restore(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    manage(live, "migrate", "--no-input", "-v0")
    manage(live, "seed_demo", "--scale", "tiny")
    users_before, _, _ = counts(live)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        conn = sqlite3.connect(live, timeout=30)
        n = 0
        while not stop.is_set():
            with conn:
                conn.execute(
                    "INSERT INTO accounts_auditevent (at, action, object_type, object_id, detail) "
                    "VALUES (datetime('now'), 'drill.write', '', ?, '{}')",
                    (str(n),),
                )
            n += 1
        written.append(n)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup_file = tmp_path / "backup.sqlite3"
        out = manage(live, "backup_db", "--output", str(backup_file)).stdout
    finally:
        stop.set()
        thread.join()
    assert "checked" in out
    users, events, check = counts(backup_file)
    assert check == "ok"
    assert users == users_before
    assert 0 <= events <= written[0]
    assert written[0] > 0, "writes really were going on during the backup"

    restored = tmp_path / "restored.sqlite3"
    manage(restored, "restore_db", str(backup_file))
    assert counts(restored) == (users, events, "ok")
    manage(restored, "check")  # the restored database serves the app


def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IMPULSA_", "DATABASE_URL"))
    }
    env.update(DJANGO_DEBUG="1", IMPULSA_SQLITE_PATH=str(tmp_path / "live.sqlite3"))
    result = subprocess.run(
        [sys.executable, "manage.py", "restore_db", str(bad)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "integrity check" in result.stderr


def test_the_schema_needs_no_function_of_djangos_own(db: None) -> None:
    """A CHECK or index that compiles to one of Django's SQLite functions (a day-of-month
    check becomes django_date_extract) makes the file unreadable to every other connection:
    the backup's integrity check, the crash drills, sqlite3 on the command line."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own schema")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        calls = [(name, sql) for name, sql in cursor.fetchall() if re.search(r"django_\w+\(", sql)]
    assert calls == []
