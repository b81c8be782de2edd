"""Online backups of the embedded SQLite database.

SQLite's backup API copies the database page by page while other connections keep writing;
the copy is a consistent snapshot of one moment. A copy is checked with
`PRAGMA integrity_check` before it is accepted, and a restore replaces the live file only
with a checked copy.
"""

import datetime as dt
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    pass


def database_path() -> Path:
    db = settings.DATABASES["default"]
    if db["ENGINE"] not in {"django.db.backends.sqlite3", "backend.lib.sqlite"}:
        raise BackupError(
            "This command backs up the embedded SQLite database. For PostgreSQL use pg_dump or "
            "pg_basebackup (see docs/deployment.md)."
        )
    return Path(db["NAME"])


def integrity_ok(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    except sqlite3.DatabaseError:  # not a database at all, or damaged beyond reading
        return False


def backup(destination: Path | None = None, *, pages_per_step: int = 1024) -> Path:
    """Copies the live database to `destination` (default: var/backups/<timestamp>.sqlite3)."""
    source = database_path()
    if destination is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        destination = Path(settings.VAR_DIR) / "backups" / f"impulsa-{stamp}.sqlite3"
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".partial")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        # Small steps let writers in between; each step sees a consistent state, and SQLite
        # restarts the copy if a write lands on a page already copied by another connection.
        src.backup(dst, pages=pages_per_step)
    finally:
        dst.close()
        src.close()
    if not integrity_ok(partial):
        partial.unlink(missing_ok=True)
        raise BackupError("The copy failed its integrity check; the live database was not touched.")
    partial.replace(destination)
    return destination


def restore(backup_file: Path) -> Path:
    """Replaces the live database with a checked backup. Stop the app servers first."""
    if not backup_file.exists():
        raise BackupError(f"No backup at {backup_file}.")
    if not integrity_ok(backup_file):
        raise BackupError("The backup failed its integrity check; nothing was restored.")
    target = database_path()
    connections.close_all()
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target
