"""M3 to M6 on small datasets, each expected value worked out by hand in the test.

The period is the first quarter of 2026 in programme A's time zone (America/Lima, UTC-5):
an event at 23:30 on 31 March in Lima is 04:30 on 1 April in UTC and still counts; one at
00:30 on 1 April in Lima (05:30 UTC) does not.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from backend.finance.fund.models import Fund, FundEntry, Grant
from backend.finance.models import (
    Lesson,
    LessonProgress,
    Module,
    QuizAttempt,
    SavingsGoal,
    SavingsMovement,
)
from backend.outcomes import report
from backend.outcomes.indicators import compute, m2_classes
from backend.outcomes.params import M2Params, ReportParams
from backend.programmes.models import Membership
from backend.training.models import (
    Attendance,
    Certificate,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
)
from backend.ventures import services as ledger
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

from .conftest import AUG, FEB, JAN, JUL, person, sales, venture_of

LIMA = ZoneInfo("America/Lima")


def lima(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LIMA)


def quarter(world: World, breakdown: tuple[str, ...] = ()) -> ReportParams:
    return ReportParams(
        programme_ids=(world.programme_a.pk,),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        breakdown=breakdown,
    )


def restamp(qs: QuerySet, **values: object) -> None:
    """Sets times that the model fills in on creation (auto_now_add) to a chosen moment."""
    assert qs.update(**values) == 1


# --- M3 ----------------------------------------------------------------------------------


def test_m3_completion_and_knowledge_gain(world: World) -> None:
    # The core module ships with the app; "extra" stands for any other module.
    core = Module.objects.get(code="core")
    *first, last = list(Lesson.objects.filter(module=core).order_by("order"))
    assert first, "the core module has several lessons"
    extra = Module.objects.create(code="extra", title_es="Más", title_en="More", title_pt="Mais")
    l_extra = Lesson.objects.create(module=extra, order=1, slug="insurance")
    ana, bea, carla, dora = (person(world, "female") for _ in range(4))
    eli = person(world, "male")

    def done(user: object, lesson: Lesson, at: dt.datetime) -> None:
        LessonProgress.objects.create(user=user, lesson=lesson, completed_at=at)

    def all_but_last(user: object, at: dt.datetime) -> None:
        for lesson in first:
            done(user, lesson, at)

    def test(user: object, kind: str, score: int, at: dt.datetime) -> None:
        QuizAttempt.objects.create(
            user=user, kind=kind, module=core, correct=score, total=100, score=score, answered_at=at
        )

    # Ana: every core lesson, the last at 23:30 on 31 March in Lima (1 April in UTC): counts.
    all_but_last(ana, lima(2026, 1, 10, 9))
    done(ana, last, lima(2026, 3, 31, 23, 30))
    # Bea: every one, the last at 00:30 on 1 April in Lima: completed after the period.
    all_but_last(bea, lima(2026, 2, 1, 9))
    done(bea, last, lima(2026, 4, 1, 0, 30))
    # Carla: all but one core lesson, and the extra module: not the core set.
    all_but_last(carla, lima(2026, 2, 1, 9))
    done(carla, l_extra, lima(2026, 2, 2, 9))
    # Dora: every one, in February: counts. Eli: every one, in December 2025: too early.
    all_but_last(dora, lima(2026, 2, 3, 9))
    done(dora, last, lima(2026, 2, 4, 9))
    all_but_last(eli, lima(2025, 12, 1, 9))
    done(eli, last, lima(2025, 12, 2, 9))

    # Knowledge gain: post-test minus pre-test score, when the post-test falls in the period.
    test(ana, "pre", 40, lima(2026, 1, 5, 9))
    test(ana, "post", 70, lima(2026, 3, 31, 22))  # 03:00 UTC on 1 April, in period in Lima
    test(dora, "pre", 50, lima(2026, 1, 5, 9))
    test(dora, "post", 60, lima(2026, 3, 1, 9))
    test(bea, "pre", 20, lima(2026, 1, 5, 9))
    test(bea, "post", 90, lima(2026, 4, 1, 0, 30))  # after the period in Lima: left out
    test(carla, "post", 80, lima(2026, 3, 1, 9))  # no pre-test: no gain to measure

    # Fran took both tests in the period but did not finish the core lessons: not in the gain.
    fran = person(world, "female")
    all_but_last(fran, lima(2026, 2, 1, 9))
    test(fran, "pre", 10, lima(2026, 1, 5, 9))
    test(fran, "post", 100, lima(2026, 3, 1, 9))

    result = compute(quarter(world, ("sex",)), ["M3"])["M3"]
    assert result.counts.total == 2  # Ana and Dora
    assert result.counts.cells == {("female",): 2}
    # Ana 70 - 40 = 30, Dora 60 - 50 = 10: mean 20.0 points over n = 2
    assert result.details == {"gain_n": 2, "mean_gain": Decimal("20.0")}


def test_m3_gain_rounds_half_up_exactly(world: World) -> None:
    """Four learners gain 10, 10, 10 and 11 points: 41 / 4 = 10.25, shown as 10.3 (half up;
    a float rounds 10.25 to 10.2)."""
    core = Module.objects.get(code="core")
    lessons = list(Lesson.objects.filter(module=core))
    for gain in (10, 10, 10, 11):
        user = person(world, "male")
        for lesson in lessons:
            LessonProgress.objects.create(user=user, lesson=lesson, completed_at=lima(2026, 2, 1))
        for kind, score, at in (
            ("pre", 30, lima(2026, 1, 5)),
            ("post", 30 + gain, lima(2026, 3, 1)),
        ):
            QuizAttempt.objects.create(
                user=user, kind=kind, module=core, correct=score, total=100, score=score,
                answered_at=at,
            )  # fmt: skip
    details = compute(quarter(world), ["M3"])["M3"].details
    assert details == {"gain_n": 4, "mean_gain": Decimal("10.3")}
    assert (
        report.build(quarter(world), suppress=False, k=5, codes=("M3",))["indicators"][0][
            "details"
        ]["mean_gain"]
        == 10.3
    )


# --- M4 ----------------------------------------------------------------------------------


def test_m4_digital_share_and_ventures(world: World) -> None:
    jan, mar, apr = dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    wallet = venture_of(person(world, "female"), world)
    cash_only = venture_of(person(world, "male"), world)
    late_card = venture_of(person(world, "female"), world)
    voided = venture_of(person(world, "female"), world)
    sales(wallet, jan, ["100", "100"])  # 200 cash
    sales(wallet, mar, ["50"], method="bank_transfer")  # 50 digital on 1 March
    ledger.record_entry(
        venture=wallet,
        actor=wallet.owner,
        data=ledger.EntryInput(
            id="last-day",
            kind="sale",
            amount="30",
            occurred_on=dt.date(2026, 3, 31),  # the period's last day: counts
            payment_method="bank_transfer",
        ),
    )
    ledger.record_entry(
        venture=wallet,
        actor=wallet.owner,
        data=ledger.EntryInput(
            id="a-cost",
            kind="expense",
            amount="500",
            occurred_on=dt.date(2026, 3, 2),
            payment_method="card",  # an expense paid by card is not a digital sale
        ),
    )
    sales(cash_only, jan, ["120"])
    sales(late_card, apr, ["400"], method="card")  # 1 April: after the period
    sales(late_card, jan, ["80"])
    sales(voided, mar, ["1000"], method="card")
    ledger.void_entry(actor=voided.owner, entry_id=f"e{voided.pk}-202603-0", reason="typo")

    result = compute(quarter(world, ("sex",)), ["M4"])["M4"]
    assert result.counts.total == 1  # only "wallet" had a digital sale in the period
    assert result.counts.cells == {("female",): 1}
    pen = result.details["by_currency"]["PEN"]
    # sales in Jan-Mar: wallet 200 + 50 + 30, cash_only 120, late_card 80 = 480; digital 80
    assert pen["sales"] == Decimal("480")
    assert pen["digital"] == Decimal("80")
    assert pen["digital"] / pen["sales"] == Decimal("0.1666666666666666666666666667")
    assert pen["contributions"] == {"count": 1, "top2": [Decimal("80")]}
    # Only "wallet" has a non-voided digital sale; the others have cash sales, an expense or a
    # voided card sale in the period.
    assert pen["ventures"] == 1
    assert pen["sales_contributions"] == {
        "count": 3,
        "top2": [Decimal("280"), Decimal("120")],
    }


# --- M5 ----------------------------------------------------------------------------------


def test_m5_savers_and_net_saved_per_currency(world: World) -> None:
    ana, bea, carlos = person(world, "female"), person(world, "female"), person(world, "male")

    def goal(user: object, currency: str) -> SavingsGoal:
        return SavingsGoal.objects.create(
            user=user,
            programme=world.programme_a,
            name="Fondo",
            target_amount=Decimal(500),
            currency=currency,
        )

    def move(g: SavingsGoal, kind: str, amount: str, day: dt.date) -> None:
        SavingsMovement.objects.create(goal=g, kind=kind, amount=Decimal(amount), occurred_on=day)

    a_pen, a_usd, b_pen, c_pen = (
        goal(ana, "PEN"),
        goal(ana, "USD"),
        goal(bea, "PEN"),
        goal(carlos, "PEN"),
    )
    move(a_pen, "deposit", "100", dt.date(2026, 1, 1))  # the period's first day
    move(a_pen, "withdrawal", "30", dt.date(2026, 2, 10))
    move(a_usd, "deposit", "20", dt.date(2026, 3, 31))  # the period's last day
    move(b_pen, "deposit", "50", dt.date(2026, 3, 15))
    move(b_pen, "deposit", "999", dt.date(2026, 4, 1))  # after the period
    move(c_pen, "deposit", "70", dt.date(2025, 12, 31))  # before the period
    move(c_pen, "withdrawal", "10", dt.date(2026, 2, 1))  # only a withdrawal: not a saver

    result = compute(quarter(world, ("sex",)), ["M5"])["M5"]
    assert result.counts.total == 2  # Ana and Bea deposited in the period
    assert result.counts.cells == {("female",): 2}
    assert result.details["by_currency"] == {
        # PEN: deposits 100 + 50, withdrawals 30 + 10 => 110; savers Ana and Bea; per person
        # Ana 70, Bea 50, Carlos -10 (in size 10) for the dominance rule
        "PEN": {
            "net_saved": Decimal("110"),
            "savers": 2,
            "contributions": {
                "count": 3,
                "top2": [Decimal("70"), Decimal("50")],
                "gross": Decimal("130"),
            },
        },
        # USD: Ana's 20, never added to the soles
        "USD": {
            "net_saved": Decimal("20"),
            "savers": 1,
            "contributions": {"count": 1, "top2": [Decimal("20")], "gross": Decimal("20")},
        },
    }


def test_m5_amount_saved_withheld_when_two_savers_dominate(world: World) -> None:
    """Six savers; two of them put in 90% of the soles: a donor sees the count of savers but
    not the amount. With the amounts spread evenly the amount is shown."""

    def saver(amount: str) -> None:
        g = SavingsGoal.objects.create(
            user=person(world, "female"), programme=world.programme_a, name="F",
            target_amount=Decimal(500), currency="PEN",
        )  # fmt: skip
        SavingsMovement.objects.create(
            goal=g, kind="deposit", amount=Decimal(amount), occurred_on=dt.date(2026, 2, 1)
        )

    for amount in ("4500", "4500", "250", "250", "250", "250"):
        saver(amount)

    def shown() -> dict[str, object]:
        built = report.build(quarter(world), suppress=True, k=5, codes=("M5",))
        return built["indicators"][0]["details"]["by_currency"]["PEN"]

    assert shown() == {"net_saved": None, "savers": 6}
    SavingsMovement.objects.filter(amount=Decimal("4500")).update(amount=Decimal("250"))
    assert shown() == {"net_saved": "1500.00", "savers": 6}


# --- M6 ----------------------------------------------------------------------------------


def _fund(world: World) -> Fund:
    return Fund.objects.create(
        programme=world.programme_a,
        slug="semilla-lima",
        currency="PEN",
        goal=Decimal(10000),
        title="Capital semilla",
        story_es="-",
        story_en="-",
        story_pt="-",
        min_donation=Decimal(10),
        max_donation=Decimal(5000),
    )


def test_m6_donations_net_of_refunds_grants_and_ventures_funded(world: World) -> None:
    fund = _fund(world)
    v1 = venture_of(person(world, "female"), world)
    v2 = venture_of(person(world, "male"), world)
    v3 = venture_of(person(world, "female"), world)

    def entry(kind: str, amount: str, at: dt.datetime, grant: Grant | None = None) -> None:
        source = f"{kind}-{amount}-{at.isoformat()}"
        FundEntry.objects.create(
            fund=fund, kind=kind, amount=Decimal(amount), source=source, grant=grant
        )
        restamp(FundEntry.objects.filter(source=source), created_at=at)

    entry("donation", "100", lima(2026, 3, 31, 23, 0))  # 04:00 UTC 1 April: in the period
    entry("refund", "-30", lima(2026, 2, 1, 9))
    entry("donation", "40", lima(2026, 2, 2, 9))
    entry("dispute", "-40", lima(2026, 2, 20, 9))
    entry("dispute_won", "40", lima(2026, 3, 1, 9))
    entry("donation", "500", lima(2026, 4, 1, 0, 30))  # 1 April in Lima: after the period
    entry("contribution", "1000", lima(2026, 1, 1, 0, 0))  # the first minute of the period

    def grant(venture: object, amount: str, disbursed: dt.datetime | None) -> None:
        g = Grant.objects.create(
            fund=fund,
            venture=venture,
            amount=Decimal(amount),
            purpose="Equipo",
            granted_by=world.manager,
            status="disbursed" if disbursed else "granted",
        )
        if disbursed:
            restamp(Grant.objects.filter(pk=g.pk), disbursed_at=disbursed)
            entry("grant", f"-{amount}", disbursed, grant=g)

    grant(v1, "200", lima(2026, 1, 15, 9))
    grant(v1, "100", lima(2026, 3, 31, 23, 59))  # the same venture twice: one venture funded
    grant(v2, "300", None)  # granted, not yet disbursed
    grant(v3, "400", lima(2026, 4, 1, 0, 1))  # disbursed after the period (Lima)

    result = compute(quarter(world, ("sex",)), ["M6"])["M6"]
    assert result.counts.total == 1
    assert result.counts.cells == {("female",): 1}
    assert result.details["by_currency"] == {
        "PEN": {
            # 100 - 30 + 40 - 40 + 40 = 110 (the 500 came after the period)
            "donations_net": Decimal("110"),
            "contributions": Decimal("1000"),
            "disbursed": Decimal("300"),  # 200 + 100
            "funded_ventures": 1,
            "grant_contributions": {"count": 1, "top2": [Decimal("300")]},
        }
    }


def test_m6_disbursed_total_withheld_from_donors_when_two_grants_dominate(world: World) -> None:
    fund = _fund(world)
    # Five ventures funded (K = 5), but 4,000 + 3,000 of 7,300 is 96%: above 85%.
    for amount in ("4000", "3000", "100", "100", "100"):
        Grant.objects.create(
            fund=fund,
            venture=venture_of(person(world, "female"), world),
            amount=Decimal(amount),
            purpose="Equipo",
            granted_by=world.manager,
            status="disbursed",
            disbursed_at=lima(2026, 2, 1, 9),
        )
    donor = report.build(quarter(world), suppress=True, k=5, codes=("M6",))
    manager = report.build(quarter(world), suppress=False, k=5, codes=("M6",))
    assert donor["indicators"][0]["details"]["by_currency"]["PEN"]["disbursed"] is None
    assert donor["indicators"][0]["details"]["by_currency"]["PEN"]["funded_ventures"] == 5
    assert Decimal(manager["indicators"][0]["details"]["by_currency"]["PEN"]["disbursed"]) == 7300


# --- M2, computed again from the raw ledger ------------------------------------------------


def _m2_by_hand(
    venture: Venture, windows: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]], m2: Any
) -> str:
    """Straight from the non-voided sale entries: each window's sum and its distinct ISO
    weeks (by the sale dates inside the window), means compared as fractions."""
    (b0, b1), (f0, f1) = windows
    entries = LedgerEntry.objects.filter(venture=venture, kind="sale", voided_at__isnull=True)

    def window(lo: dt.date, hi: dt.date) -> tuple[Fraction, int, int]:
        inside = [e for e in entries if lo <= e.occurred_on <= hi]
        months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        weeks = {e.occurred_on.isocalendar()[:2] for e in inside}
        return sum((Fraction(e.amount) for e in inside), Fraction(0)), len(weeks), months

    bs, bw, bm = window(b0, b1)
    fs, fw, fm = window(f0, f1)
    if bw < m2.min_weeks or fw < m2.min_weeks:
        return "insufficient_data"
    base_mean, follow_mean, tol = bs / bm, fs / fm, Fraction(m2.tolerance)
    if follow_mean > base_mean * (1 + tol):
        return "improved"
    if follow_mean >= base_mean * (1 - tol):
        return "maintained"
    return "declined"


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _sale(venture: Venture, day: dt.date, amount: str, key: str) -> None:
    ledger.record_entry(
        venture=venture,
        actor=venture.owner,
        data=ledger.EntryInput(
            id=f"h{venture.pk}-{key}",
            kind="sale",
            amount=amount,
            occurred_on=day,
            payment_method="cash",
        ),
    )


def test_m2_exact_edges_of_the_tolerance(world: World) -> None:
    """Follow-ups at exactly +5% and -5% of many baselines are "maintained" on every database
    (SQLite compares its decimals as floating point when asked to)."""
    m2 = M2Params(
        design="calendar",
        baseline_start=JAN,
        baseline_end=FEB,
        followup_start=JUL,
        followup_end=AUG,
        min_weeks=4,
        tolerance=Decimal("0.05"),
    )
    params = ReportParams(
        programme_ids=(world.programme_a.pk,),
        period_start=JAN,
        period_end=dt.date(2026, 9, 30),
        m2=m2,
    )
    expected = {}
    baselines = ["1438.00", "719.00", "2876.00", "1234.00", "99.80", "4321.20", "58.60", "1000.20"]
    days = [JAN.replace(day=6), JAN.replace(day=20), FEB.replace(day=3), FEB.replace(day=17)]
    follow_days = [JUL.replace(day=7), JUL.replace(day=21), AUG.replace(day=4), AUG.replace(day=18)]
    for base in baselines:
        for sign in (1, -1):
            v = venture_of(person(world, "female"), world)
            for prefix, total, when in (
                ("b", Decimal(base), days),
                ("f", Decimal(base) * (1 + sign * Decimal("0.05")), follow_days),
            ):
                assert total == total.quantize(Decimal("0.01"))
                total = total.quantize(Decimal("0.01"))
                # Four sales in four distinct weeks, adding up to the window's total exactly.
                part = (total / 4).quantize(Decimal("0.01"))
                amounts = [part, part, part, total - 3 * part]
                for n, (day, amount) in enumerate(zip(when, amounts, strict=True)):
                    _sale(v, day, str(amount), f"{prefix}{n}")
            expected[v.pk] = _m2_by_hand(v, ((JAN, _month_end(FEB)), (JUL, _month_end(AUG))), m2)
    assert set(expected.values()) == {"maintained"}
    result = compute(params, ["M2"])["M2"]
    assert result.details["classes"]["maintained"] == len(expected)
    got = m2_classes(params)
    assert {pk: got.get(pk) for pk in expected} == expected


def test_m2_issue_edges_are_maintained(world: World) -> None:
    """1438.00 PEN a month in the baseline; 1509.90 (+5%) and 1366.10 (-5%) in the follow-up."""
    m2 = M2Params(
        design="calendar",
        baseline_start=JAN,
        baseline_end=JAN,
        followup_start=JUL,
        followup_end=JUL,
        min_weeks=2,
        tolerance=Decimal("0.05"),
    )
    params = ReportParams(
        programme_ids=(world.programme_a.pk,), period_start=JAN, period_end=_month_end(JUL), m2=m2
    )
    ids = []
    for follow in ("1509.90", "1366.10"):
        v = venture_of(person(world, "female"), world)
        _sale(v, JAN.replace(day=5), "1000.00", "b1")
        _sale(v, JAN.replace(day=19), "438.00", "b2")
        _sale(v, JUL.replace(day=6), "1000.00", "f1")
        _sale(v, JUL.replace(day=20), str(Decimal(follow) - 1000), "f2")
        ids.append(v.pk)
    assert compute(params, ["M2"])["M2"].details["classes"]["maintained"] == 2
    got = m2_classes(params)
    assert [got[pk] for pk in ids] == ["maintained", "maintained"]


def test_m2_a_week_across_two_months_counts_once(world: World) -> None:
    """Sales on Thursday 29 January and Sunday 1 February fall in one ISO week: with two more
    weeks that is 3 distinct weeks, short of 4, so insufficient data (not eligible)."""
    m2 = M2Params(
        design="calendar",
        baseline_start=JAN,
        baseline_end=FEB,
        followup_start=JUL,
        followup_end=AUG,
        min_weeks=4,
    )
    params = ReportParams(
        programme_ids=(world.programme_a.pk,),
        period_start=JAN,
        period_end=dt.date(2026, 9, 30),
        m2=m2,
    )
    short, full = (venture_of(person(world, "male"), world) for _ in range(2))
    for v in (short, full):
        _sale(v, dt.date(2026, 1, 8), "100", "b1")
        _sale(v, dt.date(2026, 1, 15), "100", "b2")
        _sale(v, dt.date(2026, 1, 29), "100", "b3")
        _sale(v, dt.date(2026, 2, 1), "100", "b4")
        for n, day in enumerate((7, 14, 21, 28)):
            _sale(v, JUL.replace(day=day), "100", f"f{n}")
    _sale(full, dt.date(2026, 2, 10), "100", "b5")  # a fourth distinct week
    assert compute(params, ["M2"])["M2"].details["eligible"] == 1
    got = m2_classes(params)
    assert got[short.pk] == "insufficient_data"
    assert got[full.pk] == "declined"  # monthly means 250 then 200: -20%


def test_m2_training_window_not_over_at_the_end_of_the_report(world: World) -> None:
    """Enrolled in March, completed in May: with 3-month windows one month after completion the
    follow-up is June to August. A report that ends on 31 July has no verdict for it
    (insufficient data), however the first two months went; one that ends on 31 August has."""
    course = Course.objects.create(
        code="siyb-x", title_es="I", title_en="I", title_pt="I", stage="start",
        planned_hours=20, counts_as_business_skills=True,
    )  # fmt: skip
    cohort = Cohort.objects.create(
        course=course, programme=world.programme_a, name="C", start_date=dt.date(2026, 4, 6),
        end_date=dt.date(2026, 5, 20), capacity=20, is_virtual=True,
    )  # fmt: skip
    v = venture_of(person(world, "female"), world)
    enrollment = Enrollment.objects.create(
        cohort=cohort, participant=v.owner, status="completed", completed_on=dt.date(2026, 5, 20)
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        enrolled_at=dt.datetime(2026, 3, 10, 15, tzinfo=dt.UTC)
    )
    # Baseline (December to February, before the month of enrollment): 1000 a month.
    for month in (dt.date(2025, 12, 1), JAN, FEB):
        sales(v, month, ["250"] * 4)
    # Follow-up: June and July at the same level; August not yet there.
    for month in (dt.date(2026, 6, 1), JUL):
        sales(v, month, ["250"] * 4)
    m2 = M2Params(design="training", window_months=3, offset_months=1, min_weeks=4)

    def params(end: dt.date) -> ReportParams:
        return ReportParams(
            programme_ids=(world.programme_a.pk,), period_start=JAN, period_end=end, m2=m2
        )

    assert m2_classes(params(dt.date(2026, 7, 31)))[v.pk] == "insufficient_data"
    assert compute(params(dt.date(2026, 7, 31)), ["M2"])["M2"].details["classes"]["declined"] == 0
    sales(v, AUG, ["250"] * 4)
    assert m2_classes(params(dt.date(2026, 8, 31)))[v.pk] == "maintained"


# --- M1 and a completion a later correction breaks ---------------------------------------


def test_m1_leaves_out_a_certified_completion_that_a_correction_broke(world: World) -> None:
    """Two people certified at 8 of 10 sessions (the course asks 80%); one's attendance is
    then corrected to 7 of 10. The training app keeps the completion (a certificate is out),
    so M1 must not count it, and says that one person was left out for that reason."""
    course = Course.objects.create(
        code="siyb-m1", title_es="I", title_en="I", title_pt="I", stage="start",
        planned_hours=20, counts_as_business_skills=True, min_attendance=Decimal("0.80"),
        has_tests=False,
    )  # fmt: skip
    cohort = Cohort.objects.create(
        course=course, programme=world.programme_a, name="C", start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 3, 9), capacity=20, is_virtual=True,
    )  # fmt: skip
    sessions = [
        CohortSession.objects.create(cohort=cohort, date=dt.date(2026, 1, 5) + dt.timedelta(7 * i))
        for i in range(10)
    ]
    people = [person(world, "female"), person(world, "male")]
    for n, who in enumerate(people):
        e = Enrollment.objects.create(
            cohort=cohort, participant=who, status="completed", completed_on=dt.date(2026, 3, 9)
        )
        for i, session in enumerate(sessions):
            Attendance.objects.create(
                session=session, enrollment=e, status="present" if i < 8 else "absent",
                marked_at=lima(2026, 3, 9, 12),
            )  # fmt: skip
        Certificate.objects.create(
            enrollment=e, serial=f"S-{n}", code=f"C{n}", language="es",
            issued_at=lima(2026, 3, 10, 9),
        )  # fmt: skip
    result = compute(quarter(world, ("sex",)), ["M1"])["M1"]
    assert result.counts.cells == {("female",): 1, ("male",): 1}
    assert result.details == {"not_counted_broken": 0}
    # The correction: the man was absent at the eighth session after all (7 of 10).
    Attendance.objects.filter(enrollment__participant=people[1], session=sessions[7]).update(
        status="absent"
    )
    result = compute(quarter(world, ("sex",)), ["M1"])["M1"]
    assert result.counts.cells == {("female",): 1}
    assert result.details == {"not_counted_broken": 1}
    shown = report.build(quarter(world), suppress=True, k=5, codes=("M1",))["indicators"][0]
    assert shown["details"]["not_counted_broken"] is None  # 1 is a small count too
    assert shown["details"]["marks"] == {"not_counted_broken": "primary"}


# --- A generated dataset, every M2 class and M4 figure computed again from raw rows ------


def _m4_by_hand(ventures: list[Venture], first: dt.date, last: dt.date) -> dict[str, Any]:
    """Per currency, from the non-voided sale entries dated in the period's months."""
    out: dict[str, Any] = {}
    digital_methods = {"bank_transfer", "mobile_wallet", "card"}
    for v in ventures:
        rows = [
            e
            for e in LedgerEntry.objects.filter(venture=v, kind="sale", voided_at__isnull=True)
            if first <= e.occurred_on <= last
        ]
        x = out.setdefault(v.currency, {"sales": Decimal(0), "digital": Decimal(0), "v": 0})
        x["sales"] += sum((e.amount for e in rows), Decimal(0))
        digital = [e for e in rows if e.payment_method in digital_methods]
        x["digital"] += sum((e.amount for e in digital), Decimal(0))
        x["v"] += 1 if digital else 0
    return out


