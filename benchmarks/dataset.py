"""Builds, or reuses, the dataset of a scale in a database of its own.

SQLite: var/bench/<scale>.sqlite3. PostgreSQL: database impulsa_bench_<scale> on 127.0.0.1:5432
(skipped, with a note, when no server answers). Seeding is `manage.py migrate` then
`manage.py seed_demo --scale <scale>` in a subprocess; a marker file beside the SQLite file
records a finished seed, so later runs only migrate (seed_demo is idempotent, but checking
five million entries again is not free).
"""

import hashlib
import json
import re
import subprocess
import time
from pathlib import Path

from .common import (
    BENCH_DIR,
    PG_HOST,
    PG_PORT,
    PG_USER,
    PYTHON,
    ROOT,
    BenchError,
    Target,
    run_manage,
)

SEED_TIMEOUT = 4 * 3600


def seed_scales() -> list[str]:
    """The scales `seed_demo` offers in this checkout."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [PYTHON, "manage.py", "seed_demo", "--help"],
        cwd=ROOT,
        env=Target("sqlite", "probe").django_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    match = re.search(r"--scale \{([^}]*)\}", done.stdout)
    return match.group(1).split(",") if match else []


def pg_server_version() -> str | None:
    """The PostgreSQL server's version, or None when no server answers."""
    try:
        import psycopg

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3
        ) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else None
    except Exception:
        return None


def _ensure_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _marker(target: Target) -> Path:
    return BENCH_DIR / f"{target.key}.{target.engine}.seeded"


def is_seeded(key: str) -> bool:
    """Whether a finished seed of this dataset is recorded for some database."""
    return any(BENCH_DIR.glob(f"{key}.*.seeded"))


def _migrations() -> str:
    """A fingerprint of the migration files: when it is unchanged, there is nothing to migrate."""
    names = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("backend/**/migrations/*.py"))
    return hashlib.sha1("\n".join(names).encode(), usedforsecurity=False).hexdigest()


def _has_ventures(target: Target) -> bool:
    """A cheap check that the database still holds a seeded dataset."""
    try:
        if target.engine == "sqlite":
            import sqlite3

            if not target.sqlite_path.exists():
                return False
            with sqlite3.connect(target.sqlite_path) as conn:
                row = conn.execute("SELECT EXISTS(SELECT 1 FROM ventures_venture)").fetchone()
                return bool(row and row[0])
        import psycopg

        with psycopg.connect(target.pg_url, connect_timeout=3) as pg:
            row = pg.execute("SELECT EXISTS(SELECT 1 FROM ventures_venture)").fetchone()
            return bool(row and row[0])
    except Exception:
        return False


def ensure(target: Target, reseed: bool, log: "Log") -> dict[str, object]:
    """Migrates and, unless a finished seed is recorded, seeds. Returns what was done."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if target.engine == "postgresql":
        _ensure_pg_database(target.pg_name)
    marker = _marker(target)
    recorded = json.loads(marker.read_text()) if marker.exists() else {}
    reuse = not reseed and bool(recorded) and _has_ventures(target)
    began = time.perf_counter()
    fingerprint = _migrations()
    if not reuse or recorded.get("migrations") != fingerprint:
        run_manage(target, "migrate", "--no-input", "-v0", timeout=1800)
    if reuse:
        log(f"{target.label}: reusing the {target.key} dataset ({marker.name})")
    else:
        log(f"{target.label}: seeding the {target.key} dataset (seed_demo; this can take long)")
        extra = ["--factor", target.factor] if target.factor else []
        run_manage(target, "seed_demo", "--scale", target.scale, *extra, timeout=SEED_TIMEOUT)
        recorded = {"seeded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    marker.write_text(json.dumps({**recorded, "migrations": fingerprint}) + "\n")
    return {"reused": reuse, "seconds": time.perf_counter() - began}


class Log:
    def __call__(self, message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)
