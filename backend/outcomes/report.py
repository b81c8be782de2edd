"""A report: every indicator for a request, as tables that went through disclosure control.

The result is plain JSON, stored whole in a snapshot, so the PDF, CSV, XLSX and API answer a
donor received can be produced again, unchanged, at any later time.
"""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from backend.lib.money import to_string

from .disclosure import TOTAL, Table, is_small, suppress_money, suppress_table
from .indicators import INDICATORS, Counts, Result, compute
from .params import ReportParams

ALL = "all"
M2_CLASSES = ("improved", "maintained", "declined", "insufficient_data")


def _table(counts: Counts, dims: tuple[str, ...]) -> Table:
    if not dims:
        return Table(cells={(ALL, ALL): counts.total}, rows=[ALL], cols=[ALL], with_totals=False)
    if len(dims) == 1:
        rows = sorted({key[0] for key in counts.cells})
        cells = {(key[0], ALL): n for key, n in counts.cells.items()}
        return Table(cells=cells, rows=rows, cols=[ALL])
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
        "display": f"<{k}" if value is None else str(value),
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
    return {
        "rows": [str(r) for r in rows],
        "cols": [str(c) for c in cols],
        "cells": [_cell(table, r, c, k) for r in rows for c in cols],
        "total": total,
    }


def _money(amount: Decimal | None, currency: str) -> str | None:
    """A money total as text with the currency's minor units ("1234.50", COP "1234500")."""
    return None if amount is None else to_string(Decimal(amount), currency)


def _m2_linked(classes: Table, eligible: int, headline_hidden: bool, k: int) -> None:
    """Extends the suppression of M2's classes to the sums shown elsewhere.

    The headline (improved + maintained, the M2 table's total) and the eligible count
    (improved + maintained + declined) are totals over the classes too: while either is
    shown and only one of its classes is hidden, the next smallest class is hidden as well.
    """
    lines = [
        (("improved", "maintained"), headline_hidden),
        (("improved", "maintained", "declined"), is_small(eligible, k)),
    ]
    changed = True
    while changed:
        changed = False
        for parts, total_hidden in lines:
            hidden = [c for c in parts if (c, ALL) in classes.suppressed]
            if total_hidden or len(hidden) != 1:
                continue
            rest = [c for c in parts if (c, ALL) not in classes.suppressed]
            rest.sort(key=lambda c: (classes.value(c, ALL) == 0, classes.value(c, ALL), c))
            classes.suppressed.add((rest[0], ALL))
            changed = True


def _details(
    result: Result, suppress: bool, k: int, headline_hidden: bool = False
) -> dict[str, Any]:
    d = result.details
    if result.code == "M2":
        classes = Table(
            cells={(c, ALL): d["classes"][c] for c in M2_CLASSES}, rows=list(M2_CLASSES), cols=[ALL]
        )
        if suppress:
            suppress_table(classes, k)
            _m2_linked(classes, d["eligible"], headline_hidden, k)
        return {
            "classes": {c: classes.display(c, ALL) for c in M2_CLASSES},
            "eligible": (None if suppress and is_small(d["eligible"], k) else d["eligible"]),
        }
    if result.code == "M3":
        hidden = suppress and is_small(d["gain_n"], k)
        return {
            "gain_n": None if hidden else d["gain_n"],
            # Rounded exactly to one decimal already; as a JSON number its shortest form is
            # that same decimal ("10.3").
            "mean_gain": None if hidden or d["mean_gain"] is None else float(d["mean_gain"]),
        }
    if result.code == "M4":
        out = {}
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
            out[currency] = {
                "digital_share": None if not visible or share is None else round(float(share), 4),
                "sales": _money(x["sales"], currency) if visible else None,
                "digital_sales": _money(x["digital"], currency) if visible else None,
                "ventures": None if suppress and is_small(x["ventures"], k) else x["ventures"],
            }
        return {"by_currency": out}
    if result.code == "M5":
        out5 = {}
        for cur, x in d["by_currency"].items():
            hide_amount = False
            if suppress:
                c = x.get("contributions", {"count": 0, "top2": [], "gross": Decimal(0)})
                # Fewer than K savers, fewer than K people with a net amount, or two of them
                # holding more than 85% of the amounts moved: it would tell about a person.
                padded = _padded(c["count"], c["top2"], Decimal(c["gross"]))
                hide_amount = x["savers"] < k or suppress_money(padded, k) is None
            out5[cur] = {
                "net_saved": None if hide_amount else _money(x["net_saved"], cur),
                "savers": None if suppress and is_small(x["savers"], k) else x["savers"],
            }
        return {"by_currency": out5}
    if result.code == "M6":
        out6 = {}
        for cur, x in d["by_currency"].items():
            ventures = x.get("funded_ventures", 0)
            hide_disbursed = False
            if suppress and ventures:
                g = x["grant_contributions"]
                padded = _padded(g["count"], g["top2"], x["disbursed"])
                hide_disbursed = suppress_money(padded, k) is None
            out6[cur] = {
                "donations_net": _money(x.get("donations_net"), cur),
                "contributions": _money(x.get("contributions"), cur),
                "disbursed": None if hide_disbursed else _money(x.get("disbursed"), cur),
                "funded_ventures": None if suppress and is_small(ventures, k) else ventures,
            }
        return {"by_currency": out6}
    return {}


def _padded(count: int, top2: list[Any], total: Decimal) -> list[Decimal]:
    """Stand-in contributions with the same count, top two and total as the real ones: all the
    money rules look at (the rest of the total is spread over the remaining ventures)."""
    top = [Decimal(v) for v in top2]
    rest = count - len(top)
    if rest <= 0:
        return top
    remainder = max(Decimal(0), total - sum(top, Decimal(0)))
    return top + [remainder / rest] * rest


def build(
    params: ReportParams, *, suppress: bool, k: int, codes: tuple[str, ...] = tuple(INDICATORS)
) -> dict[str, Any]:
    results = compute(params, codes)
    indicators = []
    for code, result in results.items():
        table = _table(result.counts, params.breakdown)
        if suppress:
            suppress_table(table, k)
        shown = _table_json(table, k)
        indicators.append(
            {
                "code": code,
                "unit": result.unit,
                "table": shown,
                "details": _details(result, suppress, k, headline_hidden=shown["total"] is None),
            }
        )
    return {
        "params": params.as_json(),
        "generated_at": timezone.now().isoformat(),
        "suppressed": suppress,
        "k": k,
        "indicators": indicators,
    }
