"""Disclosure control: what a donor viewer may see of a table of counts and money.

Every figure that reaches a donor (API, dashboard, PDF, CSV, XLSX) passes through here.

- A count from 1 to K-1 is suppressed (primary suppression) and shown as "<K".
- Where a row or column total is shown and only one cell of that line is suppressed, the next
  smallest cell of the line is suppressed too (complementary suppression), so no suppressed
  cell can be recovered by subtracting the others from the total. This repeats until every
  line with a shown total has either no suppressed cell or at least two.
- A money total is suppressed when fewer than K ventures contribute to it, or when the two
  largest contributors make up more than 85% of it (dominance).
- A share or mean built on a suppressed count is suppressed with it.

Managers and admins get the same tables unsuppressed, marked as such.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

DOMINANCE_SHARE = Decimal("0.85")
TOTAL = "__total__"


def is_small(count: int, k: int) -> bool:
    return 0 < count < k


def shown(count: int | None, k: int) -> str:
    """How a possibly suppressed count is written for a donor: "<5" or the number."""
    return f"<{k}" if count is None else str(count)


@dataclass
class Table:
    """A table of counts keyed by (row, column), with optional row, column and grand totals.

    `suppressed` holds the keys withheld from donors; totals use the key TOTAL on their axis.
    """

    cells: dict[tuple[str, str], int]
    rows: list[str]
    cols: list[str]
    with_totals: bool = True
    suppressed: set[tuple[str, str]] = field(default_factory=set)

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
        return None if (row, col) in self.suppressed else self.value(row, col)

    def lines(self) -> list[list[tuple[str, str]]]:
        """Every row and column of the table, each with its total as the last key."""
        out: list[list[tuple[str, str]]] = []
        all_rows = [*self.rows, TOTAL] if self.with_totals else self.rows
        all_cols = [*self.cols, TOTAL] if self.with_totals else self.cols
        if not self.with_totals:
            return out
        for r in all_rows:
            out.append([(r, c) for c in all_cols])
        for c in all_cols:
            out.append([(r, c) for r in all_rows])
        return out


def suppress_table(table: Table, k: int) -> Table:
    """Applies primary and complementary suppression in place and returns the table."""
    all_rows = [*table.rows, TOTAL] if table.with_totals else list(table.rows)
    all_cols = [*table.cols, TOTAL] if table.with_totals else list(table.cols)
    for r in all_rows:
        for c in all_cols:
            if is_small(table.value(r, c), k):
                table.suppressed.add((r, c))
    changed = True
    while changed:
        changed = False
        for line in table.lines():
            hidden = [key for key in line if key in table.suppressed]
            if len(hidden) != 1:
                continue
            candidates = [key for key in line if key not in table.suppressed]
            # Prefer the smallest non-zero cell (hiding a known zero protects nothing), then a
            # zero, and hide the total itself only when the line has nothing else.
            inner = [key for key in candidates if TOTAL not in key]
            pool = sorted(
                inner, key=lambda key: (table.value(*key) == 0, table.value(*key), str(key))
            )
            target = pool[0] if pool else candidates[0] if candidates else None
            if target is not None:
                table.suppressed.add(target)
                changed = True
    return table


def recoverable_cells(table: Table) -> list[tuple[str, str]]:
    """Suppressed cells that a reader could work out from one line's shown total: none, if the
    suppression is sound. (Used by the tests, and cheap enough to assert in production.)"""
    found = []
    for line in table.lines():
        hidden = [key for key in line if key in table.suppressed]
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
