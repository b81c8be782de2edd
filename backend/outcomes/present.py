"""Report figures written for people: counts, money and means in the reader's language.

The stored snapshot keeps plain values (the API and the CSV value column read those); the
pages, the PDF and the spreadsheet's notes write them through `backend.lib.formats`.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backend.lib.formats import format_money, format_number

from .definitions import label

# Detail keys and how people read them; money keys are written in the currency they sit under.
DETAIL_NAMES = {
    "classes": _("Ventures by sales change"),
    "eligible": _("Ventures with enough data"),
    "gain_n": _("People with both tests"),
    "mean_gain": _("Mean knowledge gain (points)"),
    "by_currency": "",
    "sales": _("Sales"),
    "digital": _("Digital sales"),
    "ventures": _("Ventures"),
    "contributions": "",
    "count": _("Ventures contributing"),
    "top2": _("Two largest contributions"),
    "net_saved": _("Net saved"),
    "savers": _("People saving"),
    "real": _("In real terms"),
    "total": _("Improved or maintained"),
    "real_sales": _("Sales in real terms"),
    "real_digital_sales": _("Digital sales in real terms"),
}
MONEY_KEYS = {"sales", "digital", "top2", "net_saved", "real_sales", "real_digital_sales"}


def _month_text(value: str) -> str:
    """ "2026-03" as the language writes a month ("marzo de 2026")."""
    return date_format(dt.date.fromisoformat(f"{value}-01"), "YEAR_MONTH_FORMAT")


def _months_text(pair: list[str]) -> str:
    first, last = pair
    if first == last:
        return _month_text(first)
    return gettext("%(first)s to %(last)s") % {
        "first": _month_text(first),
        "last": _month_text(last),
    }


def terms_rows(terms: dict[str, Any]) -> list[tuple[str, str]]:
    """Which terms the money and M2 figures are in, and for real terms the index behind them:
    its source per country, its months, and the countries left out for a missing month."""
    heading = str(gettext("Terms"))
    if terms.get("terms") != "real":
        return [(heading, str(gettext("Nominal: sales as recorded, not adjusted for inflation")))]
    rows = [
        (
            heading,
            gettext(
                "Nominal, and in real terms: each month's sales at the prices of %(base)s "
                "(divided by the month's consumer-price index over the mean index of those "
                "months)"
            )
            % {"base": _months_text(terms["base_months"])},
        ),
        (str(gettext("Price index months")), _months_text(terms["index_months"])),
    ]
    for country, sources in terms["sources"].items():
        rows.append(
            (
                str(gettext("Price index source, %(country)s") % {"country": country}),
                ", ".join(sources),
            )
        )
    for country, missing in terms["missing"].items():
        rows.append(
            (
                str(gettext("Not in real terms, %(country)s") % {"country": country}),
                gettext(
                    "the price index lacks %(months)s, so no figure is computed in real terms "
                    "for this country"
                )
                % {"months": ", ".join(_month_text(m) for m in missing)},
            )
        )
    return rows


def cell_text(cell: dict[str, Any]) -> str:
    """A table cell: "<5" where withheld, else the count with the language's separators."""
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


def detail_rows(details: dict[str, Any]) -> list[tuple[str, str]]:
    """Nested details flattened into (label, text) rows, money in its currency."""
    rows: list[tuple[str, str]] = []
    rest = {key: value for key, value in details.items() if key != "terms"}
    if "terms" in details:
        rows.extend(terms_rows(details["terms"]))
    _flatten(rest, [], None, rows)
    return rows


def _flatten(
    value: Any, path: list[str], currency: str | None, rows: list[tuple[str, str]]
) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if path and path[-1] == "by_currency":
                _flatten(inner, [*path, key], str(key), rows)
            else:
                _flatten(inner, [*path, str(key)], currency, rows)
        return
    key = path[-1] if path else ""
    text = _value_text(value, money=currency if key in MONEY_KEYS else None)
    rows.append((_path_label(path), text))


def _value_text(value: Any, *, money: str | None) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v, money=money) for v in value) or "—"
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return str(value)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    if money:
        return format_money(number, money)
    return format_number(number, decimals=None if number == number.to_integral() else 1)


def _path_label(path: list[str]) -> str:
    parts = []
    for i, key in enumerate(path):
        if i and path[i - 1] == "by_currency":
            parts.append(key)  # the currency code itself
            continue
        name = DETAIL_NAMES.get(key)
        if name == "":
            continue
        parts.append(str(name) if name is not None else label(key))
    return " · ".join(parts)
