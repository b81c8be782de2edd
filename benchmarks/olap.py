"""DuckDB beside the report: M2 (calendar design) and M4 from the raw ledger.

The ledger and the ventures are exported once per run from the database under test (CSV
through the raw driver, then Parquet written by DuckDB; both steps timed). DuckDB then
computes, from raw entries rather than the application's monthly rollups, the same figures
the report gives a manager: M2's classes and headline, M4's sales, digital sales and ventures
per currency and its headline count.
"""

# SQL here is built from this module's own constants and figures read from our own database,
# never from outside input.
# ruff: noqa: S608

import csv
import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, PG_HOST, PG_PORT, PG_USER, Target

DIGITAL = ("bank_transfer", "mobile_wallet", "card")
LEDGER_SQL = (
    "SELECT venture_id, kind, amount, occurred_on, payment_method, "
    "CASE WHEN voided_at IS NULL THEN 0 ELSE 1 END FROM ventures_ledgerentry"
)
VENTURES_SQL = "SELECT id, programme_id, currency FROM ventures_venture"


def export(target: Target) -> tuple[Path, float]:
    """Writes ledger.parquet and ventures.parquet; returns the folder and the seconds taken."""
    import duckdb

    folder = BENCH_DIR / f"export-{target.engine}-{target.key}"
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    for name, sql, header in (
        ("ledger", LEDGER_SQL, "venture_id,kind,amount,occurred_on,payment_method,voided"),
        ("ventures", VENTURES_SQL, "id,programme_id,currency"),
    ):
        path = folder / f"{name}.csv"
        if target.engine == "sqlite":
            _sqlite_csv(target, sql, header, path)
        else:
            _pg_csv(target, sql, header, path)
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT venture_id::BIGINT AS venture_id, kind, amount::DECIMAL(18,2) AS amount, "
        f"occurred_on::DATE AS occurred_on, payment_method, voided::INT = 1 AS voided "
        f"FROM read_csv('{folder / 'ledger.csv'}', header=true, all_varchar=true)) "
        f"TO '{folder / 'ledger.parquet'}' (FORMAT parquet)"
    )
    con.execute(
        f"COPY (SELECT id::BIGINT AS id, programme_id::BIGINT AS programme_id, currency "
        f"FROM read_csv('{folder / 'ventures.csv'}', header=true, all_varchar=true)) "
        f"TO '{folder / 'ventures.parquet'}' (FORMAT parquet)"
    )
    con.close()
    took = time.perf_counter() - began
    for name in ("ledger", "ventures"):
        (folder / f"{name}.csv").unlink()
    return folder, took


def _sqlite_csv(target: Target, sql: str, header: str, path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(f"file:{target.sqlite_path}?mode=ro", uri=True)
    try:
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header.split(","))
            cursor = conn.execute(sql)
            while rows := cursor.fetchmany(50_000):
                writer.writerows(rows)
    finally:
        conn.close()


