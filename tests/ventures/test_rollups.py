import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.lib.errors import DomainError
from backend.ventures import services
from backend.ventures.models import LedgerEntry, Venture, VentureDay, VentureMonth
from tests.ventures.conftest import record

pytestmark = pytest.mark.django_db

DAY_FIELDS = ["entries", "sale_entries", *services.DAY_MONEY]
MONTH_FIELDS = ["entries", "active_days", "active_weeks", *services.MONTH_MONEY]


def stored(venture: Venture) -> tuple[dict[Any, Any], dict[Any, Any]]:
    days = {
        r.pop("day"): r
        for r in VentureDay.objects.filter(venture=venture).values("day", *DAY_FIELDS)
        if any(r[f] for f in DAY_FIELDS)  # a row emptied by voids equals a missing one
    }
    months = {
        r.pop("month"): r
        for r in VentureMonth.objects.filter(venture=venture).values("month", *MONTH_FIELDS)
        if any(r[f] for f in MONTH_FIELDS)
    }
    return days, months


def recomputed(venture: Venture) -> tuple[dict[Any, Any], dict[Any, Any]]:
    days, months = services.compute_rollups(LedgerEntry.objects.filter(venture=venture))
    return ({d: r for (_v, d), r in days.items()}, {m: r for (_v, m), r in months.items()})


ENTRY = st.tuples(
    st.sampled_from(["sale", "expense", "repayment"]),
    st.sampled_from(["cash", "bank_transfer", "card", "customer_credit", "other"]),
    # Dates over two months, so weeks straddle a month boundary (Mon 2025-06-30).
    st.integers(min_value=0, max_value=45),
    st.integers(min_value=1, max_value=5000),
)
STEP = st.one_of(
    st.tuples(st.just("add"), ENTRY),
    st.tuples(st.just("void"), st.integers(min_value=0, max_value=50)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=25))
def test_any_sequence_of_entries_and_voids_matches_a_recomputation(
    venture_a: Venture, steps: list[Any]
) -> None:
    with transaction.atomic():
        posted: list[str] = []
        for n, (op, arg) in enumerate(steps):
            try:
                if op == "add":
                    kind, method, offset, cents = arg
                    if method == "customer_credit" and kind != "sale":
                        method = "cash"
                    entry = record(
                        venture_a,
                        f"h{n}",
                        str(Decimal(cents) / 100),
                        kind=kind,
                        payment_method=method,
                        occurred_on=dt.date(2025, 6, 1) + dt.timedelta(days=offset),
                    )
                    posted.append(entry.sync_id)
                elif posted:
                    services.void_entry(
                        actor=venture_a.owner, entry_id=posted[arg % len(posted)], reason="x"
                    )
            except DomainError:
                pass  # refused input (repaying more than owed, voiding twice) changes nothing
            assert stored(venture_a) == recomputed(venture_a)
        transaction.set_rollback(True)


def test_weeks_split_at_month_ends_count_in_both_months(venture_a: Venture) -> None:
    record(venture_a, "a", occurred_on=dt.date(2025, 6, 30))  # Monday
    record(venture_a, "b", occurred_on=dt.date(2025, 7, 2))  # same ISO week, next month
    record(venture_a, "c", occurred_on=dt.date(2025, 7, 3))
    june = VentureMonth.objects.get(venture=venture_a, month=dt.date(2025, 6, 1))
    july = VentureMonth.objects.get(venture=venture_a, month=dt.date(2025, 7, 1))
    assert (june.active_days, june.active_weeks) == (1, 1)
    assert (july.active_days, july.active_weeks) == (2, 1)


def test_rebuild_reports_drift_and_repairs_it(venture_a: Venture) -> None:
    record(venture_a, "a", "20.00")
    record(venture_a, "b", "5.00", kind="expense")
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "nothing changed" in out.getvalue()
    VentureMonth.objects.filter(venture=venture_a).update(sales=Decimal("999.00"), active_days=7)
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "differed for 1 venture" in out.getvalue()
    month = VentureMonth.objects.get(venture=venture_a)
    assert (month.sales, month.expenses, month.active_days) == (
        Decimal("20.00"),
        Decimal("5.00"),
        1,
    )
    assert stored(venture_a) == recomputed(venture_a)
