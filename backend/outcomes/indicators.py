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

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from backend.accounts.models import User
from backend.finance.fund.models import FundEntry, Grant
from backend.finance.models import (
    Lesson,
    LessonProgress,
    MovementKind,
    QuizAttempt,
    SavingsMovement,
)
from backend.lib.money import quantize
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
    """Counts distinct rows of `qs` per breakdown cell, in one grouped query.

    Every dimension is a function of the one person a row belongs to, so each row falls in
    exactly one cell and the total is the sum of the cells (no second query).
    """
    dims = params.breakdown
    if not dims:
        total = qs.values("pk").distinct().count()
        return Counts(cells={(): total}, total=total)
    annotations = {f"dim_{d}": expression(d, path, params.period_start) for d in dims}
    rows = qs.annotate(**annotations).values(*annotations).annotate(n=Count("pk", distinct=True))
    cells = {tuple(r[f"dim_{d}"] for d in dims): r["n"] for r in rows}
    return Counts(cells=cells, total=sum(cells.values()))


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


def _programmes_by_bounds(
    params: ReportParams,
) -> dict[tuple[dt.datetime, dt.datetime], list[int]]:
    """The programmes grouped by their period's bounds (equal when they share a time zone)."""
    out: dict[tuple[dt.datetime, dt.datetime], list[int]] = {}
    for pk, bounds in _bounds(params).items():
        out.setdefault(bounds, []).append(pk)
    return out


def _in_period(field_name: str, params: ReportParams, programme_path: str) -> Q:
    """A datetime field within the period, each programme's period in its own time zone."""
    q = Q(pk__in=[])
    for (start, end), ids in _programmes_by_bounds(params).items():
        q |= Q(
            **{f"{programme_path}__in": ids, f"{field_name}__gte": start, f"{field_name}__lt": end}
        )
    return q


# --- REACH and M1 ----------------------------------------------------------------------------


def reach(params: ReportParams) -> Result:
    """Participants with any activity in the period: an enrollment in a cohort running in it,
    a ledger entry (a month of their venture with entries), or a lesson completed.

    Each activity is a set of people computed once (IN a subquery), not a check per person."""
    first_month, last_month = month_start(params.period_start), month_start(params.period_end)
    in_cohort = Enrollment.objects.filter(
        cohort__programme_id__in=params.programme_ids,
        cohort__start_date__lte=params.period_end,
        cohort__end_date__gte=params.period_start,
    )
    kept_books = VentureMonth.objects.filter(
        venture__programme_id__in=params.programme_ids,
        month__gte=first_month,
        month__lte=last_month,
        entries__gt=0,
    )
    learned = LessonProgress.objects.filter(
        _in_period("completed_at", params, "user__memberships__programme_id")
    )
    qs = participants(params).filter(
        Q(pk__in=in_cohort.values("participant"))
        | Q(pk__in=kept_books.values("venture__owner"))
        | Q(pk__in=learned.values("user"))
    )
    return Result("REACH", "people", count_by(qs, params, ""))


def m1_trained(params: ReportParams) -> Result:
    done = Enrollment.objects.filter(
        status=EnrollmentStatus.COMPLETED,
        completed_on__gte=params.period_start,
        completed_on__lte=params.period_end,
        cohort__programme_id__in=params.programme_ids,
        cohort__course__counts_as_business_skills=True,
    )
    qs = participants(params).filter(pk__in=done.values("participant"))
    return Result("M1", "people", count_by(qs, params, ""))


# --- M2 ------------------------------------------------------------------------------------


def _month_index(path: str = "month") -> ExpressionWrapper:
    return ExpressionWrapper(
        ExtractYear(path) * 12 + ExtractMonth(path), output_field=IntegerField()
    )


def _idx(day: dt.date) -> int:
    return day.year * 12 + day.month


def _in_window(lo: Any, hi: Any) -> Q:
    """The venture's joined month lies in an inclusive month-index range."""
    idx = _month_index("months__month")
    return Q(GreaterThanOrEqual(idx, lo), LessThanOrEqual(idx, hi))


