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


Box = dict[Hashable, tuple[int, int]]
Equation = tuple[tuple[tuple[Hashable, int], ...], int]


class Problem:
    """Whole values for the withheld figures that satisfy every published sum.

    The search splits as it goes: withheld figures that no sum ties together (directly or
    through other figures still open) are independent, so each group is searched on its own
    and the answer is that every group has a solution. Searching them together, as one tree,
    asks the same question but proves a group's "no solution" again under every branch of
    every other group, which grows as the product of their sizes (the national reports have
    seven indicators of about twenty withheld figures each)."""

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
        self.equations: list[Equation] = []
        for whole, parts in sums:
            terms = [(whole, -1), *((p, 1) for p in parts)]
            variables = [(key, s) for key, s in terms if key in marks]
            if variables:
                const = sum(s * shown[key] for key, s in terms if key not in marks)
                self.equations.append((tuple(variables), -const))  # sum(s * x) = -const
        self.of: dict[Hashable, list[Equation]] = {key: [] for key in self.hidden}
        for equation in self.equations:
            for key in {key for key, _ in equation[0]}:
                self.of[key].append(equation)
        self.groups = self._groups(self.hidden, self.equations)
        self.group_of = {key: i for i, group in enumerate(self.groups) for key in group}
        self._known: dict[Any, bool] = {}
        self._others_ok: dict[int, bool] = {}

    @staticmethod
    def _groups(keys: Sequence[Hashable], equations: Sequence[Equation]) -> list[list[Hashable]]:
        """`keys` split into groups that no equation ties together."""
        parent = {key: key for key in keys}

        def find(x: Hashable) -> Hashable:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for variables, _ in equations:
            members = [key for key, _ in variables if key in parent]
            for other in members[1:]:
                parent[find(other)] = find(members[0])
        out: dict[Hashable, list[Hashable]] = {}
        for key in keys:
            out.setdefault(find(key), []).append(key)
        return list(out.values())

    def start(self) -> Box:
        return {
            key: (1, self.k - 1) if self.marks[key] == "primary" else (self.k, self.cap)
            for key in self.hidden
        }

    def narrow(self, box: Box, equations: Sequence[Equation]) -> Box | None:
        box = dict(box)
        changed = True
        while changed:
            changed = False
            for variables, b in equations:
                # The lowest and highest the whole left side can be, then each term's share.
                total_lo = total_hi = 0
                for other, t in variables:
                    lo, hi = box[other]
                    total_lo += t * lo if t > 0 else t * hi
                    total_hi += t * hi if t > 0 else t * lo
                if total_lo > b or total_hi < b:
                    return None
                for key, s in variables:
                    lo, hi = box[key]
                    own_lo, own_hi = (s * lo, s * hi) if s > 0 else (s * hi, s * lo)
                    rest_lo, rest_hi = total_lo - own_lo, total_hi - own_hi
                    # s * x = b - rest
                    lo_x, hi_x = (b - rest_hi, b - rest_lo) if s > 0 else (rest_lo - b, rest_hi - b)
                    lo2, hi2 = max(lo, lo_x), min(hi, hi_x)
                    if lo2 > hi2:
                        return None
                    if (lo2, hi2) != (lo, hi):
                        box[key] = (lo2, hi2)
                        new_lo, new_hi = (s * lo2, s * hi2) if s > 0 else (s * hi2, s * lo2)
                        total_lo += new_lo - own_lo
                        total_hi += new_hi - own_hi
                        changed = True
        return box

    def _equations(self, keys: Sequence[Hashable]) -> list[Equation]:
        seen: dict[int, Equation] = {}
        for key in keys:
            for equation in self.of[key]:
                seen[id(equation)] = equation
        return list(seen.values())

    def feasible(self, box: Box, keys: Sequence[Hashable]) -> bool:
        """Whether whole values of `keys` within the box satisfy every sum that involves them,
        the other withheld figures held at their (single) values in the box (depth-first,
        halving, each independent group on its own)."""
        equations = self._equations(keys)
        # The answer depends on the box of every figure these sums hold (the settled ones too).
        involved = sorted(
            {key for variables, _ in equations for key, _ in variables} | set(keys), key=str
        )
        memo = tuple((key, box[key]) for key in involved)
        if memo in self._known:
            return self._known[memo]
        narrowed = self.narrow(box, equations)
        if narrowed is None:
            answer = False
        else:
            open_keys = [key for key in keys if narrowed[key][0] < narrowed[key][1]]
            if not open_keys:
                answer = all(
                    sum(s * narrowed[key][0] for key, s in variables) == b
                    for variables, b in equations
                )
            else:
                # Figures settled to one value are constants now; the open ones may fall apart
                # into groups that no sum ties any more.
                open_equations = [
                    eq
                    for eq in equations
                    if any(narrowed[key][0] < narrowed[key][1] for key, _ in eq[0])
                ]
                answer = all(
                    self._branch(narrowed, group)
                    for group in self._groups(open_keys, open_equations)
                )
        self._known[memo] = answer
        return answer

    def _branch(self, box: Box, keys: Sequence[Hashable]) -> bool:
        key = min(keys, key=lambda key: box[key][1] - box[key][0])
        lo, hi = box[key]
        mid = (lo + hi) // 2
        return self.feasible({**box, key: (lo, mid)}, keys) or self.feasible(
            {**box, key: (mid + 1, hi)}, keys
        )

    def can_be(self, key: Hashable, lo: int, hi: int) -> bool:
        box = self.start()
        a, b = box[key]
        box[key] = (max(a, lo), min(b, hi))
        mine = self.group_of[key]
        if not self._others_feasible(mine):
            return False
        return self.feasible(box, self.groups[mine])

    def _others_feasible(self, mine: int) -> bool:
        """Whether every other group has a solution within its starting box (the true figures
        are one, unless a figure exceeds the search's cap)."""
        if mine not in self._others_ok:
            box = self.start()
            self._others_ok[mine] = all(
                self.feasible(box, group) for i, group in enumerate(self.groups) if i != mine
            )
        return self._others_ok[mine]


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
    table's cells and totals, M2's classes and eligible count (tied to the headline), the same
    in real terms when the report has them (tied to the nominal ones), and
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
            real = details.get("real")
            if real is not None:
                # In real terms too: the same sums, and, when the report leaves no country out
                # (eligibility does not depend on prices), the same eligible and
                # insufficient-data counts as the nominal ones.
                for c, v in real["classes"].items():
                    put_detail((code, "real", c), v, f"real.classes.{c}")
                put_detail((code, "real", "eligible"), real["eligible"], "real.eligible")
                put_detail((code, "real", "total"), real["total"], "real.total")
                r_imp, r_main = (code, "real", "improved"), (code, "real", "maintained")
                r_dec = (code, "real", "declined")
                sums.append(((code, "real", "total"), (r_imp, r_main)))
                sums.append(((code, "real", "eligible"), (r_imp, r_main, r_dec)))
                if not details["terms"]["missing"]:
                    sums.append(((code, "eligible"), ((code, "real", "eligible"),)))
                    sums.append(
                        (
                            (code, "class", "insufficient_data"),
                            ((code, "real", "insufficient_data"),),
                        )
                    )
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
