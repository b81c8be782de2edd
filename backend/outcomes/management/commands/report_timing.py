"""Times the full donor report on the current database (for the figures in docs/metrics.md)."""

import datetime as dt
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from backend.outcomes.params import M2Params, ReportParams, add_months
from backend.outcomes.report import build
from backend.programmes.models import Programme


def story_params(today: dt.date, breakdown: tuple[str, ...]) -> ReportParams:
    """All programmes; the last 12 of the demo's 18 months; M2 from the quarter before the
    crisis to the last whole quarter."""
    first = add_months(today.replace(day=1), -17)

    def end(month: dt.date) -> dt.date:
        return add_months(month, 1) - dt.timedelta(days=1)

    return ReportParams(
        programme_ids=tuple(Programme.objects.order_by("pk").values_list("pk", flat=True)),
        period_start=add_months(first, 6),
        period_end=end(add_months(first, 17)),
        breakdown=breakdown,
        m2=M2Params(
            design="calendar",
            baseline_start=add_months(first, 3),
            baseline_end=end(add_months(first, 5)),
            followup_start=add_months(first, 14),
            followup_end=end(add_months(first, 16)),
        ),
    )


class Command(BaseCommand):
    help = "Builds the full donor report (every indicator, one crossed breakdown) and times it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--breakdown", default="sex,age_band")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.order_by("pk").first()
        if programme is None:
            self.stderr.write("No programmes: load the demo data first (seed_demo).")
            return
        breakdown = tuple(filter(None, options["breakdown"].split(",")))
        params = story_params(programme.today(), breakdown)
        times = []
        for _ in range(max(1, options["runs"])):
            started = time.perf_counter()
            build(params, suppress=True, k=5)
            times.append(time.perf_counter() - started)
        self.stdout.write(
            f"{connection.vendor}: full report ({', '.join(breakdown) or 'no breakdown'}) "
            f"median {statistics.median(times):.2f}s over {len(times)} runs "
            f"({', '.join(f'{t:.2f}' for t in times)})"
        )
