import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from backend.accounts.schemas import StrictIn
from backend.lib.validation import EARLIEST_DATE, LATEST_DATE, Date, Id

Dimension = Literal["sex", "age_band", "population_group", "country", "region", "disability"]


class M2In(StrictIn):
    design: Literal["calendar", "training"] = "calendar"
    baseline_start: Date | None = None
    baseline_end: Date | None = None
    followup_start: Date | None = None
    followup_end: Date | None = None
    window_months: int = Field(3, ge=1, le=24)
    offset_months: int = Field(1, ge=0, le=24)
    min_weeks: int = Field(4, ge=1, le=52)
    tolerance: Decimal = Field(
        Decimal("0.05"), ge=0, le=Decimal("0.5"), max_digits=4, decimal_places=3
    )


class ReportIn(StrictIn):
    programme_ids: list[Id] = Field(..., min_length=1, max_length=50)
    period_start: Date
    period_end: Date
    breakdown: list[Dimension] = Field(default_factory=list, max_length=2)
    m2: M2In
    terms: Literal["nominal", "real"] = Field(
        "nominal",
        description="nominal: sales as recorded; real: also deflated to the baseline window's "
        "prices by each country's consumer-price index (calendar design only). Both figures are "
        "in the report when real.",
    )


class SnapshotOut(Schema):
    id: uuid.UUID
    status: str
    progress: int
    suppressed: bool
    k: int
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    params: dict[str, Any]
    data: dict[str, Any] | None


class IatiQuery(Schema):
    period_start: dt.date = Field(..., ge=EARLIEST_DATE, le=LATEST_DATE)
    period_end: dt.date = Field(..., ge=EARLIEST_DATE, le=LATEST_DATE)
