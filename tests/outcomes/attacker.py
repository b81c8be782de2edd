"""The attacker's audit: what a reader of a published report can work out about withheld counts.

Written apart from the product's own check (backend/outcomes/disclosure.py, linear
programming): here an integer search over every withheld figure, by branching on intervals
and narrowing them with the published sums, finds which whole values each withheld figure can
still take. It knows only what a donor holds: the shown figures, the marks ("<K" is 1 to K-1,
"x" is K or more, as the legend says) and the sums that bind them.
"""

from collections.abc import Hashable, Sequence
from typing import Any

Sum = tuple[Hashable, tuple[Hashable, ...]]


class Problem:
    def __init__(
        self,
        shown: dict[Hashable, int],
        marks: dict[Hashable, str],
        sums: Sequence[Sum],
        k: int,
        cap: int,
    ) -> None:
        self.k, self.cap = k, cap
        self.hidden = sorted(marks, key=str)
        self.marks = marks
        self.equations: list[tuple[list[tuple[Hashable, int]], int]] = []
        for whole, parts in sums:
            terms = [(whole, -1), *((p, 1) for p in parts)]
            variables = [(key, s) for key, s in terms if key in marks]
            if variables:
                const = sum(s * shown[key] for key, s in terms if key not in marks)
                self.equations.append((variables, -const))  # sum(s * x) = -const

    def start(self) -> dict[Hashable, tuple[int, int]]:
        return {
            key: (1, self.k - 1) if self.marks[key] == "primary" else (self.k, self.cap)
            for key in self.hidden
        }

    def narrow(
        self, box: dict[Hashable, tuple[int, int]]
    ) -> dict[Hashable, tuple[int, int]] | None:
        box = dict(box)
        changed = True
        while changed:
            changed = False
            for variables, b in self.equations:
                for key, s in variables:
                    rest_lo = rest_hi = 0
                    for other, t in variables:
                        if other == key:
                            continue
                        lo, hi = box[other]
                        rest_lo += t * lo if t > 0 else t * hi
                        rest_hi += t * hi if t > 0 else t * lo
                    # s * x = b - rest
                    lo_x, hi_x = (b - rest_hi, b - rest_lo) if s > 0 else (rest_lo - b, rest_hi - b)
                    lo, hi = box[key]
                    lo2, hi2 = max(lo, lo_x), min(hi, hi_x)
                    if lo2 > hi2:
                        return None
                    if (lo2, hi2) != (lo, hi):
                        box[key] = (lo2, hi2)
                        changed = True
        return box

    def feasible(self, box: dict[Hashable, tuple[int, int]]) -> bool:
        """Whether some whole values within the box satisfy every sum (depth-first, halving)."""
        narrowed = self.narrow(box)
        if narrowed is None:
            return False
        open_keys = [key for key in self.hidden if narrowed[key][0] < narrowed[key][1]]
        if not open_keys:
            return all(
                sum(s * narrowed[key][0] for key, s in variables) == b
                for variables, b in self.equations
            )
        key = min(open_keys, key=lambda key: narrowed[key][1] - narrowed[key][0])
        lo, hi = narrowed[key]
        mid = (lo + hi) // 2
        return self.feasible({**narrowed, key: (lo, mid)}) or self.feasible(
            {**narrowed, key: (mid + 1, hi)}
        )

    def can_be(self, key: Hashable, lo: int, hi: int) -> bool:
        box = self.start()
        a, b = box[key]
        return self.feasible({**box, key: (max(a, lo), min(b, hi))})


