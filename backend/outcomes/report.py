"""A report: every indicator for a request, as tables that went through disclosure control.

The result is plain JSON, stored whole in a snapshot, so the PDF, CSV, XLSX and API answer a
donor received can be produced again, unchanged, at any later time.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from backend.lib.money import to_string

from .disclosure import (
    COMPLEMENTARY,
    COMPLEMENTARY_SIGN,
    PRIMARY,
    TOTAL,
    Sum,
    Table,
    protect,
    shown,
    suppress_money,
)
from .indicators import INDICATORS, M2_CLASSES, Counts, Result, compute
from .params import ReportParams
from .prices import add_real_terms

ALL = "all"


def _table(counts: Counts, dims: tuple[str, ...]) -> Table:
    if not dims:
        return Table(cells={(ALL, ALL): counts.total}, rows=[ALL], cols=[ALL], with_totals=False)
    if len(dims) == 1:
        rows = sorted({key[0] for key in counts.cells})
        cells = {(key[0], ALL): n for key, n in counts.cells.items()}
        return Table(cells=cells, rows=rows, cols=[ALL], single=ALL)
    rows = sorted({key[0] for key in counts.cells})
    cols = sorted({key[1] for key in counts.cells})
    return Table(
        cells={(key[0], key[1]): n for key, n in counts.cells.items()}, rows=rows, cols=cols
    )


def _cell(table: Table, row: str, col: str, k: int) -> dict[str, Any]:
    value = table.display(row, col)
    return {
        "row": row,
        "col": col,
        "value": value,
        "display": shown(value, k, table.mark(row, col)),
        "mark": table.mark(row, col),
    }


def _table_json(table: Table, k: int) -> dict[str, Any]:
    """Rows and columns as shown: one breakdown gives a column plus its total row; two give a
    grid with a total row and a total column."""
    if not table.with_totals:
        rows, cols = list(table.rows), list(table.cols)
        total = table.display(ALL, ALL)
    else:
        rows = [*table.rows, TOTAL]
        cols = list(table.cols) if table.cols == [ALL] else [*table.cols, TOTAL]
        total = table.display(TOTAL, cols[-1])
    headline = _headline(table)
    return {
        "rows": [str(r) for r in rows],
        "cols": [str(c) for c in cols],
        "cells": [_cell(table, r, c, k) for r in rows for c in cols],
        "total": total,
        "total_display": shown(total, k, table.mark(*headline)),
        "total_mark": table.mark(*headline),
    }


def _headline(table: Table) -> tuple[str, str]:
    """The key of the table's overall figure (the indicator's headline)."""
    if not table.with_totals:
        return (ALL, ALL)
    return (TOTAL, TOTAL) if table.row_totals else (TOTAL, ALL)


def legend(k: int) -> dict[str, str]:
    """What each mark means, for every format (translated where it is rendered)."""
    return {
        f"<{k}": PRIMARY,
        COMPLEMENTARY_SIGN: COMPLEMENTARY,
    }


def _money(amount: Decimal | None, currency: str) -> str | None:
    """A money total as text with the currency's minor units ("1234.50", COP "1234500")."""
    return None if amount is None else to_string(Decimal(amount), currency)


