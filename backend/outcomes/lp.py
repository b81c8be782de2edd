"""A small exact linear-programming solver (two-phase simplex over fractions).

Disclosure control asks, for every withheld figure, how far an adversary who knows every
published figure of a report can narrow it down: the smallest and largest values it can take
while every published sum still holds. The systems are small (tens of variables), so a dense
tableau in exact fractions is quick enough, and never wrong by a rounding error. Bland's rule
keeps the simplex from cycling.
"""

from collections.abc import Sequence
from fractions import Fraction

Row = list[Fraction | int]


def _pivot(tableau: list[Row], basis: list[int], r: int, c: int) -> None:
    pivot_row = tableau[r]
    p = pivot_row[c]
    if p == -1:
        tableau[r] = pivot_row = [-v for v in pivot_row]
    elif p != 1:
        tableau[r] = pivot_row = [_exact(Fraction(v) / p) for v in pivot_row]
    for i, row in enumerate(tableau):
        if i != r and row[c] != 0:
            f = row[c]
            tableau[i] = [a - f * b if b else a for a, b in zip(row, pivot_row, strict=True)]
    if r < len(basis):
        basis[r] = c


def _exact(v: Fraction | int) -> Fraction | int:
    """Whole numbers as ints: sums of 0/1 coefficients mostly pivot on 1 or -1, so the tableau
    stays in integers, which Python adds far faster than fractions."""
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def _run(tableau: list[Row], basis: list[int], allowed: range) -> bool:
    """Pivots on the last row (the reduced costs) until optimal (True) or unbounded (False)."""
    m = len(basis)
    while True:
        obj = tableau[-1]
        entering = next((j for j in allowed if obj[j] < 0), None)
        if entering is None:
            return True
        best: tuple[Fraction | int, int, int] | None = None
        for i in range(m):
            a = tableau[i][entering]
            if a > 0:
                candidate = (Fraction(tableau[i][-1], 1) / a, basis[i], i)
                if best is None or candidate < best:
                    best = candidate
        if best is None:
            return False
        _pivot(tableau, basis, best[2], entering)


def minimise(
    rows: Sequence[Sequence[Fraction | int]],
    rhs: Sequence[Fraction | int],
    cost: Sequence[Fraction | int],
) -> Fraction | None:
    """The minimum of cost·x subject to rows·x = rhs and x >= 0; None when unbounded below.

    Raises ValueError when the system has no solution (a published table always has one:
    the true figures)."""
    n, m = len(cost), len(rows)
    matrix = [[_exact(v) for v in row] for row in rows]
    bounds = [_exact(v) for v in rhs]
    costs = [_exact(v) for v in cost]
    tableau: list[Row] = []
    for i, (row, b) in enumerate(zip(matrix, bounds, strict=True)):
        sign = -1 if b < 0 else 1
        artificial: Row = [0] * m
        artificial[i] = 1
        tableau.append([sign * v for v in row] + artificial + [sign * b])
    basis = [n + i for i in range(m)]
    # Phase 1: minimise the sum of the artificial variables.
    phase1: Row = [-sum(t[j] for t in tableau) for j in range(n)]
    tableau.append([*phase1, *([0] * m), -sum(t[-1] for t in tableau)])
    _run(tableau, basis, range(n))
    if tableau[-1][-1] != 0:
        raise ValueError("infeasible system")
    # Drive artificial variables out of the basis; drop rows that are redundant.
    i = 0
    while i < len(basis):
        if basis[i] >= n:
            col = next((j for j in range(n) if tableau[i][j] != 0), None)
            if col is None:
                del tableau[i]
                del basis[i]
                continue
            _pivot(tableau, basis, i, col)
        i += 1
    # Phase 2: the real objective, reduced against the basis.
    obj: Row = [*costs, *([0] * m), 0]
    for r, column in enumerate(basis):
        if obj[column] != 0:
            f = obj[column]
            obj = [a - f * v for a, v in zip(obj, tableau[r], strict=True)]
    tableau[-1] = obj
    if not _run(tableau, basis, range(n)):
        return None
    return Fraction(-tableau[-1][-1])
