"""The outcome indicators REACH and M1 to M6, computed in the database.

Every figure counts unique people or ventures for a set of programmes and a period, grouped
by at most two breakdown dimensions. Nothing here reads the raw ledger: sales come from the
per-venture monthly rollups kept by the ventures app. Each function returns plain data that
report.py turns into tables and passes through disclosure control.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
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
from backend.lib.dbrouter import read_connection
from backend.lib.money import quantize
from backend.programmes.models import Membership, Programme, Role
from backend.training import rules as completion_rules
from backend.training.models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    CohortSession,
    Enrollment,
    EnrollmentStatus,
)
from backend.ventures.models import Venture, VentureDay, VentureMonth

from .dimensions import expression
from .params import M2Params, ReportParams, add_months, month_start, months_between

CORE_MODULE = "core"
CENT = Decimal("0.01")
M2_CLASSES = ("improved", "maintained", "declined", "insufficient_data")
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
    # M2: each venture's class by id (what real terms start from; never published as such).
    per_venture: dict[int, str] = field(default_factory=dict, repr=False)


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


def broken_completions(done: QuerySet[Enrollment]) -> set[int]:
    """Completed enrollments whose course rule a later correction broke (attendance or a score
    changed after completion). The training app undoes such a completion by itself unless a
    certificate was issued for it; those stay completed, awaiting a trainer's or manager's
    review (revoke the certificate, or confirm it), and are what this finds: three queries
    (the certified completions with their courses, their attendance, their cohorts' sessions),
    the rule applied in Python by the same function the training app uses."""
    certified = list(
        done.filter(
            pk__in=Certificate.objects.filter(revoked_at__isnull=True).values("enrollment")
        ).select_related("cohort__course")
    )
    if not certified:
        return set()
    counts = {
        row["enrollment"]: row
        for row in Attendance.objects.filter(enrollment__in=[e.pk for e in certified])
        .values("enrollment")
        .annotate(
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        )
    }
    sessions = dict(
        CohortSession.objects.filter(cohort__in={e.cohort_id for e in certified})
        .values("cohort")
        .annotate(n=Count("pk"))
        .values_list("cohort", "n")
    )
    empty = {"present": 0, "excused": 0, "absent": 0}
    broken = set()
    for e in certified:
        c = counts.get(e.pk, empty)
        progress = completion_rules.evaluate(
            e.cohort.course,
            sessions=sessions.get(e.cohort_id, 0),
            present=c["present"],
            excused=c["excused"],
            absent=c["absent"],
            post_score=e.post_score,
        )
        if not progress.met:
            broken.add(e.pk)
    return broken


def m1_trained(params: ReportParams) -> Result:
    """Participants with a business-skills completion in the period that meets the course's
    rule now. A certified completion that a later correction broke is not counted; the
    details say how many people were left out for that alone (`not_counted_broken`)."""
    done = Enrollment.objects.filter(
        status=EnrollmentStatus.COMPLETED,
        completed_on__gte=params.period_start,
        completed_on__lte=params.period_end,
        cohort__programme_id__in=params.programme_ids,
        cohort__course__counts_as_business_skills=True,
    )
    broken = broken_completions(done)
    kept = done.exclude(pk__in=broken) if broken else done
    qs = participants(params).filter(pk__in=kept.values("participant"))
    result = Result("M1", "people", count_by(qs, params, ""))
    left_out = 0
    if broken:
        broken_people = set(
            done.filter(pk__in=broken).values_list("participant", flat=True).distinct()
        )
        counted = set(qs.filter(pk__in=broken_people).values_list("pk", flat=True))
        left_out = len(
            set(
                participants(params)
                .filter(pk__in=broken_people)
                .exclude(pk__in=counted)
                .values_list("pk", flat=True)
            )
        )
    result.details = {"not_counted_broken": left_out}
    return result


# --- M2 ------------------------------------------------------------------------------------


def _month_index(path: str = "month") -> ExpressionWrapper:
    return ExpressionWrapper(
        ExtractYear(path) * 12 + ExtractMonth(path), output_field=IntegerField()
    )


def _idx(day: dt.date) -> int:
    return day.year * 12 + day.month


class WeekIndex(Func):
    """The number of whole weeks from Monday 3 January 2000 to a date: the same number for
    every day of one ISO week (Monday to Sunday), whatever months it spans."""

    output_field = IntegerField()
    template = "((%(expressions)s - DATE '2000-01-03') / 7)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # julianday('2000-01-03') = 2451546.5; dates after it give a non-negative quotient,
        # so the integer cast is a floor.
        return self.as_sql(
            compiler,
            connection,
            template="CAST((julianday(%(expressions)s) - 2451546.5) / 7 AS INTEGER)",
            **extra,
        )


def _last_complete_month(day: dt.date) -> int:
    """The month index of the last calendar month that has ended by `day` (inclusive)."""
    return _idx(day) if (day + dt.timedelta(days=1)).day == 1 else _idx(day) - 1


def classify(
    base_sales: Decimal,
    follow_sales: Decimal,
    base_weeks: int,
    follow_weeks: int,
    base_months: int,
    follow_months: int,
    m2: M2Params,
) -> str:
    """Improved / maintained / declined by monthly means, or insufficient data.

    Exact: the window sums are decimals of at most two places, and the means are compared
    without dividing (follow/fm > base/bm * (1 + tol) is follow*bm > base*fm * (1 + tol)),
    in Python's decimal arithmetic, never the database's (SQLite's is floating point)."""
    if base_weeks < m2.min_weeks or follow_weeks < m2.min_weeks:
        return "insufficient_data"
    base = Decimal(base_sales).quantize(CENT) * follow_months
    follow = Decimal(follow_sales).quantize(CENT) * base_months
    if follow > base * (1 + m2.tolerance):
        return "improved"
    if follow >= base * (1 - m2.tolerance):
        return "maintained"
    return "declined"


def m2_classes(params: ReportParams) -> dict[int, str]:
    """Each venture's M2 class, by venture id. In the calendar design a venture of the
    programmes that is missing had no sale in either window (insufficient data); in the
    training design only ventures whose owner completed a business-skills course are in.

    Two grouped passes over the rollups, by venture: the windows' sales from the monthly
    rollups, the distinct ISO weeks with a sale inside each window from the daily ones (a
    week that spans two months or a window edge counts once). Never the raw ledger.
    """
    m2 = params.m2
    last_complete = _last_complete_month(params.period_end)
    if m2.design == "calendar":
        b0, b1 = m2.baseline_start, m2.baseline_end
        f0, f1 = m2.followup_start, m2.followup_end
        if b0 is None or b1 is None or f0 is None or f1 is None:
            raise ValueError("the calendar design needs both windows")
        # The windows are the same for every venture: read only their months and days.
        base = Q(month__gte=month_start(b0), month__lte=month_start(b1))
        follow = Q(month__gte=month_start(f0), month__lte=month_start(f1))
        sums = (
            VentureMonth.objects.filter(venture__programme_id__in=params.programme_ids)
            .filter(base | follow)
            .values("venture_id")
            .annotate(b=Sum("sales", filter=base), f=Sum("sales", filter=follow))
            .values_list("venture_id", "b", "f")
        )
        b_end, f_end = add_months(month_start(b1), 1), add_months(month_start(f1), 1)
        dbase = Q(day__gte=month_start(b0), day__lt=b_end)
        dfollow = Q(day__gte=month_start(f0), day__lt=f_end)
        weeks = (
            VentureDay.objects.filter(
                venture__programme_id__in=params.programme_ids, sale_entries__gt=0
            )
            .filter(dbase | dfollow)
            .values("venture_id")
            .annotate(
                b=Count(WeekIndex("day"), distinct=True, filter=dbase),
                f=Count(WeekIndex("day"), distinct=True, filter=dfollow),
            )
            .values_list("venture_id", "b", "f")
        )
        complete = max(_idx(b1), _idx(f1)) <= last_complete
        week_of = {v: (b, f) for v, b, f in weeks}
        bm, fm = months_between(b0, b1), months_between(f0, f1)
        out = {}
        for venture, b_sales, f_sales in sums:
            bw, fw = week_of.get(venture, (0, 0))
            out[venture] = (
                classify(Decimal(b_sales or 0), Decimal(f_sales or 0), bw, fw, bm, fm, m2)
                if complete
                else "insufficient_data"
            )
        return out
    # Training-relative: the baseline is the N months before the month of the owner's first
    # business-skills enrollment; the follow-up N months from M months after the month of the
    # first completion.
    skills = Enrollment.objects.filter(
        participant=OuterRef("owner"),
        cohort__course__counts_as_business_skills=True,
        cohort__programme_id__in=params.programme_ids,
    )
    first_enrolled = Subquery(
        skills.annotate(idx=_month_index("enrolled_at")).order_by("enrolled_at").values("idx")[:1],
        output_field=IntegerField(),
    )
    completed = Subquery(
        skills.filter(status=EnrollmentStatus.COMPLETED)
        .annotate(idx=_month_index("completed_on"))
        .order_by("completed_on")
        .values("idx")[:1],
        output_field=IntegerField(),
    )
    n, m = m2.window_months, m2.offset_months
    anchored = (
        Venture.objects.filter(programme_id__in=params.programme_ids)
        .annotate(start_idx=first_enrolled, done_idx=completed)
        .filter(done_idx__isnull=False)
    )

    def window(path: str, lo: Any, hi: Any) -> Q:
        idx = _month_index(path)
        return Q(GreaterThanOrEqual(idx, lo), LessThanOrEqual(idx, hi))

    b_lo, b_hi = F("start_idx") - n, F("start_idx") - 1
    f_lo, f_hi = F("done_idx") + m, F("done_idx") + m + n - 1
    anchored_sums = anchored.annotate(
        b=Coalesce(Sum("months__sales", filter=window("months__month", b_lo, b_hi)), _zero()),
        f=Coalesce(Sum("months__sales", filter=window("months__month", f_lo, f_hi)), _zero()),
    ).values_list("pk", "start_idx", "done_idx", "b", "f")
    sale_day = Q(days__sale_entries__gt=0)
    anchored_weeks = anchored.annotate(
        bw=Count(
            WeekIndex("days__day"),
            distinct=True,
            filter=sale_day & window("days__day", b_lo, b_hi),
        ),
        fw=Count(
            WeekIndex("days__day"),
            distinct=True,
            filter=sale_day & window("days__day", f_lo, f_hi),
        ),
    ).values_list("pk", "bw", "fw")
    anchored_week_of = {v: (b, f) for v, b, f in anchored_weeks}
    out = {}
    for venture, start_idx, done_idx, b_sales, f_sales in anchored_sums:
        bw, fw = anchored_week_of.get(venture, (0, 0))
        # A follow-up window that has not ended by the report's end date has no verdict yet.
        if start_idx is None or done_idx + m + n - 1 > last_complete:
            out[venture] = "insufficient_data"
        else:
            out[venture] = classify(Decimal(b_sales), Decimal(f_sales), bw, fw, n, n, m2)
    return out


def m2_sales(params: ReportParams) -> Result:
    """Counts by class and by breakdown cell: the per-venture classes, joined (in Python) to
    each venture's owner answers, read in one query."""
    dims = params.breakdown
    keys = [f"dim_{d}" for d in dims]
    classes_of = m2_classes(params)
    owners = (
        Venture.objects.filter(programme_id__in=params.programme_ids)
        .annotate(**{f"dim_{d}": expression(d, "owner__", params.period_start) for d in dims})
        .values_list("pk", *keys)
    )
    classes: dict[str, int] = dict.fromkeys(M2_CLASSES, 0)
    cells: dict[Key, int] = {}
    for pk, *cell in owners:
        m2_class = classes_of.get(pk)
        if m2_class is None:
            if params.m2.design != "calendar":
                continue
            # Ventures with no month in either window: no data at all.
            m2_class = "insufficient_data"
        classes[m2_class] += 1
        if m2_class in ("improved", "maintained"):
            cells[tuple(cell)] = cells.get(tuple(cell), 0) + 1
    total = sum(cells.values())
    result = Result("M2", "ventures", Counts(cells=cells if dims else {(): total}, total=total))
    result.per_venture = classes_of
    result.details = {
        "classes": classes,
        "eligible": sum(classes[c] for c in ("improved", "maintained", "declined")),
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
    if not lesson_count:
        # No core lessons in the catalogue: nobody can complete them, so M3 is 0 and the
        # report says why (the gain's query would have nobody to select from).
        result.details = {"gain_n": 0, "mean_gain": None, "no_core_lessons": True}
        return result
    result.details = _knowledge_gain(params, completed)
    return result


def _knowledge_gain(params: ReportParams, completed: QuerySet[User]) -> dict[str, Any]:
    """Mean of (latest post-test score - first pre-test score) over the participants counted
    in M3 (every core lesson completed, the last in the period) who have both tests, the
    post-test taken in the period (in the time zone of a programme the person belongs to,
    not the server's day, which is a day ahead in the Americas each evening); with n.

    One grouped pass finds each person's first pre-test and latest post-test times; their
    scores are joined back by time (on a tie, the lower pre and the higher post score)."""
    core = QuizAttempt.objects.filter(module__code=CORE_MODULE, user__in=completed.values("pk"))
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
    with read_connection().cursor() as cursor:
        cursor.execute(sql, (*inner_params, CORE_MODULE, CORE_MODULE, *condition_params))
        n, pre_sum, post_sum = cursor.fetchone()
    n = n or 0
    if not n:
        return {"gain_n": 0, "mean_gain": None}
    # Scores are whole points: the sums are exact integers, the mean a decimal rounded half up
    # to one place (never a float, whose halves round to even or drift).
    gain = Decimal(int(post_sum) - int(pre_sum)) / Decimal(n)
    return {"gain_n": n, "mean_gain": gain.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)}


def _period_months(params: ReportParams) -> Q:
    return Q(month__gte=month_start(params.period_start), month__lte=month_start(params.period_end))


def m4_digital(params: ReportParams) -> Result:
    """Per currency: sales, digital sales, ventures with a digital sale, and what the dominance
    rule needs of the per-venture sales and digital totals (how many, the two largest), in one
    query
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
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"{with_per}, ranked AS (SELECT currency, sales, digital, "  # noqa: S608
            "ROW_NUMBER() OVER (PARTITION BY currency ORDER BY digital DESC) AS place, "
            "ROW_NUMBER() OVER (PARTITION BY currency ORDER BY sales DESC) AS s_place FROM per) "
            "SELECT currency, SUM(sales), SUM(digital), "
            "SUM(CASE WHEN digital > 0 THEN 1 ELSE 0 END), "
            "MAX(CASE WHEN place = 1 AND digital > 0 THEN digital END), "
            "MAX(CASE WHEN place = 2 AND digital > 0 THEN digital END), "
            "SUM(CASE WHEN sales > 0 THEN 1 ELSE 0 END), "
            "MAX(CASE WHEN s_place = 1 AND sales > 0 THEN sales END), "
            "MAX(CASE WHEN s_place = 2 AND sales > 0 THEN sales END) "
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
                # Ventures with at least one non-voided digital sale (voids are out of the
                # rollups; expenses and cash or credit sales are not digital sales).
                "ventures": contributors or 0,
                "contributions": {
                    "count": contributors or 0,
                    "top2": [money(v, currency) for v in (first, second) if v is not None],
                },
                "sales_contributions": {
                    "count": sellers or 0,
                    "top2": [money(v, currency) for v in (s_first, s_second) if v is not None],
                },
            }
            for (
                currency,
                sales,
                digital,
                contributors,
                first,
                second,
                sellers,
                s_first,
                s_second,
            ) in totals
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
    # What the dominance rule needs: each person's net amount in the currency (how many, the
    # two largest in size), from one grouped query.
    signed = Case(
        When(kind=MovementKind.WITHDRAWAL, then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )
    per_person: dict[str, list[Decimal]] = {}
    for currency, net in (
        moves.values("goal__currency", "goal__user")
        .annotate(net=Sum(signed))
        .values_list("goal__currency", "net")
    ):
        per_person.setdefault(currency, []).append(abs(quantize(Decimal(net or 0), currency)))
    contributions = {
        currency: {
            "count": sum(1 for v in nets if v),
            "top2": sorted(nets, reverse=True)[:2],
            "gross": sum(nets, Decimal(0)),
        }
        for currency, nets in per_person.items()
    }
    result.details = {
        "by_currency": {
            r["goal__currency"]: {
                "net_saved": quantize(r["deposits"] - r["withdrawals"], r["goal__currency"]),
                "savers": r["savers"],
                "contributions": contributions.get(r["goal__currency"], {"count": 0, "top2": []}),
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