def test_generated_ventures_in_two_currencies_agree_with_the_raw_ledger(world: World) -> None:
    """Thirty ventures in two programmes (PEN, COP), sales on random days from December to
    September (month ends and weeks across months included), some voided, some with gaps of
    months, some with expenses only; every venture's M2 class and the per-currency M4 figures
    are computed again from the raw entries and must agree exactly."""
    import random

    rng = random.Random(25)
    ventures = []
    for n in range(30):
        owner = person(world, rng.choice(["female", "male"]))
        programme = world.programme_a if n % 2 else world.programme_b
        if programme == world.programme_b:
            Membership.objects.create(user=owner, programme=programme, role="participant")
        v = Venture.objects.create(
            owner=owner, programme=programme, name=f"G{n}", sector="G",
            country=programme.country, currency=programme.currency,
            started_on=dt.date(2025, 6, 1),
        )  # fmt: skip
        ventures.append(v)
        day = dt.date(2025, 12, 1)
        gap = rng.random() < 0.3
        k = 0
        while day <= dt.date(2026, 9, 30):
            if gap and day.month in (2, 7):  # whole months without a sale
                day += dt.timedelta(days=rng.randint(1, 6))
                continue
            kind = "expense" if n % 10 == 0 else "sale"
            amount = Decimal(rng.randint(100, 99999)) / (1 if v.currency == "COP" else 100)
            method = rng.choice(
                ["cash", "bank_transfer", "mobile_wallet", "card", "customer_credit"]
            )
            ledger.record_entry(
                venture=v, actor=owner,
                data=ledger.EntryInput(
                    id=f"g{v.pk}-{k}", kind=kind, amount=str(amount), occurred_on=day,
                    payment_method="cash" if kind == "expense" else method,
                    wallet="other" if kind == "sale" and method == "mobile_wallet" else "",
                ),
            )  # fmt: skip
            if rng.random() < 0.08:
                ledger.void_entry(actor=owner, entry_id=f"g{v.pk}-{k}", reason="typo")
            k += 1
            day += dt.timedelta(days=rng.randint(1, 9))
    m2 = M2Params(
        design="calendar", baseline_start=dt.date(2025, 12, 1), baseline_end=FEB,
        followup_start=JUL, followup_end=AUG, min_weeks=rng.choice([4, 6, 8]),
        tolerance=Decimal("0.05"),
    )  # fmt: skip
    params = ReportParams(
        programme_ids=(world.programme_a.pk, world.programme_b.pk),
        period_start=JAN,
        period_end=dt.date(2026, 9, 30),
        m2=m2,
    )
    windows = ((dt.date(2025, 12, 1), _month_end(FEB)), (JUL, _month_end(AUG)))
    got = m2_classes(params)
    expected = {v.pk: _m2_by_hand(v, windows, m2) for v in ventures}
    assert {v.pk: got.get(v.pk, "insufficient_data") for v in ventures} == expected
    assert len(set(expected.values())) >= 3  # the dataset reaches several classes
    m4 = compute(params, ["M4"])["M4"].details["by_currency"]
    by_hand = _m4_by_hand(ventures, JAN, dt.date(2026, 9, 30))
    for currency, x in by_hand.items():
        assert m4[currency]["sales"] == x["sales"], currency
        assert m4[currency]["digital"] == x["digital"], currency
        assert m4[currency]["ventures"] == x["v"], currency