def _linked(result: Result, table: Table) -> tuple[dict[Any, int], list[Sum]]:
    """The counts of an indicator that are published together, and every sum among them: the
    table's cells and totals, and the detail counts that add up to one of them (M2's classes
    to the headline and the eligible count, M4's and M6's ventures per currency to the
    headline). A sum is taken in only when it holds, so a reader could rely on it."""
    values: dict[Any, int] = {("t", key): table.value(*key) for key in table.figure_keys()}
    sums: list[Sum] = [
        (("t", whole), tuple(("t", p) for p in parts)) for whole, parts in table.sums()
    ]
    headline = ("t", _headline(table))
    d = result.details
    if result.code == "M2":
        for c in M2_CLASSES:
            values[("c", c)] = d["classes"][c]
        values[("e",)] = d["eligible"]
        sums.append((headline, (("c", "improved"), ("c", "maintained"))))
        sums.append((("e",), (("c", "improved"), ("c", "maintained"), ("c", "declined"))))
        real = d.get("real")
        if real is not None:
            # Real terms, published with the nominal figures: the classes, their headline and
            # eligible count, tied to the nominal ones by the ventures real terms leave out
            # (those of a country without an index; none usually, so real eligible = nominal
            # eligible). The left-out counts are never shown but follow by subtraction, so
            # they are checked as if they were.
            for c in M2_CLASSES:
                values[("rc", c)] = real["classes"][c]
            values[("re",)] = real["eligible"]
            values[("rh",)] = real["total"]
            values[("rx", "eligible")] = real["left_out"]["eligible"]
            values[("rx", "insufficient_data")] = real["left_out"]["insufficient_data"]
            sums.append((("rh",), (("rc", "improved"), ("rc", "maintained"))))
            sums.append((("re",), (("rc", "improved"), ("rc", "maintained"), ("rc", "declined"))))
            sums.append((("e",), (("re",), ("rx", "eligible"))))
            sums.append(
                (
                    ("c", "insufficient_data"),
                    (("rc", "insufficient_data"), ("rx", "insufficient_data")),
                )
            )
    elif result.code == "M3":
        values[("n",)] = d["gain_n"]
    elif result.code == "M1":
        values[("b",)] = d["not_counted_broken"]
    elif result.code in ("M4", "M5", "M6"):
        name = {"M4": "ventures", "M5": "savers", "M6": "funded_ventures"}[result.code]
        parts = []
        for cur, x in d["by_currency"].items():
            values[("v", cur)] = x.get(name, 0)
            parts.append(("v", cur))
        if parts and sum(values[p] for p in parts) == values[headline]:
            sums.append((headline, tuple(parts)))
    return values, sums


def _hidden(marks: dict[Any, str], key: Any, value: Any) -> Any:
    return None if key in marks else value


def _details(result: Result, suppress: bool, k: int, marks: dict[Any, str]) -> dict[str, Any]:
    d = result.details
    out: dict[str, Any]
    if result.code == "M1":
        out = {"not_counted_broken": _hidden(marks, ("b",), d["not_counted_broken"])}
    elif result.code == "M2":
        out = {
            "classes": {c: _hidden(marks, ("c", c), d["classes"][c]) for c in M2_CLASSES},
            "eligible": _hidden(marks, ("e",), d["eligible"]),
        }
        if "real" in d:
            real = d["real"]
            out["real"] = (
                None
                if real is None
                else {
                    "classes": {
                        c: _hidden(marks, ("rc", c), real["classes"][c]) for c in M2_CLASSES
                    },
                    "eligible": _hidden(marks, ("re",), real["eligible"]),
                    "total": _hidden(marks, ("rh",), real["total"]),
                }
            )
    elif result.code == "M3":
        hidden = ("n",) in marks
        out = {
            "gain_n": None if hidden else d["gain_n"],
            # Rounded exactly to one decimal already; as a JSON number its shortest form is
            # that same decimal ("10.3").
            "mean_gain": None if hidden or d["mean_gain"] is None else float(d["mean_gain"]),
        }
        if d.get("no_core_lessons"):
            out["no_core_lessons"] = True
    elif result.code == "M4":
        out = {"by_currency": {}}
        for currency, x in d["by_currency"].items():
            c = x["contributions"]
            padded = _padded(c["count"], c["top2"], x["digital"])
            sc = x.get("sales_contributions", {"count": 0, "top2": []})
            padded_sales = _padded(sc["count"], sc["top2"], x["sales"])
            # The share is built on both totals: each must pass the count and dominance rules.
            visible = not suppress or (
                suppress_money(padded, k) is not None
                and suppress_money(padded_sales, k) is not None
            )
            share = (x["digital"] / x["sales"]) if x["sales"] else None
            out["by_currency"][currency] = {
                "digital_share": None if not visible or share is None else round(float(share), 4),
                "sales": _money(x["sales"], currency) if visible else None,
                "digital_sales": _money(x["digital"], currency) if visible else None,
                "ventures": _hidden(marks, ("v", currency), x["ventures"]),
            }
            if "real" in x:
                out["by_currency"][currency].update(
                    _real_money(x["real"], currency, visible, suppress, k)
                )
    elif result.code == "M5":
        out = {"by_currency": {}}
        for cur, x in d["by_currency"].items():
            hide_amount = False
            if suppress:
                c = x.get("contributions", {"count": 0, "top2": [], "gross": Decimal(0)})
                # Fewer than K savers, fewer than K people with a net amount, or two of them
                # holding more than 85% of the amounts moved: it would tell about a person.
                padded = _padded(c["count"], c["top2"], Decimal(c["gross"]))
                hide_amount = x["savers"] < k or suppress_money(padded, k) is None
            out["by_currency"][cur] = {
                "net_saved": None if hide_amount else _money(x["net_saved"], cur),
                "savers": _hidden(marks, ("v", cur), x["savers"]),
            }
    elif result.code == "M6":
        out = {"by_currency": {}}
        for cur, x in d["by_currency"].items():
            ventures = x.get("funded_ventures", 0)
            hide_disbursed = False
            if suppress and ventures:
                g = x["grant_contributions"]
                padded = _padded(g["count"], g["top2"], x["disbursed"])
                hide_disbursed = suppress_money(padded, k) is None
            out["by_currency"][cur] = {
                "donations_net": _money(x.get("donations_net"), cur),
                "contributions": _money(x.get("contributions"), cur),
                "disbursed": None if hide_disbursed else _money(x.get("disbursed"), cur),
                "funded_ventures": _hidden(marks, ("v", cur), ventures),
            }
    else:
        return {}
    detail_marks = {
        _detail_name(key): mark for key, mark in marks.items() if key[0] not in ("t", "rx")
    }
    if detail_marks:
        out["marks"] = detail_marks
    return out


