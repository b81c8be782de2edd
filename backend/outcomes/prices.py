"""Real terms: sales deflated to the baseline window's prices by each country's consumer-price
index, and the CSV import staff use to load that index.

Where inflation is high, a nominal rise can be a fall: with prices up 20% between the windows,
selling 6% more is buying about 12% less. When a report asks for real terms (ReportParams.terms
= "real", calendar design), every venture-month of sales in Q is deflated:

    real(month) = sales(month) x base / index(month),  base = mean of the index over the
                                                       baseline window's months

computed exactly (fractions) and rounded once, half up, to the currency's minor units: each
real-terms money figure is a sum of those rounded venture-months. M2 compares the real window
sums with the same exact decimal rule as the nominal ones (`indicators.classify`), and
eligibility (weeks with a sale, windows complete) does not depend on prices, so a venture has
a real class exactly when it has a nominal one. M4's sales and digital sales per currency get
their real-terms totals next to the nominal ones.

A country whose index lacks a month that is needed (the baseline window, M2's follow-up
window, every month of the period) has no real-terms figures at all: its ventures are left out
of M2 in real terms and the currencies they sell in have no real M4 totals; the report names
the country and the missing months. Nothing falls back to nominal silently.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.lib.geography import COUNTRIES
from backend.lib.money import minor_units
from backend.ventures.models import Venture, VentureMonth

from .indicators import M2_CLASSES, Result, classify
from .models import PriceIndex
from .params import ReportParams, add_months, month_start, months_between

# What the import accepts: an index is a positive number of at most 12 whole digits and 6
# decimals (the model's field), written with one decimal mark, "." or ",".
MAX_INDEX = Decimal("999999999999.999999")
MAX_ROWS = 5000
MAX_SOURCE = 200
COLUMNS = ("country", "month", "value", "source")


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from first's month to last's, both included."""
    start = month_start(first)
    return [add_months(start, i) for i in range(months_between(first, last))]


@dataclass
class Deflator:
    """One country's factors: base / index(month), for every month the report needs."""

    country: str
    factors: dict[dt.date, Fraction]
    sources: list[str]


