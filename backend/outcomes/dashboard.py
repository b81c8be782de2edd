"""The donors' and managers' dashboard: per programme, the last twelve whole months and their
four three-month blocks, each read from a snapshot made through the report task (so the
figures went through the same disclosure control as any report). A missing snapshot is
requested, and the dashboard says it is being prepared until the worker has made it."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.formats import format_number, format_percent_value
from backend.programmes import access
from backend.programmes.models import Programme

from . import services
from .charts import column_chart_svg, progress_svg
from .models import IndicatorTarget, ReportSnapshot
from .params import M2Params, ReportParams, add_months, default_dates
from .present import indicator_view, period_text

BREAKDOWN = ("sex",)
BLOCKS = 4  # three-month blocks in the twelve months
DASH = "\u2013"  # an en dash between the ends of a range


@dataclass
class Block:
    start: dt.date
    end: dt.date

    @property
    def name(self) -> tuple[str, str]:
        """The months and the year(s), on two lines of a chart: ("dic-feb", "2025-2026")."""
        months = DASH.join(
            (formats.date_format(self.start, "M"), formats.date_format(self.end, "M"))
        )
        if self.start.year == self.end.year:
            return months, str(self.end.year)
        return months, DASH.join((str(self.start.year), str(self.end.year)))


@dataclass
class ProgrammeDashboard:
    programme: Programme
    period: str
    snapshot: ReportSnapshot | None
    indicators: list[dict[str, Any]] = field(default_factory=list)
    preparing: bool = False
    failed: bool = False


def periods(today: dt.date) -> tuple[dt.date, dt.date, list[Block]]:
    """The twelve whole months before this one, and their four blocks of three months."""
    dates = default_dates(today)
    start, end = dates["period_start"], dates["period_end"]
    blocks = [
        Block(add_months(start, 3 * i), add_months(start, 3 * i + 3) - dt.timedelta(days=1))
        for i in range(BLOCKS)
    ]
    return start, end, blocks


def _params(
    programme: Programme, start: dt.date, end: dt.date, breakdown: tuple[str, ...]
) -> ReportParams:
    d = default_dates(end + dt.timedelta(days=1))
    return ReportParams(
        programme_ids=(programme.pk,),
        period_start=start,
        period_end=end,
        breakdown=breakdown,
        m2=M2Params(
            design="calendar",
            baseline_start=d["baseline_start"],
            baseline_end=d["baseline_end"],
            followup_start=d["followup_start"],
            followup_end=d["followup_end"],
        ),
    )


def _purpose(kind: str, programme: Programme, start: dt.date, end: dt.date) -> str:
    return f"{kind}:{programme.pk}:{start.isoformat()}:{end.isoformat()}"


def dashboard_programmes(user: User) -> list[Programme]:
    return list(
        access.report_programmes(user)
        .select_related("organisation")
        .prefetch_related("indicator_targets")
        .order_by("name")
    )


def build_dashboard(user: User, programmes: list[Programme]) -> list[ProgrammeDashboard]:
    """The dashboard of each programme from the user's snapshots, asking for the missing ones.
    A constant number of queries once the snapshots exist, whatever the programmes."""
    plan: dict[int, tuple[dt.date, dt.date, list[Block]]] = {
        p.pk: periods(p.today()) for p in programmes
    }
    wanted: dict[str, tuple[Programme, dt.date, dt.date, tuple[str, ...]]] = {}
    for p in programmes:
        start, end, blocks = plan[p.pk]
        wanted[_purpose("dashboard", p, start, end)] = (p, start, end, BREAKDOWN)
        for b in blocks:
            wanted[_purpose("dashboard-block", p, b.start, b.end)] = (p, b.start, b.end, ())
    found: dict[str, ReportSnapshot] = {}
    for s in ReportSnapshot.objects.filter(requested_by=user, purpose__in=list(wanted)).order_by(
        "requested_at"
    ):
        found[s.purpose] = s  # the latest wins
    for key, (p, start, end, breakdown) in wanted.items():
        # A failed snapshot is asked for again on the next visit (the page says it failed).
        if key not in found or found[key].status == ReportSnapshot.Status.FAILED:
            found[key] = services.request_report(
                user=user, params=_params(p, start, end, breakdown), purpose=key
            )
    if any(s.status != ReportSnapshot.Status.DONE for s in found.values()):
        # Snapshots made right now by an immediate task runner are done already.
        fresh = ReportSnapshot.objects.filter(pk__in=[s.pk for s in found.values()])
        found = {s.purpose: s for s in fresh}
    return [_programme_view(p, plan[p.pk], found) for p in programmes]


def _programme_view(
    programme: Programme,
    plan: tuple[dt.date, dt.date, list[Block]],
    found: dict[str, ReportSnapshot],
) -> ProgrammeDashboard:
    start, end, blocks = plan
    main = found[_purpose("dashboard", programme, start, end)]
    out = ProgrammeDashboard(programme, period_text(start, end), main)
    if main.status == ReportSnapshot.Status.FAILED:
        out.failed = True
        return out
    if main.status != ReportSnapshot.Status.DONE or not main.data:
        out.preparing = True
        return out
    block_data = [found[_purpose("dashboard-block", programme, b.start, b.end)] for b in blocks]
    # the reverse relation of IndicatorTarget (an app above programmes), prefetched above
    targets = list(programme.indicator_targets.all())
    for ind in main.data["indicators"]:
        view = indicator_view(ind, main.data["k"])
        view["trend"] = _trend(ind["code"], blocks, block_data, main.data["k"], view["name"])
        view["targets"] = [
            _target(t, ind, start, end) for t in targets if t.indicator == ind["code"]
        ]
        out.indicators.append(view)
    return out


def _trend(
    code: str, blocks: list[Block], snapshots: list[ReportSnapshot], k: int, name: str
) -> str:
    columns: list[tuple[tuple[str, str], int | None, str]] = []
    for block, snap in zip(blocks, snapshots, strict=True):
        if snap.status != ReportSnapshot.Status.DONE or not snap.data:
            columns.append((block.name, None, "…"))
            continue
        ind = next(i for i in snap.data["indicators"] if i["code"] == code)
        total = ind["table"]["total"]
        text = (
            format_number(total)
            if total is not None
            else str(ind["table"].get("total_display") or f"<{k}")
        )
        columns.append((block.name, total, text))
    return column_chart_svg(columns, label=name)


def _target(
    target: IndicatorTarget, ind: dict[str, Any], start: dt.date, end: dt.date
) -> dict[str, Any]:
    actual = ind["table"]["total"]
    same = target.period_start == start and target.period_end == end
    out: dict[str, Any] = {
        "target": format_number(target.target),
        "period": period_text(target.period_start, target.period_end),
        "same_period": same,
        "actual": actual,
    }
    if actual is not None:
        out["share"] = format_percent_value(actual / target.target, decimals=0)
        out["chart"] = progress_svg(actual, target.target, label=_("Target"))
    return out