def _real_money(
    real: dict[str, Any] | None, currency: str, visible: bool, suppress: bool, k: int
) -> dict[str, str | None]:
    """M4's real-terms totals for a currency: shown only where the nominal ones are and the
    real per-venture totals pass the same count and dominance rules; None where the index
    lacks a month (the report's terms say which)."""
    if real is None:
        return {"real_sales": None, "real_digital_sales": None}
    if suppress:
        sc, c = real["sales_contributions"], real["contributions"]
        visible = (
            visible
            and suppress_money(_padded(sc["count"], sc["top2"], real["sales"]), k) is not None
            and suppress_money(_padded(c["count"], c["top2"], real["digital"]), k) is not None
        )
    return {
        "real_sales": _money(real["sales"], currency) if visible else None,
        "real_digital_sales": _money(real["digital"], currency) if visible else None,
    }


def _detail_name(key: tuple[Any, ...]) -> str:
    """Where a withheld detail count sits in the details, as a dotted path."""
    kind = key[0]
    if kind == "rc":
        return f"real.classes.{key[1]}"
    if kind == "re":
        return "real.eligible"
    if kind == "rh":
        return "real.total"
    if kind == "c":
        return f"classes.{key[1]}"
    if kind == "e":
        return "eligible"
    if kind == "n":
        return "gain_n"
    if kind == "b":
        return "not_counted_broken"
    return f"by_currency.{key[1]}"


def _padded(count: int, top2: list[Any], total: Decimal) -> list[Decimal]:
    """Stand-in contributions with the same count, top two and total as the real ones: all the
    money rules look at (the rest of the total is spread over the remaining ventures)."""
    top = [Decimal(v) for v in top2]
    rest = count - len(top)
    if rest <= 0:
        return top
    remainder = max(Decimal(0), total - sum(top, Decimal(0)))
    return top + [remainder / rest] * rest