def m2_ventures(params: ReportParams) -> tuple[QuerySet[Any], str]:
    """Per-venture rows annotated with their M2 class (`m2_class`), and the name of the column
    holding the venture's id. A venture of the programmes without a row had no sales in either
    window: insufficient data.

    Each window's sales and active weeks are conditional sums over the venture's monthly
    rollups, grouped by venture: one pass, never the raw ledger.
    """
    m2 = params.m2
    ventures = Venture.objects.filter(programme_id__in=params.programme_ids)
    if m2.design == "calendar":
        b0, b1 = m2.baseline_start, m2.baseline_end
        f0, f1 = m2.followup_start, m2.followup_end
        if b0 is None or b1 is None or f0 is None or f1 is None:
            raise ValueError("the calendar design needs both windows")
        # The windows are the same for every venture: read only their months, by the month
        # index, and group them by venture.
        base = Q(month__gte=month_start(b0), month__lte=month_start(b1))
        follow = Q(month__gte=month_start(f0), month__lte=month_start(f1))
        rows: QuerySet[Any] = (
            VentureMonth.objects.filter(venture__programme_id__in=params.programme_ids)
            .filter(base | follow)
            .values("venture_id")
        )
        prefix, key = "", "venture_id"
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
        rows = (
            ventures.annotate(start_idx=first_start, done_idx=completed)
            .filter(done_idx__isnull=False)
            .values("pk")
        )
        base = _in_window(F("start_idx") - n, F("start_idx") - 1)
        follow = _in_window(F("done_idx") + m, F("done_idx") + m + n - 1)
        prefix, key = "months__", "id"
        base_months = follow_months = n
    money = DecimalField(max_digits=20, decimal_places=2)
    rows = rows.annotate(
        base_sales=Coalesce(Sum(f"{prefix}sales", filter=base), _zero(), output_field=money),
        follow_sales=Coalesce(Sum(f"{prefix}sales", filter=follow), _zero(), output_field=money),
        base_weeks=Coalesce(Sum(f"{prefix}active_weeks", filter=base), 0),
        follow_weeks=Coalesce(Sum(f"{prefix}active_weeks", filter=follow), 0),
    )
    return _classify(rows, base_months, follow_months, m2), key


def _classify(
    qs: QuerySet[Any], base_months: int, follow_months: int, m2: M2Params
) -> QuerySet[Any]:
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
    """Counts by class and by breakdown cell in one query: the per-venture classes (grouped
    over the rollups) joined to each venture's owner answers, grouped again."""
    dims = params.breakdown
    keys = [f"dim_{d}" for d in dims]
    rows, key = m2_ventures(params)
    inner, inner_params = rows.values_list(key, "m2_class").query.sql_with_params()
    owners = (
        Venture.objects.filter(programme_id__in=params.programme_ids)
        .annotate(**{f"dim_{d}": expression(d, "owner__", params.period_start) for d in dims})
        .values_list("pk", *keys)
    )
    outer, outer_params = owners.query.sql_with_params()
    grouping = ", ".join(["m2_class", *keys])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH classified (venture, m2_class) AS ({inner}), "  # noqa: S608
            f"owners ({', '.join(['venture', *keys])}) AS ({outer}) "
            f"SELECT {grouping}, COUNT(*) FROM classified "
            f"JOIN owners ON owners.venture = classified.venture GROUP BY {grouping}",
            (*inner_params, *outer_params),
        )
        found = cursor.fetchall()
    classes: dict[str, int] = {}
    cells: dict[Key, int] = {}
    for m2_class, *cell, n in found:
        classes[m2_class] = classes.get(m2_class, 0) + n
        if m2_class in ("improved", "maintained"):
            cells[tuple(cell)] = cells.get(tuple(cell), 0) + n
    if params.m2.design == "calendar":
        # Ventures with no month in either window have no row: no data at all.
        missing = owners.count() - sum(classes.values())
        classes["insufficient_data"] = classes.get("insufficient_data", 0) + missing
    total = sum(cells.values())
    result = Result("M2", "ventures", Counts(cells=cells if dims else {(): total}, total=total))
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
    # People who completed every core lesson, the last one in a programme's period (in its
    # time zone): one grouped pass over the lessons per distinct period, used as a semi-join.
    in_period = Q(pk__in=[])
    for (start, end), programme_ids in _programmes_by_bounds(params).items():
        done = (
            LessonProgress.objects.filter(lesson__in=core)
            .values("user")
            .annotate(n=Count("lesson", distinct=True), last=Max("completed_at"))
            .filter(n__gte=lesson_count, last__gte=start, last__lt=end)
            .values("user")
        )
        in_period |= Q(
            memberships__role=Role.PARTICIPANT,
            memberships__programme_id__in=programme_ids,
            pk__in=done,
        )
    completed = User.objects.filter(in_period) if lesson_count else User.objects.none()
    result = Result("M3", "people", count_by(completed, params, ""))
    result.details = _knowledge_gain(params)
    return result


