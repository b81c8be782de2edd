"""Disclosure control: what a donor viewer may see of a table of counts and money.

Every figure that reaches a donor (API, dashboard, PDF, CSV, XLSX) passes through here.

- A count from 1 to K-1 is withheld (primary suppression) and shown as "<K".
- Further figures are withheld (complementary suppression, shown as "x") until an adversary
  who knows every figure published together (cells, row and column totals, and the sums that
  link one table to another of the same report) cannot narrow a withheld figure down: solving
  the published sums as equations, with every "<K" figure between 1 and K-1 and every "x"
  figure at least K (neither mark is ever put on a zero), each "<K" figure can still take
  every value from 1 to K-1 and each "x" figure at least K values. The check is exact linear
  programming (lp.py); the sums here have coefficients 0 and 1 over tables with margins,
  whose bounds are whole numbers, so the integer answer is the same.
- A money total is suppressed when fewer than K ventures contribute to it, or when the two
  largest contributors make up more than 85% of it (dominance).
- A share or mean built on a suppressed count is suppressed with it.

Managers and admins get the same tables unsuppressed, marked as such.
"""

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import inf
from typing import Any

from .lp import minimise

DOMINANCE_SHARE = Decimal("0.85")
TOTAL = "__total__"
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
COMPLEMENTARY_SIGN = "x"

# A published sum: the whole, and its parts.
Sum = tuple[Hashable, tuple[Hashable, ...]]


def is_small(count: int, k: int) -> bool:
    return 0 < count < k


def shown(count: int | None, k: int, mark: str | None = PRIMARY) -> str:
    """How a possibly suppressed count is written for a donor: "<5", "x" or the number."""
    if count is not None:
        return str(count)
    return COMPLEMENTARY_SIGN if mark == COMPLEMENTARY else f"<{k}"


def _bounds(mark: str, k: int) -> tuple[int, int | None]:
    """What a reader knows of a withheld figure from its mark alone."""
    return (1, k - 1) if mark == PRIMARY else (k, None)


def hidden_ranges(
    values: dict[Hashable, int], sums: Sequence[Sum], marks: dict[Hashable, str], k: int
) -> dict[Hashable, tuple[Fraction, Fraction | None]]:
    """For every withheld figure, the smallest and largest value (None: no upper limit) it can
    take given every shown figure, every published sum and what each mark says."""
    out: dict[Hashable, tuple[Fraction, Fraction | None]] = {}
    for component in _components(sums, marks):
        for key, low, high in _component_ranges(component, values, sums, marks, k):
            out[key] = (low, high)
    return out


def _components(sums: Sequence[Sum], marks: dict[Hashable, str]) -> list[list[Hashable]]:
    """Withheld figures grouped by the published sums that tie them together."""
    parent: dict[Hashable, Hashable] = {key: key for key in marks}

    def find(x: Hashable) -> Hashable:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for whole, parts in sums:
        hidden = [key for key in (whole, *parts) if key in marks]
        for other in hidden[1:]:
            parent[find(other)] = find(hidden[0])
    groups: dict[Hashable, list[Hashable]] = {}
    for key in marks:
        groups.setdefault(find(key), []).append(key)
    return list(groups.values())


def _component_ranges(
    keys: list[Hashable],
    values: dict[Hashable, int],
    sums: Sequence[Sum],
    marks: dict[Hashable, str],
    k: int,
) -> Iterator[tuple[Hashable, Fraction, Fraction | None]]:
    """Each withheld figure of one component with its range, one at a time (the audit stops
    at the first that is too narrow)."""
    index = {key: i for i, key in enumerate(keys)}
    n = len(keys)
    lower = [Fraction(_bounds(marks[key], k)[0]) for key in keys]
    uppers = [_bounds(marks[key], k)[1] for key in keys]
    capped = [i for i, hi in enumerate(uppers) if hi is not None]
    width = n + len(capped)  # y = x - lower, and a slack for every capped figure
    rows: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    for whole, parts in sums:
        terms = [(whole, -1), *((p, 1) for p in parts)]
        if not any(key in index for key, _ in terms):
            continue
        row = [Fraction(0)] * width
        b = Fraction(0)
        for key, sign in terms:
            if key in index:
                row[index[key]] += sign
                b -= sign * lower[index[key]]
            else:
                b -= sign * values[key]
        rows.append(row)
        rhs.append(b)
    for slot, i in enumerate(capped):
        row = [Fraction(0)] * width
        row[i] = Fraction(1)
        row[n + slot] = Fraction(1)
        rows.append(row)
        hi = uppers[i]
        assert hi is not None
        rhs.append(hi - lower[i])
    # Primary figures first: they are the ones most often narrowed.
    for key in sorted(index, key=lambda key: marks[key] != PRIMARY):
        i = index[key]
        cost = [Fraction(0)] * width
        cost[i] = Fraction(1)
        low = minimise(rows, rhs, cost)
        cost[i] = Fraction(-1)
        high = minimise(rows, rhs, cost)
        assert low is not None
        yield key, lower[i] + low, None if high is None else lower[i] - high


