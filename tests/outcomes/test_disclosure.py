from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.outcomes.disclosure import (
    TOTAL,
    Table,
    recoverable_cells,
    suppress_money,
    suppress_share,
    suppress_table,
)


def table_of(rows: list[list[int]]) -> Table:
    cells = {(str(r), str(c)): v for r, row in enumerate(rows) for c, v in enumerate(row)}
    return Table(
        cells=cells,
        rows=[str(r) for r in range(len(rows))],
        cols=[str(c) for c in range(len(rows[0]))],
    )


def test_a_worked_example_by_hand() -> None:
    # women/men by population group; K = 5
    t = suppress_table(table_of([[12, 3], [20, 9]]), k=5)
    assert ("0", "1") in t.suppressed  # 3 is small: primary
    # row 0 total (15) is shown, so the next smallest cell in row 0, 12, is hidden too;
    # column 1 total (12) is shown, so 9 is hidden too; then row 1 and column 0 each have
    # two hidden cells already.
    assert t.suppressed == {("0", "1"), ("0", "0"), ("1", "1"), ("1", "0")}
    assert t.display(TOTAL, TOTAL) == 44
    assert recoverable_cells(t) == []


def test_small_totals_are_suppressed_too() -> None:
    t = suppress_table(table_of([[2, 1]]), k=5)
    assert t.display("0", TOTAL) is None
    assert t.display(TOTAL, TOTAL) is None


def test_zero_is_not_a_small_count() -> None:
    t = suppress_table(table_of([[0, 10], [0, 7]]), k=5)
    assert t.suppressed == set()


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 4).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(0, 30), min_size=n_cols, max_size=n_cols), min_size=1, max_size=4
        )
    ),
    k=st.integers(3, 8),
)
def test_no_small_count_is_shown_and_nothing_can_be_recovered(
    rows: list[list[int]], k: int
) -> None:
    t = suppress_table(table_of(rows), k=k)
    keys = [(r, c) for r in [*t.rows, TOTAL] for c in [*t.cols, TOTAL]]
    for key in keys:
        shown = t.display(*key)
        assert shown is None or not 0 < shown < k, (key, shown)
    assert recoverable_cells(t) == []


def test_money_needs_k_contributors_and_no_dominant_pair() -> None:
    assert suppress_money([Decimal(10)] * 4, k=5) is None
    assert suppress_money([Decimal(10)] * 5, k=5) == Decimal(50)
    assert (
        suppress_money([Decimal(500), Decimal(400), *[Decimal(10)] * 5], k=5) is None
    )  # 900/950 > 85%
    assert suppress_money([Decimal(50), Decimal(40), *[Decimal(10)] * 5], k=5) == Decimal(140)


def test_shares_follow_their_counts() -> None:
    assert suppress_share(None, 40) is None
    assert suppress_share(10, None) is None
    assert suppress_share(10, 40) == 0.25
