"""Report figures written for people: counts, money, shares and dates in the reader's language.

The stored snapshot keeps plain values (the API reads those). The page, the dashboard, the PDF,
the spreadsheet and the CSV all read a snapshot through this module, so each figure has one
label and one way of being written, whatever the format.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.lib.formats import format_money, format_number, format_percent_value

from .charts import bar_chart_svg
from .definitions import DEFINITIONS, DIMENSION_NAMES, NAMES, label
from .disclosure import TOTAL

M2_CLASS_NAMES = {
    "improved": gettext_lazy("Ventures that improved their sales"),
    "maintained": gettext_lazy("Ventures that maintained their sales"),
    "declined": gettext_lazy("Ventures whose sales declined"),
    "insufficient_data": gettext_lazy("Ventures without enough data to compare"),
}
# Per-currency details: their key, how people read them and what kind of figure they are.
CURRENCY_DETAILS = {
    "M4": [
        ("digital_share", gettext_lazy("Share of sales received digitally"), "percent"),
        ("sales", gettext_lazy("Sales"), "money"),
        ("digital_sales", gettext_lazy("Digital sales"), "money"),
        ("ventures", gettext_lazy("Ventures with digital sales"), "count"),
    ],
    "M5": [
        ("net_saved", gettext_lazy("Net amount saved"), "money"),
        ("savers", gettext_lazy("People saving"), "count"),
    ],
    "M6": [
        ("donations_net", gettext_lazy("Donations received, net of refunds"), "money"),
        ("contributions", gettext_lazy("Institutional contributions"), "money"),
        ("disbursed", gettext_lazy("Grants disbursed"), "money"),
        ("funded_ventures", gettext_lazy("Ventures funded"), "count"),
    ],
}


@dataclass
class Figure:
    """One published figure: its label, the number (None when withheld), how it is written."""

    key: str  # a stable machine name, such as "classes.improved" or "PEN.sales"
    label: str
    value: int | Decimal | None
    text: str
    kind: str  # "count", "money", "percent", "points", or "text" (a line such as the terms)
    currency: str = ""
    mark: str = ""  # "<5", "x" or "withheld" where the value is not shown


def mark_text(mark: str | None, k: int) -> str:
    """The mark of a withheld count as the legend explains it ("<5" or "x")."""
    return "x" if mark == "complementary" else f"<{k}"


def cell_text(cell: dict[str, Any]) -> str:
    """A table cell: "<5" or "x" where withheld, else the count with the language's separators."""
    if cell["value"] is None:
        return str(cell["display"])
    return format_number(cell["value"])


def total_text(table: dict[str, Any], k: int) -> str:
    """A table's total: its mark where withheld ("<5" small, "x" hidden to protect another
    figure; older snapshots carry no mark and show "<k"), else the count."""
    total = table["total"]
    if total is not None:
        return format_number(total)
    return str(table.get("total_display") or f"<{k}")


def _count(key: str, name: str, value: Any, marks: dict[str, str], k: int) -> Figure:
    if value is None:
        text = mark_text(marks.get(key), k) if key in marks else "—"
        return Figure(key, name, None, text, "count", mark=text if key in marks else "")
    return Figure(key, name, int(value), format_number(value), "count")


def _money(key: str, name: str, value: Any, currency: str) -> Figure:
    if value is None:
        text = _("withheld")
        return Figure(key, name, None, text, "money", currency, mark=text)
    amount = Decimal(str(value))
    return Figure(key, name, amount, format_money(amount, currency), "money", currency)


def _month_text(value: str) -> str:
    """ "2026-03" as the language writes a month ("marzo de 2026")."""
    return formats.date_format(dt.date.fromisoformat(f"{value}-01"), "YEAR_MONTH_FORMAT")


def _months_text(pair: list[str]) -> str:
    first, last = pair
    if first == last:
        return _month_text(first)
    return _("%(first)s to %(last)s") % {"first": _month_text(first), "last": _month_text(last)}


def terms_rows(terms: dict[str, Any]) -> list[tuple[str, str]]:
    """Which terms the money and M2 figures are in, and for real terms the index behind them:
    its source per country, its months, and the countries left out for a missing month."""
    heading = _("Terms")
    if terms.get("terms") != "real":
        return [(heading, _("Nominal: sales as recorded, not adjusted for inflation"))]
    rows = [
        (
            heading,
            _(
                "Nominal, and in real terms: each month's sales at the prices of %(base)s "
                "(divided by the month's consumer-price index over the mean index of those "
                "months)"
            )
            % {"base": _months_text(terms["base_months"])},
        ),
        (_("Price index months"), _months_text(terms["index_months"])),
    ]
    for country, sources in terms["sources"].items():
        name = _("Price index source, %(country)s") % {"country": country}
        rows.append((name, ", ".join(sources)))
    for country, missing in terms["missing"].items():
        name = _("Not in real terms, %(country)s") % {"country": country}
        text = _(
            "the price index lacks %(months)s, so no figure is computed in real terms for "
            "this country"
        ) % {"months": ", ".join(_month_text(m) for m in missing)}
        rows.append((name, text))
    return rows