def _knowledge_gain(params: ReportParams) -> dict[str, Any]:
    """Mean of (latest post-test score - first pre-test score) over participants with both,
    the post-test taken in the period (in the time zone of a programme the person belongs to,
    not the server's day, which is a day ahead in the Americas each evening); with n.

    One grouped pass finds each person's first pre-test and latest post-test times; their
    scores are joined back by time (on a tie, the lower pre and the higher post score)."""
    core = QuizAttempt.objects.filter(
        module__code=CORE_MODULE, user__in=participants(params).values("pk")
    )
    times = (
        core.values("user")
        .annotate(
            pre_at=Min("answered_at", filter=Q(kind="pre")),
            post_at=Max("answered_at", filter=Q(kind="post")),
        )
        .filter(pre_at__isnull=False, post_at__isnull=False)
        .values_list("user", "pre_at", "post_at")
    )
    inner, inner_params = times.query.sql_with_params()
    conditions, condition_params = [], []
    adapt = connection.ops.adapt_datetimefield_value
    # Programmes sharing a period (the same time zone) are one condition, not one each.
    for (start, end), programme_ids in _programmes_by_bounds(params).items():
        members = (
            Membership.objects.filter(programme_id__in=programme_ids, role=Role.PARTICIPANT)
            .values_list("user_id")
            .query.sql_with_params()
        )
        conditions.append(f"(s.post_at >= %s AND s.post_at < %s AND s.person IN ({members[0]}))")
        condition_params += [adapt(start), adapt(end), *members[1]]
    if not conditions:
        return {"gain_n": 0, "mean_gain": None}
    module = "SELECT id FROM finance_module WHERE code = %s"
    sql = (
        f"WITH t (person, pre_at, post_at) AS ({inner}), "  # noqa: S608 - compiled queries
        "s AS (SELECT t.person, t.post_at, MIN(pre.score) AS pre_score, "
        "MAX(post.score) AS post_score FROM t "
        "JOIN finance_quizattempt pre ON pre.user_id = t.person AND pre.kind = 'pre' "
        f"AND pre.answered_at = t.pre_at AND pre.module_id IN ({module}) "
        "JOIN finance_quizattempt post ON post.user_id = t.person AND post.kind = 'post' "
        f"AND post.answered_at = t.post_at AND post.module_id IN ({module}) "
        "GROUP BY t.person, t.post_at) "
        f"SELECT COUNT(*), SUM(pre_score), SUM(post_score) FROM s WHERE {' OR '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*inner_params, CORE_MODULE, CORE_MODULE, *condition_params))
        n, pre_sum, post_sum = cursor.fetchone()
    n = n or 0
    return {
        "gain_n": n,
        "mean_gain": round((post_sum - pre_sum) / n, 1) if n else None,
    }


def _period_months(params: ReportParams) -> Q:
    return Q(month__gte=month_start(params.period_start), month__lte=month_start(params.period_end))


def m4_digital(params: ReportParams) -> Result:
    """Per currency: sales, digital sales, ventures with sales records, and what the dominance
    rule needs of the per-venture digital totals (how many, the two largest), in one query
    over the per-venture sums of the period's months; ventures with a digital sale by cell in
    a second."""
    months = VentureMonth.objects.filter(
        _period_months(params), venture__programme_id__in=params.programme_ids
    )
    per = (
        months.values("venture", "venture__currency")
        .annotate(sales=Sum("sales"), digital=Sum("digital_sales"))
        .values_list("venture", "venture__currency", "sales", "digital")
    )
    per_sql, per_params = per.query.sql_with_params()
    with_per = f"WITH per (venture, currency, sales, digital) AS ({per_sql})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{with_per}, ranked AS (SELECT currency, sales, digital, "  # noqa: S608
            "ROW_NUMBER() OVER (PARTITION BY currency ORDER BY digital DESC) AS place FROM per) "
            "SELECT currency, SUM(sales), SUM(digital), COUNT(*), "
            "SUM(CASE WHEN digital > 0 THEN 1 ELSE 0 END), "
            "MAX(CASE WHEN place = 1 AND digital > 0 THEN digital END), "
            "MAX(CASE WHEN place = 2 AND digital > 0 THEN digital END) "
            "FROM ranked GROUP BY currency ORDER BY currency",
            per_params,
        )
        totals = cursor.fetchall()
    # The cells: ventures with a digital sale in the period (an uncorrelated IN, computed once).
    digital = Venture.objects.filter(pk__in=months.filter(digital_sales__gt=0).values("venture"))
    result = Result("M4", "ventures", count_by(digital, params, "owner__"))

    def money(value: Any, currency: str) -> Decimal:
        return quantize(Decimal(str(value or 0)), currency)

    result.details = {
        "by_currency": {
            currency: {
                "sales": money(sales, currency),
                "digital": money(digital, currency),
                "ventures": ventures,
                "contributions": {
                    "count": contributors or 0,
                    "top2": [money(v, currency) for v in (first, second) if v is not None],
                },
            }
            for currency, sales, digital, ventures, contributors, first, second in totals
        }
    }
    return result


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
    savers = participants(params).filter(pk__in=deposits.values("goal__user"))
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
                "net_saved": quantize(r["deposits"] - r["withdrawals"], r["goal__currency"]),
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
    funded = Venture.objects.filter(pk__in=grants.values("venture"))
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
        r["fund__currency"]: {
            "donations_net": quantize(r["donations"], r["fund__currency"]),
            "contributions": quantize(r["contributions"], r["fund__currency"]),
        }
        for r in money
    }
    for r in disbursed:
        by_currency.setdefault(r["fund__currency"], {})
        by_currency[r["fund__currency"]].update(
            disbursed=quantize(r["total"], r["fund__currency"]),
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
