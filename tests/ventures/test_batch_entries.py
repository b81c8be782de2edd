"""Posting many entries at once: the same rules as one at a time, with work per batch."""

import contextlib
import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.lib.errors import Conflict
from backend.ventures import services
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World
from tests.ventures.test_rollups import recomputed, stored

JUNE = dt.date(2025, 6, 2)


def item(
    venture: Venture, entry_id: str, amount: str = "10.00", **kw: object
) -> tuple[Venture, services.EntryInput]:
    return venture, services.EntryInput(
        id=entry_id,
        kind=str(kw.pop("kind", "sale")),
        amount=amount,
        occurred_on=kw.pop("occurred_on", JUNE),  # type: ignore[arg-type]
        payment_method=str(kw.pop("payment_method", "cash")),
        **kw,  # type: ignore[arg-type]
    )


def test_items_are_judged_in_order_and_fail_alone(world: World, venture_a: Venture) -> None:
    outcomes = services.record_entries(
        actor=world.participant_a,
        items=[
            item(venture_a, "credit", "40.00", payment_method="customer_credit"),
            item(venture_a, "repay", "25.00", kind="repayment"),  # uses the credit just sold
            item(venture_a, "too-much", "20.00", kind="repayment"),  # only 15.00 is owed now
            item(venture_a, "future", occurred_on=JUNE.replace(year=2099)),
            item(venture_a, "twice", "5.00"),
            item(venture_a, "twice", "5.00"),  # a retry inside the batch: the same entry
            item(venture_a, "twice", "6.00"),  # the same id with other content
        ],
    )
    errors = [o.error.code if o.error else None for o in outcomes]
    assert errors == [None, None, "invalid", "invalid", None, None, "id_conflict"]
    assert "15.00" in str(outcomes[2].error.message)  # type: ignore[union-attr]
    assert [o.created for o in outcomes] == [True, True, False, False, True, False, False]
    assert outcomes[5].entry is outcomes[4].entry
    assert sorted(LedgerEntry.objects.values_list("sync_id", flat=True)) == [
        "credit",
        "repay",
        "twice",
    ]
    assert services.outstanding_credit(venture_a) == Decimal("15.00")
    assert stored(venture_a) == recomputed(venture_a)


def test_a_retried_batch_writes_nothing_new(world: World, venture_a: Venture) -> None:
    batch = [item(venture_a, f"e{i}") for i in range(5)]
    first = services.record_entries(actor=world.participant_a, items=batch)
    again = services.record_entries(actor=world.participant_a, items=batch)
    assert all(o.created for o in first)
    assert not any(o.created for o in again)
    assert [o.entry.sync_id for o in again] == [f"e{i}" for i in range(5)]  # type: ignore[union-attr]
    assert stored(venture_a)[0][JUNE]["entries"] == 5


def test_one_change_number_for_the_batch(world: World, venture_a: Venture) -> None:
    services.record_entries(
        actor=world.participant_a, items=[item(venture_a, f"e{i}") for i in range(3)]
    )
    seqs = set(LedgerEntry.objects.values_list("changed_seq", flat=True))
    assert len(seqs) == 1
    assert None not in seqs


def test_queries_do_not_grow_with_entries_days_or_months(world: World, venture_a: Venture) -> None:
    def queries(prefix: str, days: int) -> int:
        batch = [
            item(venture_a, f"{prefix}{i}", occurred_on=JUNE - dt.timedelta(days=i % days))
            for i in range(120)
        ]
        with CaptureQueriesContext(connection) as captured:
            outcomes = services.record_entries(actor=world.participant_a, items=batch)
        assert all(o.created for o in outcomes)
        return len(captured)

    assert queries("a", 1) == queries("b", 60)  # one day, or sixty over three months
    assert stored(venture_a) == recomputed(venture_a)


ENTRY = st.tuples(
    st.sampled_from(["sale", "expense", "repayment"]),
    st.sampled_from(["cash", "card", "customer_credit"]),
    st.integers(min_value=0, max_value=45),  # two months; weeks straddle 2025-06-30
    st.integers(min_value=1, max_value=5000),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(st.lists(ENTRY, max_size=12), max_size=4), voids=st.sets(st.integers(0, 40))
)
def test_batches_and_voids_keep_rollups_equal_to_the_ledger(
    world: World,
    venture_a: Venture,
    batches: list[list[tuple[str, str, int, int]]],
    voids: set[int],
) -> None:
    # Examples share the test's database: each one uses ids of its own.
    n = 0
    prefix = f"h{LedgerEntry.objects.count()}-"
    for batch in batches:
        items = []
        for kind, method, day, cents in batch:
            if kind != "sale" and method == "customer_credit":
                method = "cash"
            items.append(
                item(
                    venture_a,
                    f"{prefix}{n}",
                    str(Decimal(cents) / 100),
                    kind=kind,
                    payment_method=method,
                    occurred_on=dt.date(2025, 6, 1) + dt.timedelta(days=day),
                )
            )
            n += 1
        services.record_entries(actor=world.participant_a, items=items)
    for i in sorted(voids):
        entry = LedgerEntry.objects.filter(sync_id=f"{prefix}{i}", voided_at__isnull=True).first()
        if entry is not None:
            with contextlib.suppress(Conflict):  # a credit sale already repaid stays
                services.void_entry(
                    actor=world.participant_a, entry_id=entry.sync_id, reason="typo"
                )
    assert stored(venture_a) == recomputed(venture_a)


def test_voids_are_judged_in_order_and_fail_alone(world: World, venture_a: Venture) -> None:
    services.record_entries(
        actor=world.participant_a,
        items=[
            item(venture_a, "credit", "40.00", payment_method="customer_credit"),
            item(venture_a, "repay", "25.00", kind="repayment"),
            item(venture_a, "cash"),
        ],
    )
    other = services.create_venture(
        owner=world.participant_b,
        programme_id=world.programme_a.pk,
        name="Otra",
        sector="G",
        started_on=dt.date(2025, 1, 1),
    )
    services.record_entry(venture=other, actor=world.participant_b, data=item(other, "theirs")[1])
    outcomes = services.void_entries(
        actor=world.participant_a,
        entry_ids=["credit", "repay", "credit", "cash", "cash", "nope", "theirs"],
        reason="typo",
    )
    errors = [o.error.code if o.error else None for o in outcomes]
    # The credit was partly repaid: refused until its repayment (next in line) is voided.
    assert errors == [
        "credit_repaid",
        None,
        None,
        None,
        "already_voided",
        "not_found",
        "not_found",
    ]
    live = LedgerEntry.objects.filter(voided_at__isnull=True)
    assert sorted(live.values_list("sync_id", flat=True)) == ["theirs"]
    assert len(set(LedgerEntry.objects.exclude(sync_id="theirs").values_list("changed_seq"))) == 1
    assert stored(venture_a) == recomputed(venture_a)