def _real_figures(code: str, details: dict[str, Any], k: int) -> list[Figure]:
    """The real-terms figures published beside the nominal ones (M2's classes, M4's money)."""
    marks = details.get("marks", {})
    out: list[Figure] = []
    real = details.get("real")
    if code == "M2" and isinstance(real, dict):
        if "eligible" in real:
            name = _("In real terms: ventures with enough data to compare")
            out.append(_count("real.eligible", name, real["eligible"], marks, k))
        if "total" in real:
            name = _("In real terms: ventures that improved or maintained their sales")
            out.append(_count("real.total", name, real["total"], marks, k))
        for cls, value in real.get("classes", {}).items():
            class_name = str(M2_CLASS_NAMES.get(cls, label(cls)))
            # mid-sentence after "In real terms:", as the other real-terms names are written
            class_name = class_name[:1].lower() + class_name[1:]
            name = _("In real terms: %(name)s") % {"name": class_name}
            out.append(_count(f"real.classes.{cls}", name, value, marks, k))
    if code == "M4":
        for currency, values in details.get("by_currency", {}).items():
            for key, lazy_name in (
                ("real_sales", gettext_lazy("Sales in real terms")),
                ("real_digital_sales", gettext_lazy("Digital sales in real terms")),
            ):
                if key in values:
                    full = f"{lazy_name} ({currency})"
                    out.append(_money(f"{currency}.{key}", full, values[key], currency))
    return out


def detail_figures(code: str, details: dict[str, Any], k: int) -> list[Figure]:
    """An indicator's details, each labelled and written for people. Keys this version does not
    know (added by a later version of the figures) are left out rather than shown raw."""
    marks = details.get("marks", {})
    out: list[Figure] = []
    if code == "M1" and "not_counted_broken" in details:
        name = _("Completions not counted: attendance corrected below the course's rule")
        out.append(_count("not_counted_broken", name, details["not_counted_broken"], marks, k))
    elif code == "M2":
        if "eligible" in details:
            name = _("Ventures with enough data to compare (eligible)")
            out.append(_count("eligible", name, details["eligible"], marks, k))
        for cls, value in details.get("classes", {}).items():
            name = str(M2_CLASS_NAMES.get(cls, label(cls)))
            out.append(_count(f"classes.{cls}", name, value, marks, k))
    elif code == "M3":
        if "gain_n" in details:
            out.append(_count("gain_n", _("People with both tests"), details["gain_n"], marks, k))
        if "mean_gain" in details:
            gain = details["mean_gain"]
            name = _("Mean knowledge gain (post-test minus pre-test)")
            if gain is None:
                out.append(Figure("mean_gain", name, None, "—", "points"))
            else:
                value = Decimal(str(gain))
                text = _("%(n)s points") % {"n": format_number(value, decimals=1)}
                out.append(Figure("mean_gain", name, value, text, "points"))
        if details.get("no_core_lessons"):
            name = _("Why M3 is 0")
            text = _(
                "there are no core lessons in the course catalogue, so nobody could complete "
                "them; load the core module's lessons to count this figure"
            )
            out.append(Figure("no_core_lessons", name, None, text, "text"))
    elif code in CURRENCY_DETAILS:
        for currency, values in details.get("by_currency", {}).items():
            for key, lazy_name, kind in CURRENCY_DETAILS[code]:
                if key not in values:
                    continue
                full = f"{lazy_name} ({currency})"
                path = f"{currency}.{key}"
                value = values[key]
                if kind == "money":
                    out.append(_money(path, full, value, currency))
                elif kind == "count":
                    out.append(_count(f"by_currency.{currency}", full, value, marks, k))
                    out[-1].key = path
                else:
                    out.append(_share(path, full, value, values))
    out += _real_figures(code, details, k)
    if "terms" in details:
        out += [
            Figure("terms", name, None, text, "text") for name, text in terms_rows(details["terms"])
        ]
    return out


