"""The attacker's first search, kept as the reference the faster one is checked against.

One depth-first tree over every withheld figure of a report at once (halving intervals and
narrowing them with the published sums): exact, but it proves a group's "no solution" again
under every branch of every unrelated group, so the national reports took more than half an hour.
`test_attacker_search.py` asks it and `attacker.py` the same questions on random tables.
"""

from collections.abc import Hashable, Sequence

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
