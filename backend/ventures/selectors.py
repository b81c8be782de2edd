"""Reads of the ventures app. Summaries come from the rollups, never from the raw ledger."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from backend.accounts.models import User
from backend.lib.money import to_string

from .access import ventures_visible_to
from .models import Kind, LedgerEntry, Method, Venture, VentureDay, VentureMonth
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


# --- the owner's pages in the portal ----------------------------------------------------------


@dataclass(frozen=True)
class PeriodTotals:
    key: str  # "today", "week", "month"
    start: dt.date
    sales: Decimal
    expenses: Decimal

    @property
    def left(self) -> Decimal:
        return self.sales - self.expenses


def period_totals(venture: Venture, *, today: dt.date) -> list[PeriodTotals]:
    """Today, this week (Monday first) and this month so far, from the day rollups: one query."""
    starts = {"today": today, "week": bucket_start(today, "week"), "month": month_of(today)}
    sums = {key: [ZERO, ZERO] for key in starts}
    rows = VentureDay.objects.filter(
        venture=venture, day__range=(min(starts.values()), today)
    ).values_list("day", "sales", "expenses")
    for day, sales, expenses in rows:
        for key, start in starts.items():
            if day >= start:
                sums[key][0] += sales
                sums[key][1] += expenses
    return [PeriodTotals(key, starts[key], *sums[key]) for key in starts]


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date
    sales: Decimal
    expenses: Decimal
    entries: int

    @property
    def left(self) -> Decimal:
        return self.sales - self.expenses


def last_months(venture: Venture, *, today: dt.date, count: int = 12) -> list[MonthFigures]:
    """The ``count`` calendar months ending with this one, empty months included: one query."""
    months = [month_of(today)]
    for _i in range(count - 1):
        months.insert(0, month_of(months[0] - dt.timedelta(days=1)))
    stored = {
        m.month: m for m in VentureMonth.objects.filter(venture=venture, month__gte=months[0])
    }
    return [
        MonthFigures(m, stored[m].sales, stored[m].expenses, stored[m].entries)
        if m in stored
        else MonthFigures(m, ZERO, ZERO, 0)
        for m in months
    ]


def best_and_worst(months: list[MonthFigures]) -> tuple[MonthFigures | None, MonthFigures | None]:
    """The months with the most and the fewest sales among those with any entry."""
    active = [m for m in months if m.entries]
    if len(active) < 2:
        return None, None
    best = max(active, key=lambda m: (m.sales, m.month))
    worst = min(active, key=lambda m: (m.sales, -m.month.toordinal()))
    return best, worst


@dataclass
class CustomerCredit:
    """What one customer owes, and since when: repayments settle the oldest credit first."""

    name: str
    owed: Decimal
    since: dt.date
    days: int


def credit_customers(venture: Venture, *, today: dt.date) -> list[CustomerCredit]:
    """Customers who owe the venture, largest balance first: one query.

    A credit sale and its repayments name the customer in their note; names are matched
    ignoring case and spaces at the ends.
    """
    rows = (
        LedgerEntry.objects.filter(venture=venture, voided_at__isnull=True)
        .filter(Q(kind=Kind.REPAYMENT) | Q(payment_method=Method.CUSTOMER_CREDIT))
        .order_by("occurred_on", "received_at")
        .values_list("kind", "amount", "occurred_on", "note")
    )
    sales: dict[str, list[list[Any]]] = {}
    repaid: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for kind, amount, day, note in rows:
        key = customer_key(note)
        names.setdefault(key, note.strip())
        if kind == Kind.REPAYMENT:
            repaid[key] = repaid.get(key, ZERO) + amount
        else:
            sales.setdefault(key, []).append([day, amount])
    out = []
    for key, credit in sales.items():
        left = repaid.get(key, ZERO)
        for item in credit:  # oldest first
            settled = min(left, item[1])
            item[1] -= settled
            left -= settled
        open_items = [item for item in credit if item[1] > 0]
        if open_items:
            since = open_items[0][0]
            owed = sum((item[1] for item in open_items), ZERO)
            out.append(CustomerCredit(names[key], owed, since, (today - since).days))
    out.sort(key=lambda c: (-c.owed, c.since, c.name.lower()))
    return out


def customer_key(note: str) -> str:
    return " ".join(note.split()).casefold()
