"""Reads of the ventures app. Summaries come from the rollups, never from the raw ledger."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from backend.accounts.models import User
from backend.lib.money import to_string

from .access import ventures_visible_to
from .models import Method, Venture, VentureDay, VentureMonth
from .services import month_of

ZERO = Decimal(0)
METHODS = [m.value for m in Method]


def ventures_for(user: User, *, programme_id: int | None = None) -> QuerySet[Venture]:
    """The ventures the user may see, each with what customers owe it (one query in all)."""
    months = VentureMonth.objects.filter(venture=OuterRef("pk")).values("venture")
    owed = months.annotate(owed=Sum("credit_sales") - Sum("repayments")).values("owed")
    qs = ventures_visible_to(user).annotate(
        outstanding=Coalesce(
            Subquery(owed, output_field=DecimalField(max_digits=18, decimal_places=2)),
            Value(ZERO),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        )
    )
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    return qs.order_by("name", "id")


def bucket_start(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return month_of(day)
    return day


@dataclass
class Totals:
    sales: Decimal = ZERO
    expenses: Decimal = ZERO
    entries: int = 0
    digital_sales: Decimal = ZERO
    by_method: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(METHODS, ZERO))

    def add(self, row: VentureDay) -> None:
        self.sales += row.sales
        self.expenses += row.expenses
        self.entries += row.entries
        self.digital_sales += row.digital_sales
        for method in METHODS:
            self.by_method[method] += getattr(row, f"sales_{method}")

    @property
    def margin(self) -> Decimal:
        return self.sales - self.expenses


def _change(now: Decimal, before: Decimal) -> float | None:
    if before == 0:
        return None
    return round(float((now - before) / abs(before) * 100), 1)


def summary(venture: Venture, *, period: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Buckets of the range, totals, payment mix, what customers owe, and the trend.

    The trend compares the range with the range of the same length just before it. Two
    queries whatever the range: the day rollups of both ranges, and the credit totals.
    """
    length = (end - start).days + 1
    previous_start = start - dt.timedelta(days=length)
    rows = VentureDay.objects.filter(venture=venture, day__range=(previous_start, end))
    buckets: dict[dt.date, Totals] = {}
    day = bucket_start(start, period)
    while day <= end:
        buckets[day] = Totals()
        day = _next(day, period)
    total, previous = Totals(), Totals()
    for row in rows:
        if row.day < start:
            previous.add(row)
            continue
        total.add(row)
        buckets[bucket_start(row.day, period)].add(row)
    credit = VentureMonth.objects.filter(venture=venture).aggregate(
        credit=Sum("credit_sales"), repaid=Sum("repayments")
    )
    result = {
        "venture_id": venture.pk,
        "currency": venture.currency,
        "period": period,
        "start": start,
        "end": end,
        "buckets": [
            {
                "start": key,
                "sales": t.sales,
                "expenses": t.expenses,
                "margin": t.margin,
                "entries": t.entries,
            }
            for key, t in buckets.items()
        ],
        "totals": {
            "sales": total.sales,
            "expenses": total.expenses,
            "margin": total.margin,
            "entries": total.entries,
            "digital_sales": total.digital_sales,
        },
        "by_method": [{"method": m, "sales": v} for m, v in total.by_method.items() if v],
        "outstanding_credit": (credit["credit"] or ZERO) - (credit["repaid"] or ZERO),
        "previous": {
            "start": previous_start,
            "end": start - dt.timedelta(days=1),
            "sales": previous.sales,
            "expenses": previous.expenses,
            "margin": previous.margin,
        },
        "trend": {
            "sales_change_pct": _change(total.sales, previous.sales),
            "margin_change_pct": _change(total.margin, previous.margin),
        },
    }
    return _money_as_text(result, venture.currency)


def _money_as_text(value: Any, currency: str) -> Any:
    """Money leaves as text with the currency's minor units ("12.50", COP "12000")."""
    if isinstance(value, Decimal):
        return to_string(value, currency)
    if isinstance(value, dict):
        return {k: _money_as_text(v, currency) for k, v in value.items()}
    if isinstance(value, list):
        return [_money_as_text(v, currency) for v in value]
    return value


def _next(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day + dt.timedelta(days=7)
    if period == "month":
        return (day + dt.timedelta(days=32)).replace(day=1)
    return day + dt.timedelta(days=1)


def monthly_series(venture: Venture) -> list[VentureMonth]:
    return list(VentureMonth.objects.filter(venture=venture).order_by("month"))
