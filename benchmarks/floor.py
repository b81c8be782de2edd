"""The floor for sync push: the same rows inserted through the raw database driver.

A scratch table gets the real ledger table's schema, indexes, constraints (foreign keys
included) and its append-only triggers (they fire only on UPDATE and DELETE, so plain inserts
never run them), and a copy of the real table's rows, so its B-trees are as deep as the real
ones. Rows go in 500 per transaction: sqlite3 `executemany`; psycopg `executemany` (pipelined)
and `COPY`. The scratch table is dropped afterwards.
"""

# SQL here is built from this module's own constants and figures read from our own database,
# never from outside input.
# ruff: noqa: S608

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

from .common import PG_HOST, PG_PORT, PG_USER, Target

REAL = "ventures_ledgerentry"
FLOOR = "bench_floor_ledgerentry"


def _rows(columns: list[str], count: int, venture: int, user: int, seq: int) -> list[tuple]:
    now = dt.datetime.now(dt.UTC)
    today = dt.date.today()
    methods = ["cash", "cash", "bank_transfer", "card", "customer_credit"]
    out = []
    for i in range(count):
        values = {
            # The copy table has no identity; its own rows' keys are far below these.
            "id": 10**15 + seq + i,
            "sync_id": str(uuid.uuid4()),
            "owner_id": user,
            "kind": "sale",
            "amount": "12.50",
            "occurred_on": today - dt.timedelta(days=i % 60),
            "payment_method": methods[i % len(methods)],
            "wallet": "",
            "category": "",
            "note": "",
            "receipt": "",
            "receipt_thumbnail": "",
            "received_at": now,
            "voided_at": None,
            "void_reason": "",
            "changed_seq": seq + i,
            "recorded_by_id": user,
            "voided_by_id": None,
            "venture_id": venture,
        }
        out.append(tuple(values.get(c, "") for c in columns))
    return out


def _timed(batches: int, insert: Callable[[int], None]) -> list[float]:
    insert(-1)  # warm-up, not timed
    times = []
    for b in range(batches):
        began = time.perf_counter()
        insert(b)
        times.append(time.perf_counter() - began)
    return times


def sqlite_floor(target: Target, venture: int, user: int, batch: int, batches: int) -> dict:
    import sqlite3

    conn = sqlite3.connect(target.sqlite_path, isolation_level=None, timeout=60)
    try:
        for pragma in (
            "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
            "cache_size=-32000", "temp_store=MEMORY",
        ):  # fmt: skip
            conn.execute(f"PRAGMA {pragma}")
        objects = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
            (REAL,),
        ).fetchall()
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")
        table_sql = next(sql for kind, _, sql in objects if kind == "table")
        conn.execute(table_sql.replace(f'"{REAL}"', f'"{FLOOR}"', 1))
        conn.execute(f"INSERT INTO {FLOOR} SELECT * FROM {REAL}")
        for kind, name, sql in objects:
            if kind in {"index", "trigger"}:
                sql = sql.replace(name, f"bench_floor_{name}", 1).replace(REAL, FLOOR)
                conn.execute(sql)
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({FLOOR})")]
        existing = conn.execute(f"SELECT count(*) FROM {FLOOR}").fetchone()[0]
        seq = (conn.execute(f"SELECT max(changed_seq) FROM {REAL}").fetchone()[0] or 0) + 1
        placeholders = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {FLOOR} ({', '.join(columns)}) VALUES ({placeholders})"

        def adapt(row: tuple) -> tuple:
            return tuple(
                v.isoformat(" ") if isinstance(v, dt.datetime)
                else v.isoformat() if isinstance(v, dt.date) else v
                for v in row
            )  # fmt: skip

        def insert(b: int) -> None:
            rows = [adapt(r) for r in _rows(columns, batch, venture, user, seq + (b + 1) * batch)]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(statement, rows)
            conn.execute("COMMIT")

        times = _timed(batches, insert)
        return {"executemany": times, "rows_in_table": existing}
    finally:
        try:
            conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")
        finally:
            conn.close()


def pg_floor(target: Target, venture: int, user: int, batch: int, batches: int) -> dict:
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=target.pg_name, autocommit=True
    ) as conn:
        try:
            conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")
            conn.execute(
                f"CREATE TABLE {FLOOR} (LIKE {REAL} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            conn.execute(f"INSERT INTO {FLOOR} SELECT * FROM {REAL}")
            indexes = conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", (REAL,)
            ).fetchall()
            for name, sql in indexes:
                conn.execute(sql.replace(name, f"bf_{name}"[:63], 1).replace(REAL, FLOOR))
            constraints = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')",
                (REAL,),
            ).fetchall()
            for name, definition in constraints:
                if definition.startswith(("PRIMARY KEY", "UNIQUE")):
                    continue  # the copied unique indexes already enforce these
                short = f"bf_{name}"[:63]
                conn.execute(f'ALTER TABLE {FLOOR} ADD CONSTRAINT "{short}" {definition}')
            triggers = conn.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                (REAL,),
            ).fetchall()
            for name, sql in triggers:
                conn.execute(sql.replace(name, f"bf_{name}", 1).replace(REAL, FLOOR))
            conn.execute(f"ANALYZE {FLOOR}")
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = %s ORDER BY ordinal_position",
                    (FLOOR,),
                )
            ]
            row = conn.execute(f"SELECT count(*), max(changed_seq) FROM {FLOOR}").fetchone()
            existing, seq = (row[0], (row[1] or 0) + 1) if row else (0, 1)
            placeholders = ", ".join("%s" for _ in columns)
            statement = f"INSERT INTO {FLOOR} ({', '.join(columns)}) VALUES ({placeholders})"
            names = ", ".join(columns)
            offset = [0]

            def many(b: int) -> None:
                offset[0] += batch
                rows = _rows(columns, batch, venture, user, seq + offset[0])
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(statement, rows)

            def copy(b: int) -> None:
                offset[0] += batch
                rows = _rows(columns, batch, venture, user, seq + offset[0])
                with (
                    conn.transaction(),
                    conn.cursor() as cur,
                    cur.copy(f"COPY {FLOOR} ({names}) FROM STDIN") as out,
                ):
                    for r in rows:
                        out.write_row(r)

            return {
                "executemany": _timed(batches, many),
                "copy": _timed(batches, copy),
                "rows_in_table": existing,
            }
        finally:
            conn.execute(f"DROP TABLE IF EXISTS {FLOOR}")


def floor(target: Target, venture: int, user: int, batch: int, batches: int) -> dict[str, Any]:
    if target.engine == "sqlite":
        return sqlite_floor(target, venture, user, batch, batches)
    return pg_floor(target, venture, user, batch, batches)