def audit(
    shown: dict[Hashable, int], marks: dict[Hashable, str], sums: Sequence[Sum], k: int
) -> list[tuple[Hashable, str]]:
    """Withheld figures narrowed below what their mark says, with why; [] when none is."""
    cap = 4 * (sum(shown.values()) + k * (len(marks) + 1))
    problem = Problem(shown, marks, sums, k, cap)
    found = []
    for key in problem.hidden:
        if _layout_only(key, shown, marks, sums):
            continue
        if marks[key] == "primary":
            missing = [v for v in range(1, k) if not problem.can_be(key, v, v)]
            if missing:
                found.append((key, f"cannot be {missing}"))
        else:
            lowest = _lowest(problem, key, k, cap)
            if lowest is None:
                found.append((key, "no value at all"))
            elif not problem.can_be(key, lowest + k - 1, cap):
                found.append((key, f"narrowed to fewer than {k} values from {lowest}"))
    return found


def _lowest(problem: Problem, key: Hashable, k: int, cap: int) -> int | None:
    """The smallest value an "x" figure can take (halving: "some value in [K, v]" only grows
    with v)."""
    if not problem.can_be(key, k, cap):
        return None
    lo, hi = k, cap
    while lo < hi:
        mid = (lo + hi) // 2
        if problem.can_be(key, k, mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def published(data: dict[str, Any]) -> tuple[dict[Any, int], dict[Any, str], list[Sum]]:
    """Everything a donor holds of a report, as figures, marks and sums between them: each
    table's cells and totals, M2's classes and eligible count (tied to the headline), and
    the per-currency venture counts of M4 and M6 (each venture has one currency, so they add
    up to the headline)."""
    shown: dict[Any, int] = {}
    marks: dict[Any, str] = {}
    sums: list[Sum] = []
    k = data["k"]
    sign = {f"<{k}": "primary", "x": "complementary"}

    def put(key: Any, value: int | None, display: str) -> None:
        if value is None:
            marks[key] = sign[display]
        else:
            shown[key] = value

    for ind in data["indicators"]:
        code, table = ind["code"], ind["table"]
        rows, cols = table["rows"], table["cols"]
        for cell in table["cells"]:
            put((code, cell["row"], cell["col"]), cell["value"], cell["display"])
        total = "__total__"
        if total in rows:
            inner_rows = [r for r in rows if r != total]
            inner_cols = [c for c in cols if c != total]
            for c in cols:
                sums.append(((code, total, c), tuple((code, r, c) for r in inner_rows)))
            if total in cols:
                for r in rows:
                    sums.append(((code, r, total), tuple((code, r, c) for c in inner_cols)))
            headline = (code, total, cols[-1])
        else:
            headline = (code, rows[0], cols[0])
        details = ind["details"]
        detail_marks = details.get("marks", {})

        def put_detail(
            key: Any, value: int | None, path: str, detail_marks: dict[str, str] = detail_marks
        ) -> None:
            if value is None:
                marks[key] = detail_marks[path]
            else:
                shown[key] = value

        if code == "M2":
            for c, v in details["classes"].items():
                put_detail((code, "class", c), v, f"classes.{c}")
            put_detail((code, "eligible"), details["eligible"], "eligible")
            improved, maintained = (code, "class", "improved"), (code, "class", "maintained")
            sums.append((headline, (improved, maintained)))
            sums.append(((code, "eligible"), (improved, maintained, (code, "class", "declined"))))
        if code in ("M4", "M6"):
            name = "ventures" if code == "M4" else "funded_ventures"
            parts = []
            for cur, x in details["by_currency"].items():
                put_detail((code, "cur", cur), x[name], f"by_currency.{cur}")
                parts.append((code, "cur", cur))
            if parts:
                sums.append((headline, tuple(parts)))
    return shown, marks, sums


def _layout_only(
    key: Hashable, shown: dict[Hashable, int], marks: dict[Hashable, str], sums: Sequence[Sum]
) -> bool:
    """Whether no published number other than zero bears on a withheld figure (all it is tied
    to is withheld): what narrows it then is the layout and the legend, not the figures."""
    seen, todo = {key}, [key]
    while todo:
        current = todo.pop()
        for whole, parts in sums:
            members = (whole, *parts)
            if current in members:
                for other in members:
                    if other in shown and shown[other] != 0:
                        return False
                    if other in marks and other not in seen:
                        seen.add(other)
                        todo.append(other)
    return True
