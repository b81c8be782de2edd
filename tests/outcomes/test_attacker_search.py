"""The attacker's search that splits into independent groups answers exactly as the first one,
a single tree over every withheld figure (`attacker_reference.py`), on random published tables
withheld at random: safe ones and ones that give figures away alike."""

from collections.abc import Hashable

from hypothesis import event, given, settings
from hypothesis import strategies as st

from . import attacker, attacker_reference
from .test_disclosure import table_of

Published = tuple[dict[Hashable, int], dict[Hashable, str], list[attacker.Sum]]


@st.composite
def withheld_tables(draw: st.DrawFn) -> tuple[Published, int]:
    """One to three tables of counts with their margins, published side by side (a report's
    indicators), some figures withheld at random, marked as the legend says."""
    k = draw(st.integers(3, 5))
    shown: dict[Hashable, int] = {}
    marks: dict[Hashable, str] = {}
    sums: list[attacker.Sum] = []
    for n in range(draw(st.integers(1, 3))):
        n_cols = draw(st.integers(1, 3))
        rows = draw(
            st.lists(
                st.lists(st.integers(0, 12), min_size=n_cols, max_size=n_cols),
                min_size=1,
                max_size=3,
            )
        )
        table = table_of(rows)
        for key in table.figure_keys():
            value = table.value(*key)
            if value and draw(st.integers(0, 2)) == 0 and len(marks) < 7:
                marks[(n, key)] = "primary" if value < k else "complementary"
            else:
                shown[(n, key)] = value
        sums += [((n, whole), tuple((n, p) for p in parts)) for whole, parts in table.sums()]
    return (shown, marks, sums), k


@settings(max_examples=300, deadline=None)
@given(case=withheld_tables())
def test_the_split_search_finds_what_the_single_tree_finds(case: tuple[Published, int]) -> None:
    (shown, marks, sums), k = case
    found = attacker.audit(shown, marks, sums, k)
    event("a figure given away" if found else "nothing given away")
    assert found == attacker_reference.audit(shown, marks, sums, k)


def test_a_figure_given_away_is_found_by_both() -> None:
    """A row 3 + 6 = 9 next to an unrelated table: withholding only the 3 gives it away."""
    shown = {(0, "a"): 6, (0, "t"): 9, (1, "a"): 20, (1, "t"): 30}
    marks = {(0, "b"): "primary", (1, "b"): "complementary"}
    sums = [((0, "t"), ((0, "a"), (0, "b"))), ((1, "t"), ((1, "a"), (1, "b")))]
    found = attacker.audit(shown, marks, sums, 5)
    assert found == attacker_reference.audit(shown, marks, sums, 5)
    assert [key for key, _ in found] == [(0, "b"), (1, "b")]