def _pg_csv(target: Target, sql: str, header: str, path: Path) -> None:
    import psycopg

    with (
        psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=target.pg_name) as conn,
        conn.cursor() as cur,
        path.open("wb") as out,
    ):
        out.write((header + "\n").encode())
        with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                out.write(block)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _months(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def compute(folder: Path, params: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """M2 (calendar) and M4 for the report's parameters; returns the figures and seconds."""
    import duckdb

    m2 = params["m2"]
    day = dt.date.fromisoformat
    b0, b1 = day(m2["baseline_start"]).replace(day=1), _next_month(day(m2["baseline_end"]))
    f0, f1 = day(m2["followup_start"]).replace(day=1), _next_month(day(m2["followup_end"]))
    p0, p1 = day(params["period_start"]).replace(day=1), _next_month(day(params["period_end"]))
    bm = _months(day(m2["baseline_start"]), day(m2["baseline_end"]))
    fm = _months(day(m2["followup_start"]), day(m2["followup_end"]))
    tol = Decimal(m2["tolerance"])
    programmes = ", ".join(str(int(p)) for p in params["programme_ids"])
    digital = ", ".join(f"'{m}'" for m in DIGITAL)
    ledger = f"read_parquet('{folder / 'ledger.parquet'}')"
    ventures = f"read_parquet('{folder / 'ventures.parquet'}')"
    m2_sql = f"""
        WITH v AS (SELECT id FROM {ventures} WHERE programme_id IN ({programmes})),
        s AS (
            SELECT venture_id, occurred_on AS d, amount,
                   greatest(date_trunc('week', occurred_on), date_trunc('month', occurred_on))
                       AS week_start
            FROM {ledger}
            WHERE NOT voided AND kind = 'sale'
              AND (occurred_on >= DATE '{b0}' AND occurred_on < DATE '{b1}'
                   OR occurred_on >= DATE '{f0}' AND occurred_on < DATE '{f1}')
        ),
        w AS (
            SELECT venture_id,
                coalesce(sum(amount) FILTER (WHERE d < DATE '{b1}'), 0)::DECIMAL(38,6) AS base,
                coalesce(sum(amount) FILTER (WHERE d >= DATE '{f0}'), 0)::DECIMAL(38,6) AS follow,
                count(DISTINCT week_start) FILTER (WHERE d < DATE '{b1}') AS base_weeks,
                count(DISTINCT week_start) FILTER (WHERE d >= DATE '{f0}') AS follow_weeks
            FROM s GROUP BY venture_id
        )
        SELECT CASE
            WHEN coalesce(base_weeks, 0) < {int(m2["min_weeks"])}
              OR coalesce(follow_weeks, 0) < {int(m2["min_weeks"])} THEN 'insufficient_data'
            WHEN follow * {bm} > base * {fm} * {Decimal(1) + tol} THEN 'improved'
            WHEN follow * {bm} >= base * {fm} * {Decimal(1) - tol} THEN 'maintained'
            ELSE 'declined' END AS class, count(*)
        FROM v LEFT JOIN w ON w.venture_id = v.id GROUP BY class
    """
    m4_sql = f"""
        SELECT v.currency,
            coalesce(sum(e.amount) FILTER (WHERE e.kind = 'sale'), 0) AS sales,
            coalesce(sum(e.amount) FILTER (
                WHERE e.kind = 'sale' AND e.payment_method IN ({digital})), 0) AS digital,
            count(DISTINCT e.venture_id) AS ventures,
            count(DISTINCT e.venture_id) FILTER (
                WHERE e.kind = 'sale' AND e.payment_method IN ({digital})) AS with_digital
        FROM {ledger} e JOIN {ventures} v ON v.id = e.venture_id
        WHERE NOT e.voided AND v.programme_id IN ({programmes})
          AND e.occurred_on >= DATE '{p0}' AND e.occurred_on < DATE '{p1}'
        GROUP BY v.currency ORDER BY v.currency
    """
    con = duckdb.connect()
    try:
        began = time.perf_counter()
        classes = dict(con.execute(m2_sql).fetchall())
        m4_rows = con.execute(m4_sql).fetchall()
        took = time.perf_counter() - began
    finally:
        con.close()
    names = ("improved", "maintained", "declined", "insufficient_data")
    figures = {
        "M2": {
            **{c: int(classes.get(c, 0)) for c in names},
            "headline": int(classes.get("improved", 0) + classes.get("maintained", 0)),
        },
        "M4": {
            "ventures_with_digital": int(sum(r[4] for r in m4_rows)),
            "by_currency": {
                r[0]: {
                    "sales": format(Decimal(r[1]), "f"),
                    "digital_sales": format(Decimal(r[2]), "f"),
                    "ventures": int(r[3]),
                }
                for r in m4_rows
            },
        },
    }
    return figures, took


def differences(report: dict[str, Any], duck: dict[str, Any]) -> list[str]:
    """Where the report's figures and DuckDB's differ (money to the cent)."""
    out = []
    for key, value in report["M2"].items():
        if duck["M2"].get(key) != value:
            out.append(f"M2 {key}: report {value}, DuckDB {duck['M2'].get(key)}")
    r4, d4 = report["M4"], duck["M4"]
    if r4["ventures_with_digital"] != d4["ventures_with_digital"]:
        out.append(
            f"M4 ventures with a digital sale: report {r4['ventures_with_digital']}, "
            f"DuckDB {d4['ventures_with_digital']}"
        )
    for currency in sorted(set(r4["by_currency"]) | set(d4["by_currency"])):
        a, b = r4["by_currency"].get(currency), d4["by_currency"].get(currency)
        if a is None or b is None:
            out.append(f"M4 {currency}: only in {'DuckDB' if a is None else 'the report'}")
            continue
        for name in ("sales", "digital_sales"):
            if abs(Decimal(a[name]) - Decimal(b[name])) > Decimal("0.01"):
                out.append(f"M4 {currency} {name}: report {a[name]}, DuckDB {b[name]}")
        if a["ventures"] != b["ventures"]:
            out.append(f"M4 {currency} ventures: report {a['ventures']}, DuckDB {b['ventures']}")
    return out