def comparable(params: ReportParams, earlier: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The earlier reports (their data) of the same programmes over another period: with the
    same breakdown their tables line up cell by cell; with another, their headline figures do
    (the dashboard's twelve months by sex hold each three-month block's total)."""
    mine = params.as_json()
    return [
        data
        for data in earlier
        if data
        and sorted(data["params"]["programme_ids"]) == sorted(mine["programme_ids"])
        and (data["params"]["period_start"], data["params"]["period_end"])
        != (mine["period_start"], mine["period_end"])
    ]


# Indicators whose every count is of people or ventures with an event inside the report's
# period (an activity, a completion, a last core lesson, a digital sale, a deposit, a
# disbursement). Two such reports over periods with no day in common count sets that neither
# contains the other's; their difference is not the size of any set (see docs/metrics.md,
# "Differencing"). M2 is not one: its classes come from the sales windows, not the period.
PERIOD_EVENT_CODES = frozenset({"REACH", "M1", "M3", "M4", "M5", "M6"})


def _disjoint(params: ReportParams, data: dict[str, Any]) -> bool:
    start = dt.date.fromisoformat(data["params"]["period_start"])
    end = dt.date.fromisoformat(data["params"]["period_end"])
    return end < params.period_start or params.period_end < start


def _close_to_earlier(
    code: str,
    table: Table,
    earlier: Sequence[dict[str, Any]],
    k: int,
    params: ReportParams,
) -> set[tuple[str, str]]:
    """Cells (totals too) that differ from the same cell of an earlier report the reader holds
    by 1 to K-1: the difference would be a small count of people (the issue's 20 -> 21 women
    saving is one woman who started that week). Withheld, then protected like any other. An
    earlier report with another breakdown is compared by its headline figure only.

    Not compared: an indicator of PERIOD_EVENT_CODES in a report whose period has no day in
    common with this one's (the dashboard's three-month blocks), where a difference counts
    nobody."""
    close = set()
    published = set(table.figure_keys())
    for data in earlier:
        if code in PERIOD_EVENT_CODES and _disjoint(params, data):
            continue
        same_layout = list(data["params"]["breakdown"]) == list(params.breakdown)
        for ind in data["indicators"]:
            if ind["code"] != code:
                continue
            if not same_layout:
                headline = _headline(table)
                before = ind["table"]["total"]
                if before is not None and 0 < abs(table.value(*headline) - before) < k:
                    close.add(headline)
                continue
            for cell in ind["table"]["cells"]:
                key = (cell["row"], cell["col"])
                if cell["value"] is None or key not in published:
                    continue
                if 0 < abs(table.value(*key) - cell["value"]) < k:
                    close.add(key)
    return close


def build(
    params: ReportParams,
    *,
    suppress: bool,
    k: int,
    codes: tuple[str, ...] = tuple(INDICATORS),
    earlier: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Every indicator of a request as tables, through disclosure control when `suppress`.

    `earlier` holds the data of reports the same reader already received (see `comparable`):
    a cell within K-1 of the same cell there is withheld too."""
    results = compute(params, codes)
    terms: dict[str, Any] = {"terms": "nominal"}
    if params.terms == "real":
        terms = add_real_terms(params, results)
    earlier = comparable(params, earlier) if suppress else []
    indicators = []
    for code, result in results.items():
        table = _table(result.counts, params.breakdown)
        marks: dict[Any, str] = {}
        if suppress:
            values, sums = _linked(result, table)
            totals = {key for key in values if key[0] == "t" and TOTAL in key[1]}
            forced = {("t", key) for key in _close_to_earlier(code, table, earlier, k, params)}
            marks = protect(values, sums, k, totals, forced)
            table.marks = {
                key[1]: mark
                for key, mark in marks.items()
                if isinstance(key, tuple) and key[0] == "t"
            }
        details = _details(result, suppress, k, marks)
        if code in ("M2", "M4"):
            details["terms"] = terms  # which terms its sales figures are in, and the index
        indicators.append(
            {
                "code": code,
                "unit": result.unit,
                "table": _table_json(table, k),
                "details": details,
            }
        )
    return {
        "params": params.as_json(),
        "generated_at": timezone.now().isoformat(),
        "suppressed": suppress,
        "k": k,
        "legend": legend(k) if suppress else {},
        "terms": terms,
        "indicators": indicators,
    }