def too_narrow(mark: str, low: Fraction, high: Fraction | None, k: int) -> bool:
    """A "<K" figure must still be able to take every value from 1 to K-1; an "x" figure at
    least K values (so it is never pinned, nor known to within a "<K" range)."""
    if mark == PRIMARY:
        return low > 1 or (high is not None and high < k - 1)
    return high is not None and high - low + 1 < k


def _propagated(
    values: dict[Hashable, int], sums: Sequence[Sum], marks: dict[Hashable, str], k: int
) -> list[Hashable]:
    """Withheld figures that interval reasoning alone already narrows too far: a quick, sound
    (never a false alarm) but incomplete check, run before the exact one."""
    low: dict[Hashable, Any] = {}
    high: dict[Hashable, Any] = {}
    for key, mark in marks.items():
        lo, hi = _bounds(mark, k)
        low[key], high[key] = Fraction(lo), inf if hi is None else Fraction(hi)
    equations = []
    for whole, parts in sums:
        terms = [(whole, -1), *((p, 1) for p in parts)]
        hidden = [(key, sign) for key, sign in terms if key in marks]
        if hidden:
            constant = -sum(sign * values[key] for key, sign in terms if key not in marks)
            equations.append((hidden, Fraction(constant)))

    def span(key: Hashable, sign: int) -> tuple[Any, Any]:
        return (low[key], high[key]) if sign > 0 else (-high[key], -low[key])

    for _ in range(50):
        changed = False
        for hidden, b in equations:
            for key, sign in hidden:
                # sign * x = b - (the others' terms), each term within its span.
                rest_lo = sum((span(o, s)[0] for o, s in hidden if o != key), Fraction(0))
                rest_hi = sum((span(o, s)[1] for o, s in hidden if o != key), Fraction(0))
                new_lo, new_hi = b - rest_hi, b - rest_lo
                if sign < 0:
                    new_lo, new_hi = -new_hi, -new_lo
                if new_lo > low[key]:
                    low[key], changed = new_lo, True
                if new_hi < high[key]:
                    high[key], changed = new_hi, True
        if not changed:
            break
    return [
        key
        for key in marks
        if too_narrow(marks[key], low[key], None if high[key] == inf else high[key], k)
    ]


def structural(
    key: Hashable, values: dict[Hashable, int], sums: Sequence[Sum], marks: dict[Hashable, str]
) -> bool:
    """Whether no published number bears on a withheld figure: every sum it is tied to
    (through other withheld figures) holds only withheld figures and zeros. Then only the
    table's layout and the marks narrow it (two "<5" cells under a "<5" total are at most 3
    each), which no further withholding can change; such figures are not counted exposed."""
    seen, todo = {key}, [key]
    while todo:
        current = todo.pop()
        for whole, parts in sums:
            members = (whole, *parts)
            if current not in members:
                continue
            for other in members:
                if other not in marks:
                    if values[other] != 0:
                        return False
                elif other not in seen:
                    seen.add(other)
                    todo.append(other)
    return True


def exposed(
    values: dict[Hashable, int], sums: Sequence[Sum], marks: dict[Hashable, str], k: int
) -> list[Hashable]:
    """Withheld figures that the published figures narrow below what their mark says."""
    quick = [key for key in _propagated(values, sums, marks, k)]
    quick = [key for key in quick if not structural(key, values, sums, marks)]
    if quick:
        return quick
    for component in _components(sums, marks):
        for key, low, high in _component_ranges(component, values, sums, marks, k):
            if too_narrow(marks[key], low, high, k) and not structural(key, values, sums, marks):
                return [key]
    return []


def protect(
    values: dict[Hashable, int],
    sums: Sequence[Sum],
    k: int,
    totals: Iterable[Hashable] = (),
    forced: Iterable[Hashable] = (),
) -> dict[Hashable, str]:
    """Primary and complementary suppression over figures published together.

    Every count from 1 to K-1 is withheld; then, while the exact audit finds a withheld figure
    that the rest narrows down, one more figure is withheld: the smallest shown figure of at
    least K that shares a published sum with it, a cell before a total (totals are what a
    donor reads first), a figure sharing a sum before one further away. Ends when nothing is
    exposed; in the worst case everything of that part of the report is withheld."""
    marks: dict[Hashable, str] = {key: PRIMARY for key, v in values.items() if is_small(v, k)}
    # Figures withheld from the start for a reason outside this report (a small difference
    # from a figure the same reader already holds): each is K or more, so marked "x".
    for key in forced:
        if key not in marks and values[key] >= k:
            marks[key] = COMPLEMENTARY
    total_keys = set(totals)
    while True:
        weak = exposed(values, sums, marks, k)
        if not weak:
            return marks
        target = _next_to_hide(weak[0], values, sums, marks, k, total_keys)
        if target is None:
            return marks  # nothing left to withhold near it
        marks[target] = COMPLEMENTARY


