"""The rule on differences with a donor's earlier reports, on the dashboard's shapes: three-month
blocks with no day in common do not withhold each other; the twelve months by sex and a block
inside them are compared by their headline figure."""

import dataclasses
import datetime as dt
from typing import Any

from backend.outcomes import report
from tests.conftest import World

from .attacker import audit, published
from .conftest import JAN, calendar, person, sales, venture_of

APR, MAY = dt.date(2026, 4, 1), dt.date(2026, 5, 1)


def _reach(data: dict[str, Any]) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["code"] == "REACH")["table"]


def _period(world: World, start: dt.date, end: dt.date, breakdown: tuple[str, ...] = ()) -> Any:
    return dataclasses.replace(
        calendar(world), period_start=start, period_end=end, breakdown=breakdown
    )


def test_blocks_with_no_day_in_common_do_not_withhold_each_other(world: World) -> None:
    # 8 women kept books in January, 10 others in April: 8 and 10 reached, 2 apart.
    for month, n in ((JAN, 8), (APR, 10)):
        for _ in range(n):
            sales(venture_of(person(world, "female"), world), month, ["10"])
    first = report.build(
        _period(world, dt.date(2026, 1, 1), dt.date(2026, 3, 31)), suppress=True, k=5
    )
    second = report.build(
        _period(world, APR, dt.date(2026, 6, 30)), suppress=True, k=5, earlier=[first]
    )
    assert _reach(first)["total"] == 8
    # 10 - 8 = 2 is the size of no group of people: the April ones are other people, and
    # some January people could have been active in April too.
    assert _reach(second)["total"] == 10
    for data in (first, second):
        assert audit(*published(data), k=5) == []


def test_a_block_inside_the_twelve_months_is_compared_by_its_headline(world: World) -> None:
    # 8 women in January, 2 more in May: January to June by sex reaches 10, January to March 8.
    for month, n in ((JAN, 8), (MAY, 2)):
        for _ in range(n):
            sales(venture_of(person(world, "female"), world), month, ["10"])
    year = report.build(_period(world, JAN, dt.date(2026, 6, 30), ("sex",)), suppress=True, k=5)
    assert _reach(year)["total"] == 10
    block = report.build(
        _period(world, JAN, dt.date(2026, 3, 31)), suppress=True, k=5, earlier=[year]
    )
    # Shown, 8 would say that exactly 2 people were reached in April to June and not before.
    assert _reach(block)["total"] is None
    assert _reach(block)["total_display"] == "x"
    unsuppressed = report.build(_period(world, JAN, dt.date(2026, 3, 31)), suppress=False, k=5)
    assert _reach(unsuppressed)["total"] == 8