def _share(key: str, name: str, value: Any, values: dict[str, Any]) -> Figure:
    if value is None:
        hidden = values.get("sales") is None
        text = _("withheld") if hidden else _("no sales")
        return Figure(key, name, None, text, "percent", mark=text if hidden else "")
    share = Decimal(str(value))
    return Figure(key, name, share, format_percent_value(share), "percent")


def detail_rows(code: str, details: dict[str, Any], k: int) -> list[tuple[str, str]]:
    return [(f.label, f.text) for f in detail_figures(code, details, k)]


def headline_note(ind: dict[str, Any], k: int) -> str:
    """What the headline is out of, where the indicator has a denominator: M2's eligible
    ventures ("119 of 179 eligible")."""
    if ind["code"] != "M2" or ind["table"]["total"] is None:
        return ""
    eligible = ind["details"].get("eligible")
    if not eligible:  # withheld, or no venture had enough data to compare
        return ""
    return _("%(n)s of %(d)s eligible ventures (%(p)s)") % {
        "n": format_number(ind["table"]["total"]),
        "d": format_number(eligible),
        "p": format_percent_value(Decimal(ind["table"]["total"]) / Decimal(eligible), decimals=0),
    }


def generated_text(data: dict[str, Any]) -> str:
    """When the snapshot was made, as a date and time in the reader's language."""
    moment = parse_datetime(str(data.get("generated_at") or ""))
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def date_text(value: str | dt.date | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(day, "DATE_FORMAT")


def period_text(start: str | dt.date, end: str | dt.date) -> str:
    return _("%(a)s to %(b)s") % {"a": date_text(start), "b": date_text(end)}


def design_text(params: dict[str, Any]) -> list[str]:
    """How M2 compared sales, in plain words (never the internal name of the design)."""
    m2 = params["m2"]
    weeks = format_number(m2["min_weeks"])
    tolerance = format_percent_value(Decimal(str(m2["tolerance"])), decimals=0)
    lines = []
    if m2["design"] == "training":
        lines.append(
            _(
                "Sales before and after training: each venture's %(n)s months before its "
                "owner's first business-skills course are compared with %(n)s months starting "
                "%(m)s months after the owner completed it."
            )
            % {"n": format_number(m2["window_months"]), "m": format_number(m2["offset_months"])}
        )
    else:
        lines.append(
            _(
                "Sales in the same months for every venture: a baseline from %(a)s is "
                "compared with a follow-up from %(b)s."
            )
            % {
                "a": period_text(m2["baseline_start"], m2["baseline_end"]),
                "b": period_text(m2["followup_start"], m2["followup_end"]),
            }
        )
    lines.append(
        _(
            "A venture counts when it sold in at least %(w)s different weeks of each window; "
            "a change of up to %(t)s either way counts as maintained."
        )
        % {"w": weeks, "t": tolerance}
    )
    return lines


def breakdown_text(params: dict[str, Any]) -> str:
    dims = [str(DIMENSION_NAMES.get(d, d)) for d in params.get("breakdown", [])]
    return " \u00d7 ".join(dims) if dims else _("No breakdown")


def indicator_view(ind: dict[str, Any], k: int) -> dict[str, Any]:
    """One indicator of a snapshot as a page, the dashboard and the PDF show it."""
    by_key = {(c["row"], c["col"]): c for c in ind["table"]["cells"]}
    cols = ind["table"]["cols"]
    last = cols[-1]
    bars = [
        (label(r), by_key[(r, last)]["value"], cell_text(by_key[(r, last)]))
        for r in ind["table"]["rows"]
        if r != TOTAL
    ]
    return {
        "code": ind["code"],
        "name": NAMES.get(ind["code"], ind["code"]),
        "definition": DEFINITIONS.get(ind["code"], ""),
        "headline": total_text(ind["table"], k),
        "headline_value": ind["table"]["total"],
        "headline_note": headline_note(ind, k),
        "chart": bar_chart_svg(bars) if len(bars) > 1 else "",
        "col_labels": [label(c) for c in cols],
        "grid": [
            {"label": label(r), "cells": [cell_text(by_key[(r, c)]) for c in cols]}
            for r in ind["table"]["rows"]
        ],
        "details": detail_figures(ind["code"], ind["details"], k),
    }


def report_view(data: dict[str, Any]) -> dict[str, Any]:
    """Everything a reader needs around the figures: period, method, legend, when made."""
    params = data["params"]
    return {
        "period": period_text(params["period_start"], params["period_end"]),
        "generated": generated_text(data),
        "design": design_text(params),
        "breakdown": breakdown_text(params),
        "indicators": [indicator_view(ind, data["k"]) for ind in data["indicators"]],
    }
