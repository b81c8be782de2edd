"""What a report is asked for: programmes, period, breakdown and the M2 design."""

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone

DIMENSIONS = ("sex", "age_band", "population_group", "country", "region", "disability")
Design = Literal["calendar", "training"]
# Nominal: sales as recorded. Real: also deflated to the baseline window's prices by each
# country's consumer-price index (prices.py); the report then carries both.
Terms = Literal["nominal", "real"]
TERMS = ("nominal", "real")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Number of calendar months from first's month to last's month, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def default_dates(today: dt.date | None = None) -> dict[str, dt.date]:
    """The dates the report form starts with: the twelve whole months before this one, M2
    comparing the first two of them with the last three."""
    end = month_start(today or timezone.localdate()) - dt.timedelta(days=1)
    start = add_months(month_start(end), -11)
    return {
        "period_start": start,
        "period_end": end,
        "baseline_start": start,
        "baseline_end": add_months(start, 2) - dt.timedelta(days=1),
        "followup_start": add_months(month_start(end), -2),
        "followup_end": end,
    }


@dataclass(frozen=True)
class M2Params:
    """How M2 compares a venture with itself.

    calendar: the same baseline and follow-up months for every venture.
    training: baseline = the `window_months` months before the month its owner's first
    business-skills cohort started; follow-up = `window_months` months starting
    `offset_months` after the month the owner completed it.
    """

    design: Design = "calendar"
    baseline_start: dt.date | None = None
    baseline_end: dt.date | None = None
    followup_start: dt.date | None = None
    followup_end: dt.date | None = None
    window_months: int = 3
    offset_months: int = 1
    min_weeks: int = 4
    tolerance: Decimal = Decimal("0.05")


@dataclass(frozen=True)
class ReportParams:
    programme_ids: tuple[int, ...]
    period_start: dt.date
    period_end: dt.date
    breakdown: tuple[str, ...] = ()
    m2: M2Params = field(default_factory=M2Params)
    terms: Terms = "nominal"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["programme_ids"] = list(self.programme_ids)
        data["breakdown"] = list(self.breakdown)
        for key in ("period_start", "period_end"):
            data[key] = data[key].isoformat()
        m2 = data["m2"]
        for key in ("baseline_start", "baseline_end", "followup_start", "followup_end"):
            m2[key] = m2[key].isoformat() if m2[key] else None
        m2["tolerance"] = str(m2["tolerance"])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReportParams":
        m2 = dict(data["m2"])
        for key in ("baseline_start", "baseline_end", "followup_start", "followup_end"):
            m2[key] = dt.date.fromisoformat(m2[key]) if m2.get(key) else None
        m2["tolerance"] = Decimal(m2["tolerance"])
        return cls(
            programme_ids=tuple(data["programme_ids"]),
            period_start=dt.date.fromisoformat(data["period_start"]),
            period_end=dt.date.fromisoformat(data["period_end"]),
            breakdown=tuple(data["breakdown"]),
            m2=M2Params(**m2),
            # Snapshots made before real terms existed are nominal.
            terms="real" if data.get("terms") == "real" else "nominal",
        )