@dataclass
class Coverage:
    """Which countries have an index for every month needed, and what the others lack."""

    base_months: list[dt.date]
    needed: list[dt.date]
    deflators: dict[str, Deflator] = field(default_factory=dict)
    missing: dict[str, list[dt.date]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """What the report says about its terms (rendered by present.terms_rows)."""
        return {
            "terms": "real",
            "base_months": [m.isoformat()[:7] for m in (self.base_months[0], self.base_months[-1])],
            "index_months": [m.isoformat()[:7] for m in (self.needed[0], self.needed[-1])],
            "sources": {c: d.sources for c, d in sorted(self.deflators.items())},
            "missing": {
                c: [m.isoformat()[:7] for m in ms] for c, ms in sorted(self.missing.items())
            },
        }


def coverage(
    countries: Iterable[str], base_months: list[dt.date], needed: list[dt.date]
) -> Coverage:
    """The deflators of the countries whose index has every needed month (one query)."""
    wanted = sorted(set(countries))
    needed = sorted(set(needed) | set(base_months))
    found: dict[str, dict[dt.date, tuple[Decimal, str]]] = {c: {} for c in wanted}
    for country, month, value, source in PriceIndex.objects.filter(
        country__in=wanted, month__in=needed
    ).values_list("country", "month", "value", "source"):
        found[country][month] = (Decimal(value), source)
    out = Coverage(base_months=base_months, needed=needed)
    for country in wanted:
        have = found[country]
        lacking = [m for m in needed if m not in have]
        if lacking:
            out.missing[country] = lacking
            continue
        base = sum((Fraction(have[m][0]) for m in base_months), Fraction(0)) / len(base_months)
        out.deflators[country] = Deflator(
            country=country,
            factors={m: base / Fraction(have[m][0]) for m in needed},
            sources=sorted({have[m][1] for m in needed}),
        )
    return out


def deflate(amount: Decimal, factor: Fraction, currency: str) -> Decimal:
    """amount x factor, exactly, rounded half up (away from zero) to the currency's units."""
    places = minor_units(currency)
    scaled = Fraction(amount) * factor * 10**places
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if scaled < 0 else 1
    return Decimal(sign * whole).scaleb(-places)


def add_real_terms(params: ReportParams, results: dict[str, Result]) -> dict[str, Any]:
    """Adds the real-terms figures to M2's and M4's details (under "real") and returns what the
    report says about them. Calendar design only (services.check_params refuses the other)."""
    m2 = params.m2
    if "M2" not in results and "M4" not in results:
        return {"terms": "real"}
    if (
        m2.design != "calendar"
        or m2.baseline_start is None
        or m2.baseline_end is None
        or m2.followup_start is None
        or m2.followup_end is None
    ):
        raise ValueError("real terms need the calendar design's windows")
    base_months = months(m2.baseline_start, m2.baseline_end)
    follow_months = months(m2.followup_start, m2.followup_end)
    period_months = months(params.period_start, params.period_end)
    ventures = dict(
        Venture.objects.filter(programme_id__in=params.programme_ids).values_list("pk", "country")
    )
    cover = coverage(ventures.values(), base_months, [*follow_months, *period_months])
    if "M2" in results:
        _m2_real(params, results["M2"], ventures, cover, base_months, follow_months)
    if "M4" in results:
        _m4_real(params, results["M4"], ventures, cover)
    return cover.as_json()


def _m2_real(
    params: ReportParams,
    result: Result,
    ventures: dict[int, str],
    cover: Coverage,
    base_months: list[dt.date],
    follow_months: list[dt.date],
) -> None:
    """M2's classes in real terms over the ventures of countries with an index, and what the
    ventures left out would let a reader work out (`left_out`, for disclosure control)."""
    nominal = result.per_venture
    eligible = {v for v, c in nominal.items() if c != "insufficient_data"}
    rows = VentureMonth.objects.filter(
        Q(month__in=base_months) | Q(month__in=follow_months),
        venture_id__in=[v for v in eligible if ventures.get(v) in cover.deflators],
    ).values_list("venture_id", "venture__currency", "month", "sales")
    base_set = set(base_months)
    sums: dict[int, list[Decimal]] = {}
    for venture, currency, month, sales in rows:
        factor = cover.deflators[ventures[venture]].factors[month]
        pair = sums.setdefault(venture, [Decimal(0), Decimal(0)])
        pair[0 if month in base_set else 1] += deflate(Decimal(sales), factor, currency)
    classes = dict.fromkeys(M2_CLASSES, 0)
    left_out = {"eligible": 0, "insufficient_data": 0}
    for venture, country in ventures.items():
        if country not in cover.deflators:
            left_out["eligible" if venture in eligible else "insufficient_data"] += 1
            continue
        if venture not in eligible:
            classes["insufficient_data"] += 1
            continue
        base, follow = sums.get(venture, [Decimal(0), Decimal(0)])
        # Eligible already: the weeks rule passed on the same (price-free) sale days.
        weeks = params.m2.min_weeks
        real_class = classify(
            base, follow, weeks, weeks, len(base_months), len(follow_months), params.m2
        )
        classes[real_class] += 1
    result.details["real"] = {
        "classes": classes,
        "eligible": classes["improved"] + classes["maintained"] + classes["declined"],
        "total": classes["improved"] + classes["maintained"],
        "left_out": left_out,
    }


def _m4_real(
    params: ReportParams, result: Result, ventures: dict[int, str], cover: Coverage
) -> None:
    """Per currency, the period's sales and digital sales in real terms, with what the money
    rules need (contributors and the two largest); None for a currency sold in a country
    without an index."""
    rows = VentureMonth.objects.filter(
        month__in=months(params.period_start, params.period_end),
        venture__programme_id__in=params.programme_ids,
    ).values_list("venture_id", "venture__currency", "month", "sales", "digital_sales")
    blocked: set[str] = set()
    per: dict[str, dict[int, list[Decimal]]] = {}
    for venture, currency, month, sales, digital in rows:
        country = ventures.get(venture)
        if country not in cover.deflators:
            blocked.add(currency)
            continue
        factor = cover.deflators[country].factors[month]
        pair = per.setdefault(currency, {}).setdefault(venture, [Decimal(0), Decimal(0)])
        pair[0] += deflate(Decimal(sales), factor, currency)
        pair[1] += deflate(Decimal(digital), factor, currency)
    for currency, x in result.details["by_currency"].items():
        if currency in blocked:
            x["real"] = None
            continue
        pairs = list(per.get(currency, {}).values())
        sellers = [p[0] for p in pairs if p[0] > 0]
        digital_sellers = [p[1] for p in pairs if p[1] > 0]
        x["real"] = {
            "sales": sum(sellers, Decimal(0)),
            "digital": sum(digital_sellers, Decimal(0)),
            "sales_contributions": {
                "count": len(sellers),
                "top2": sorted(sellers, reverse=True)[:2],
            },
            "contributions": {
                "count": len(digital_sellers),
                "top2": sorted(digital_sellers, reverse=True)[:2],
            },
        }


# --- The CSV import --------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _month(text: str) -> dt.date | None:
    """ "2026-03" (or "2026-03-01", the first of the month)."""
    parts = text.split("-")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    if len(parts[0]) != 4 or len(parts[1]) != 2 or (len(parts) == 3 and parts[2] != "01"):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def _value(text: str) -> Decimal | None:
    raw = text.strip()
    if raw.count(",") + raw.count(".") > 1:
        return None
    raw = raw.replace(",", ".")
    digits = raw.replace(".", "")
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if value <= 0 or value > MAX_INDEX or value != value.quantize(Decimal("0.000001")):
        return None
    return value


def import_csv(data: bytes) -> ImportResult:
    """Reads a CSV of country, month, value, source (a header row first; "," or ";" between
    fields, whichever the header uses) and saves every row, creating or replacing the
    country's month, only when no row has an error; otherwise saves nothing and says what is
    wrong with each row, in the language of the request."""
    out = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.errors.append(_("The file is not UTF-8 text. Save it as CSV UTF-8 and try again."))
        return out
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:4] != list(COLUMNS):
        out.errors.append(
            _("The first row must name the columns: %(columns)s.") % {"columns": ", ".join(COLUMNS)}
        )
        return out
    rows: dict[tuple[str, dt.date], tuple[Decimal, str]] = {}
    seen_at: dict[tuple[str, dt.date], int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if number - 1 > MAX_ROWS:
            out.errors.append(_("A file holds at most %(n)s rows.") % {"n": MAX_ROWS})
            break
        problems = []
        cells = [*(c.strip() for c in row[:4]), "", "", "", ""][:4]
        country_text, month_text, value_text, source = cells
        country = country_text.upper()
        if country not in COUNTRIES:
            problems.append(
                _("the country “%(value)s” is not one of %(codes)s")
                % {"value": country_text, "codes": ", ".join(COUNTRIES)}
            )
        month = _month(month_text)
        if month is None:
            problems.append(
                _("the month “%(value)s” is not a month written as YYYY-MM, such as 2026-03")
                % {"value": month_text}
            )
        value = _value(value_text)
        if value is None:
            problems.append(
                _(
                    "the value “%(value)s” is not a positive number with at most 6 decimals "
                    "and one decimal mark, such as 104.25 or 104,25"
                )
                % {"value": value_text}
            )
        if not source:
            problems.append(_("the source is empty (name who publishes the index)"))
        elif len(source) > MAX_SOURCE:
            problems.append(_("the source is longer than %(n)s characters") % {"n": MAX_SOURCE})
        if not problems and month is not None and value is not None:
            key = (country, month)
            if key in seen_at:
                problems.append(
                    _("%(country)s %(month)s is already on row %(row)s")
                    % {"country": country, "month": month_text, "row": seen_at[key]}
                )
            else:
                seen_at[key] = number
                rows[key] = (value, source)
        if problems:
            out.errors.append(
                _("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)}
            )
    if out.errors:
        return out
    if not rows:
        out.errors.append(_("The file has no rows after the header."))
        return out
    with transaction.atomic():
        existing = {
            (c, m): pk
            for pk, c, m in PriceIndex.objects.filter(
                country__in={c for c, _m in rows}, month__in={m for _c, m in rows}
            ).values_list("pk", "country", "month")
        }
        for (country, month), (value, source) in rows.items():
            pk = existing.get((country, month))
            if pk is None:
                PriceIndex.objects.create(country=country, month=month, value=value, source=source)
                out.created += 1
            else:
                PriceIndex.objects.filter(pk=pk).update(
                    value=value, source=source, updated_at=timezone.now()
                )
                out.updated += 1
    return out