def _next_to_hide(
    weak: Hashable,
    values: dict[Hashable, int],
    sums: Sequence[Sum],
    marks: dict[Hashable, str],
    k: int,
    totals: set[Hashable],
) -> Hashable | None:
    def pick(keys: Iterable[Hashable]) -> Hashable | None:
        candidates = [key for key in set(keys) if key not in marks and values[key] >= k]
        if not candidates:
            return None
        return min(candidates, key=lambda key: (key in totals, values[key], str(key)))

    # Figures that share a sum with the exposed one, then with any figure withheld with it.
    near = [key for whole, parts in sums if weak in (whole, *parts) for key in (whole, *parts)]
    found = pick(near)
    if found is not None:
        return found
    group = {weak}
    changed = True
    while changed:
        changed = False
        for whole, parts in sums:
            members = (whole, *parts)
            if any(key in group for key in members):
                for key in members:
                    if key in marks and key not in group:
                        group.add(key)
                        changed = True
    wider = [key for whole, parts in sums if group & {whole, *parts} for key in (whole, *parts)]
    return pick(wider)


@dataclass
class Table:
    """A table of counts keyed by (row, column), with optional row, column and grand totals.

    One column named `single` (a one-way breakdown) has no row totals: its only total is the
    column's. `marks` holds the keys withheld from donors ("primary" or "complementary");
    totals use the key TOTAL on their axis.
    """

    cells: dict[tuple[str, str], int]
    rows: list[str]
    cols: list[str]
    with_totals: bool = True
    marks: dict[tuple[str, str], str] = field(default_factory=dict)
    single: str | None = None

    @property
    def suppressed(self) -> set[tuple[str, str]]:
        return set(self.marks)

    @property
    def row_totals(self) -> bool:
        return self.with_totals and not (self.single is not None and self.cols == [self.single])

    def value(self, row: str, col: str) -> int:
        if row == TOTAL and col == TOTAL:
            return sum(self.cells.values())
        if row == TOTAL:
            return sum(self.cells.get((r, col), 0) for r in self.rows)
        if col == TOTAL:
            return sum(self.cells.get((row, c), 0) for c in self.cols)
        return self.cells.get((row, col), 0)

    def display(self, row: str, col: str) -> int | None:
        """The value a donor sees: None where suppressed."""
        return None if (row, col) in self.marks else self.value(row, col)

    def mark(self, row: str, col: str) -> str | None:
        return self.marks.get((row, col))

    def figure_keys(self) -> list[tuple[str, str]]:
        """Every figure the table publishes."""
        rows = [*self.rows, TOTAL] if self.with_totals else list(self.rows)
        cols = [*self.cols, TOTAL] if self.row_totals else list(self.cols)
        return [(r, c) for r in rows for c in cols]

    def sums(self) -> list[Sum]:
        """Every published total as a sum of the figures it adds up."""
        if not self.with_totals:
            return []
        out: list[Sum] = []
        cols = [*self.cols, TOTAL] if self.row_totals else list(self.cols)
        for c in cols:
            out.append(((TOTAL, c), tuple((r, c) for r in self.rows)))
        if self.row_totals:
            for r in [*self.rows, TOTAL]:
                out.append(((r, TOTAL), tuple((r, c) for c in self.cols)))
        return out

    def lines(self) -> list[list[Hashable]]:
        """Every published sum as a line of keys, its total last."""
        return [[*parts, whole] for whole, parts in self.sums()]


def suppress_table(table: Table, k: int) -> Table:
    """Applies primary and complementary suppression in place and returns the table."""
    values: dict[Hashable, int] = {key: table.value(*key) for key in table.figure_keys()}
    totals = {key for key in table.figure_keys() if TOTAL in key}
    marks = protect(values, table.sums(), k, totals)
    table.marks = {key: marks[key] for key in table.figure_keys() if key in marks}
    return table


def recoverable_cells(table: Table) -> list[Hashable]:
    """Suppressed cells that a reader could work out from one line's shown total: none, if the
    suppression is sound. (A weaker check than `exposed`, kept for the tests.)"""
    found: list[Hashable] = []
    for line in table.lines():
        hidden = [key for key in line if key in table.marks]
        if len(hidden) == 1:
            found.append(hidden[0])
    return found


def suppress_money(contributions: Sequence[Decimal], k: int) -> Decimal | None:
    """The total of per-venture amounts, or None when it would expose a venture."""
    positive = sorted((abs(c) for c in contributions if c), reverse=True)
    total = sum(contributions, Decimal(0))
    if len(positive) < k:
        return None
    gross = sum(positive, Decimal(0))
    if gross and (positive[0] + positive[1]) > DOMINANCE_SHARE * gross:
        return None
    return total


def suppress_share(numerator: int | None, denominator: int | None) -> float | None:
    """A share is shown only when both of its counts are."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def suppress_counts(counts: Iterable[int], k: int) -> list[int | None]:
    """A plain list of counts with no totals shown: primary suppression only."""
    return [None if is_small(n, k) else n for n in counts]
