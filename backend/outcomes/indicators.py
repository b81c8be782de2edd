"""The outcome indicators REACH and M1 to M6, computed in the database.

Every figure counts unique people or ventures for a set of programmes and a period, grouped
by at most two breakdown dimensions. Nothing here reads the raw ledger: sales come from the
per-venture monthly rollups kept by the ventures app. Each function returns plain data that
report.py turns into tables and passes through disclosure control.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from backend.accounts.models import User
from backend.finance.fund.models import FundEntry, Grant
from backend.finance.models import (
    Lesson,
    LessonProgress,
    MovementKind,
    QuizAttempt,
    SavingsMovement,
)
from backend.programmes.models import Membership, Programme, Role
from backend.training.models import Enrollment, EnrollmentStatus
from backend.ventures.models import Venture, VentureMonth

from .dimensions import expression
from .params import M2Params, ReportParams, month_start, months_between

CORE_MODULE = "core"
Key = tuple[str, ...]


@dataclass
class Counts:
    """Unique counts by breakdown cell; `total` is the unique count over all cells."""

    cells: dict[Key, int]
    total: int


@dataclass
class Result:
    code: str
    unit: str  # "people" or "ventures"
    counts: Counts
    details: dict[str, Any] = field(default_factory=dict)


def _zero() -> Value:
    return Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))


def participants(params: ReportParams) -> QuerySet[User]:
    return User.objects.filter(
        memberships__role=Role.PARTICIPANT, memberships__programme_id__in=params.programme_ids
    )


def count_by(qs: QuerySet[Any], params: ReportParams, path: str) -> Counts:
    """Counts distinct rows of `qs` per breakdown cell, in one grouped query plus the total."""
    dims = params.breakdown
    annotations = {f"dim_{d}": expression(d, path, params.period_start) for d in dims}
    total = qs.values("pk").distinct().count()
    if not dims:
        return Counts(cells={(): total}, total=total)
    rows = qs.annotate(**annotations).values(*annotations).annotate(n=Count("pk", distinct=True))
    cells = {tuple(r[f"dim_{d}"] for d in dims): r["n"] for r in rows}
    return Counts(cells=cells, total=total)


def _bounds(params: ReportParams) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """Each programme's period as aware datetimes in its own time zone."""
    out = {}
    for pk, tz in Programme.objects.filter(pk__in=params.programme_ids).values_list(
        "pk", "time_zone"
    ):
        zone = ZoneInfo(tz)
        start = dt.datetime.combine(params.period_start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(
            params.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
        out[pk] = (start, end)
    return out


def _in_period(field_name: str, params: ReportParams, programme_path: str) -> Q:
    """A datetime field within the period, each programme's period in its own time zone."""
    q = Q(pk__in=[])
    for pk, (start, end) in _bounds(params).items():
        q |= Q(**{programme_path: pk, f"{field_name}__gte": start, f"{field_name}__lt": end})
    return q


# --- REACH and M1 ----------------------------------------------------------------------------


def reach(params: ReportParams) -> Result:
    """Participants with any activity in the period: an enrollment in a cohort running in it,
    a ledger entry (a month of their venture with entries), or a lesson completed."""
    first_month, last_month = month_start(params.period_start), month_start(params.period_end)
    in_cohort = Enrollment.objects.filter(
        participant=OuterRef("pk"),
        cohort__programme_id__in=params.programme_ids,
        cohort__start_date__lte=params.period_end,
        cohort__end_date__gte=params.period_start,
    )
    kept_books = VentureMonth.objects.filter(
        venture__owner=OuterRef("pk"),
        venture__programme_id__in=params.programme_ids,
        month__gte=first_month,
        month__lte=last_month,
        entries__gt=0,
    )
    learned = LessonProgress.objects.filter(user=OuterRef("pk")).filter(
        _in_period("completed_at", params, "user__memberships__programme_id")
    )
    qs = participants(params).filter(Exists(in_cohort) | Exists(kept_books) | Exists(learned))
    return Result("REACH", "people", count_by(qs, params, ""))


def m1_trained(params: ReportParams) -> Result:
    done = Enrollment.objects.filter(
        participant=OuterRef("pk"),
        status=EnrollmentStatus.COMPLETED,
        completed_on__gte=params.period_start,
        completed_on__lte=params.period_end,
        cohort__programme_id__in=params.programme_ids,
        cohort__course__counts_as_business_skills=True,
    )
    qs = participants(params).filter(Exists(done))
    return Result("M1", "people", count_by(qs, params, ""))


# --- M2 ------------------------------------------------------------------------------------


def _month_index(path: str = "month") -> ExpressionWrapper:
    return ExpressionWrapper(
        ExtractYear(path) * 12 + ExtractMonth(path), output_field=IntegerField()
    )


def _idx(day: dt.date) -> int:
    return day.year * 12 + day.month


def _window(start_idx: Any, end_idx: Any, what: str) -> Subquery:
    """Sum of a VentureMonth column for the outer venture over an inclusive month-index range."""
    rows = (
        VentureMonth.objects.filter(venture=OuterRef("pk"))
        .annotate(idx=_month_index())
        .filter(idx__gte=start_idx, idx__lte=end_idx)
        .values("venture")
        .annotate(v=Sum(what))
        .values("v")[:1]
    )
    field_type = (
        IntegerField() if what == "active_weeks" else DecimalField(max_digits=20, decimal_places=2)
    )
    return Subquery(rows, output_field=field_type)


def m2_ventures(params: ReportParams) -> QuerySet[Venture]:
    """Ventures of the programmes, annotated with their M2 class."""
    m2 = params.m2
    qs = Venture.objects.filter(programme_id__in=params.programme_ids)
    if m2.design == "calendar":
        b0, b1 = m2.baseline_start, m2.baseline_end
        f0, f1 = m2.followup_start, m2.followup_end
        if b0 is None or b1 is None or f0 is None or f1 is None:
            raise ValueError("the calendar design needs both windows")
        qs = qs.annotate(
            b0=Value(_idx(b0)), b1=Value(_idx(b1)), f0=Value(_idx(f0)), f1=Value(_idx(f1))
        )
        base_months, follow_months = months_between(b0, b1), months_between(f0, f1)
    else:
        first_start = Subquery(
            Enrollment.objects.filter(
                participant=OuterRef("owner"),
                cohort__course__counts_as_business_skills=True,
                cohort__programme_id__in=params.programme_ids,
            )
            .annotate(idx=_month_index("cohort__start_date"))
            .order_by("cohort__start_date")
            .values("idx")[:1],
            output_field=IntegerField(),
        )
        completed = Subquery(
            Enrollment.objects.filter(
                participant=OuterRef("owner"),
                status=EnrollmentStatus.COMPLETED,
                cohort__course__counts_as_business_skills=True,
                cohort__programme_id__in=params.programme_ids,
            )
            .annotate(idx=_month_index("completed_on"))
            .order_by("completed_on")
            .values("idx")[:1],
            output_field=IntegerField(),
        )
        n, m = m2.window_months, m2.offset_months
        qs = qs.annotate(start_idx=first_start, done_idx=completed).filter(done_idx__isnull=False)
        qs = qs.annotate(
            b0=F("start_idx") - n,
            b1=F("start_idx") - 1,
            f0=F("done_idx") + m,
            f1=F("done_idx") + m + n - 1,
        )
        base_months = follow_months = n
    qs = qs.annotate(
        base_sales=Coalesce(_window(OuterRef("b0"), OuterRef("b1"), "sales"), _zero()),
        follow_sales=Coalesce(_window(OuterRef("f0"), OuterRef("f1"), "sales"), _zero()),
        base_weeks=Coalesce(_window(OuterRef("b0"), OuterRef("b1"), "active_weeks"), 0),
        follow_weeks=Coalesce(_window(OuterRef("f0"), OuterRef("f1"), "active_weeks"), 0),
    )
    return _classify(qs, base_months, follow_months, m2)


def _classify(
    qs: QuerySet[Venture], base_months: int, follow_months: int, m2: M2Params
) -> QuerySet[Venture]:
    """Improved / maintained / declined by monthly means, or insufficient data.

    Means are compared without dividing: follow/fm > base/bm * (1 + tol) is the same as
    follow*bm > base*fm * (1 + tol), which keeps the arithmetic exact in the database.
    """
    tol = m2.tolerance
    dec = DecimalField(max_digits=28, decimal_places=6)
    qs = qs.annotate(
        base_scaled=ExpressionWrapper(F("base_sales") * Value(follow_months), output_field=dec),
        follow_scaled=ExpressionWrapper(F("follow_sales") * Value(base_months), output_field=dec),
    )
    upper = ExpressionWrapper(F("base_scaled") * Value(Decimal(1) + tol), output_field=dec)
    lower = ExpressionWrapper(F("base_scaled") * Value(Decimal(1) - tol), output_field=dec)
    return qs.annotate(
        m2_class=Case(
            When(
                Q(base_weeks__lt=m2.min_weeks) | Q(follow_weeks__lt=m2.min_weeks),
                then=Value("insufficient_data"),
            ),
            When(follow_scaled__gt=upper, then=Value("improved")),
            When(follow_scaled__gte=lower, then=Value("maintained")),
            default=Value("declined"),
            output_field=CharField(),
        )
    )


def m2_sales(params: ReportParams) -> Result:
    ventures = m2_ventures(params)
    # m2_class is an annotation made in m2_ventures, which the type checker cannot follow.
    grouped = ventures.values_list("m2_class").annotate(n=Count("pk"))  # type: ignore[misc]
    classes = dict(grouped.values_list("m2_class", "n"))
    good = ventures.filter(m2_class__in=["improved", "maintained"])  # type: ignore[misc]
    result = Result("M2", "ventures", count_by(good, params, "owner__"))
    result.details = {
        "classes": {
            c: classes.get(c, 0)
            for c in ("improved", "maintained", "declined", "insufficient_data")
        },
        "eligible": sum(classes.get(c, 0) for c in ("improved", "maintained", "declined")),
    }
    return result


# --- M3, M4, M5, M6 ---------------------------------------------------------------------------


def m3_literacy(params: ReportParams) -> Result:
    core = Lesson.objects.filter(module__code=CORE_MODULE)
    lesson_count = core.count()
    done = (
        LessonProgress.objects.filter(user=OuterRef("pk"), lesson__in=core)
        .values("user")
        .annotate(n=Count("lesson", distinct=True), last=Max("completed_at"))
    )
    qs = participants(params).annotate(
        core_done=Subquery(done.values("n")[:1], output_field=IntegerField()),
        core_last=Subquery(done.values("last")[:1]),
    )
    in_period = Q(pk__in=[])
    for pk, (start, end) in _bounds(params).items():
        in_period |= Q(memberships__programme_id=pk, core_last__gte=start, core_last__lt=end)
    completed = (
        qs.filter(core_done__gte=lesson_count).filter(in_period) if lesson_count else qs.none()
    )
    result = Result("M3", "people", count_by(completed, params, ""))
    pre = QuizAttempt.objects.filter(
        user=OuterRef("pk"), kind="pre", module__code=CORE_MODULE
    ).order_by("answered_at")
    post = QuizAttempt.objects.filter(
        user=OuterRef("pk"), kind="post", module__code=CORE_MODULE
    ).order_by("-answered_at")
    # Each person once, however many of the programmes they belong to.
    people = User.objects.filter(pk__in=participants(params).values("pk"))
    gains = people.annotate(
        pre_score=Subquery(pre.values("score")[:1], output_field=IntegerField()),
        post_score=Subquery(post.values("score")[:1], output_field=IntegerField()),
        post_at=Subquery(post.values("answered_at")[:1]),
    ).filter(pre_score__isnull=False, post_score__isnull=False)
    # The post-test falls in the period as counted in the time zone of a programme the person
    # belongs to (not the server's day, which is a day ahead in the Americas each evening).
    post_in_period = Q(pk__in=[])
    for pk, (start, end) in _bounds(params).items():
        member = Membership.objects.filter(
            user=OuterRef("pk"), programme_id=pk, role=Role.PARTICIPANT
        )
        post_in_period |= Q(Exists(member), post_at__gte=start, post_at__lt=end)
    gains = gains.filter(post_in_period)
    agg = gains.aggregate(n=Count("pk"), pre_sum=Sum("pre_score"), post_sum=Sum("post_score"))
    n = agg["n"] or 0
    result.details = {
        "gain_n": n,
        "mean_gain": round((agg["post_sum"] - agg["pre_sum"]) / n, 1) if n else None,
    }
    return result


def _period_months(params: ReportParams) -> Q:
    return Q(month__gte=month_start(params.period_start), month__lte=month_start(params.period_end))


def m4_digital(params: ReportParams) -> Result:
    months = VentureMonth.objects.filter(
        _period_months(params), venture__programme_id__in=params.programme_ids
    )
    digital = Venture.objects.filter(
        Exists(months.filter(venture=OuterRef("pk"), digital_sales__gt=0))
    )
    result = Result("M4", "ventures", count_by(digital, params, "owner__"))
    per_currency = months.values("venture__currency").annotate(
        sales=Sum("sales"), digital=Sum("digital_sales"), ventures=Count("venture", distinct=True)
    )
    result.details = {
        "by_currency": {
            r["venture__currency"]: {
                "sales": r["sales"] or Decimal(0),
                "digital": r["digital"] or Decimal(0),
                "ventures": r["ventures"],
                "contributions": _contributions(
                    months.filter(venture__currency=r["venture__currency"]), "digital_sales"
                ),
            }
            for r in per_currency
        }
    }
    return result


def _contributions(months: QuerySet[VentureMonth], column: str) -> dict[str, Any]:
    """What the dominance rule needs of per-venture totals: how many, and the two largest."""
    per = months.values("venture").annotate(v=Sum(column)).filter(v__gt=0)
    return {"count": per.count(), "top2": list(per.order_by("-v").values_list("v", flat=True)[:2])}


def _grant_contributions(grants: QuerySet[Grant]) -> dict[str, Any]:
    """Per-venture disbursed totals for the dominance rule: how many, and the two largest."""
    per = grants.values("venture").annotate(v=Sum("amount"))
    return {"count": per.count(), "top2": list(per.order_by("-v").values_list("v", flat=True)[:2])}


def m5_savings(params: ReportParams) -> Result:
    deposits = SavingsMovement.objects.filter(
        kind=MovementKind.DEPOSIT,
        occurred_on__gte=params.period_start,
        occurred_on__lte=params.period_end,
        goal__programme_id__in=params.programme_ids,
    )
    savers = participants(params).filter(Exists(deposits.filter(goal__user=OuterRef("pk"))))
    result = Result("M5", "people", count_by(savers, params, ""))
    moves = SavingsMovement.objects.filter(
        occurred_on__gte=params.period_start,
        occurred_on__lte=params.period_end,
        goal__programme_id__in=params.programme_ids,
    )
    saved = moves.values("goal__currency").annotate(
        deposits=Coalesce(Sum("amount", filter=Q(kind=MovementKind.DEPOSIT)), _zero()),
        withdrawals=Coalesce(Sum("amount", filter=Q(kind=MovementKind.WITHDRAWAL)), _zero()),
        savers=Count("goal__user", distinct=True, filter=Q(kind=MovementKind.DEPOSIT)),
    )
    result.details = {
        "by_currency": {
            r["goal__currency"]: {
                "net_saved": r["deposits"] - r["withdrawals"],
                "savers": r["savers"],
            }
            for r in saved
        }
    }
    return result


def m6_seed_capital(params: ReportParams) -> Result:
    entries = FundEntry.objects.filter(
        fund__programme_id__in=params.programme_ids,
    ).filter(_in_period("created_at", params, "fund__programme_id"))
    grants = Grant.objects.filter(
        fund__programme_id__in=params.programme_ids, status=Grant.Status.DISBURSED
    )
    grants = grants.filter(_in_period("disbursed_at", params, "fund__programme_id"))
    funded = Venture.objects.filter(Exists(grants.filter(venture=OuterRef("pk"))))
    result = Result("M6", "ventures", count_by(funded, params, "owner__"))
    money = entries.values("fund__currency").annotate(
        donations=Coalesce(
            Sum("amount", filter=Q(kind__in=["donation", "refund", "dispute", "dispute_won"])),
            _zero(),
        ),
        contributions=Coalesce(Sum("amount", filter=Q(kind="contribution")), _zero()),
    )
    disbursed = grants.values("fund__currency").annotate(
        total=Sum("amount"), ventures=Count("venture", distinct=True)
    )
    by_currency: dict[str, dict[str, Any]] = {
        r["fund__currency"]: {"donations_net": r["donations"], "contributions": r["contributions"]}
        for r in money
    }
    for r in disbursed:
        by_currency.setdefault(r["fund__currency"], {})
        by_currency[r["fund__currency"]].update(
            disbursed=r["total"],
            funded_ventures=r["ventures"],
            grant_contributions=_grant_contributions(
                grants.filter(fund__currency=r["fund__currency"])
            ),
        )
    result.details = {"by_currency": by_currency}
    return result


INDICATORS = {
    "REACH": reach,
    "M1": m1_trained,
    "M2": m2_sales,
    "M3": m3_literacy,
    "M4": m4_digital,
    "M5": m5_savings,
    "M6": m6_seed_capital,
}


def compute(params: ReportParams, codes: Sequence[str] = tuple(INDICATORS)) -> dict[str, Result]:
    return {code: INDICATORS[code](params) for code in codes}
