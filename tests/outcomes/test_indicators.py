"""Every indicator on a small dataset whose expected values are worked out here by hand."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from backend.accounts.models import ParticipantProfile, User
from backend.outcomes.indicators import compute
from backend.outcomes.params import M2Params, ReportParams
from backend.programmes.models import Membership
from backend.training.models import Cohort, Course, Enrollment
from backend.ventures import services as ledger
from backend.ventures.models import Venture
from tests.conftest import World, consent

_ids = itertools.count()


def person(world: World, sex: str, birth_year: int | None = 1990) -> User:
    user = User.objects.create_user(phone=f"+5198755{next(_ids):04d}", phone_verified=True)
    Membership.objects.create(user=user, programme=world.programme_a, role="participant")
    consent(user, world.notice)
    ParticipantProfile.objects.create(
        user=user, sex=sex, birth_year=birth_year, population_group="refugee_migrant"
    )
    return user


def venture_of(owner: User, world: World) -> Venture:
    return Venture.objects.create(
        owner=owner,
        programme=world.programme_a,
        name=f"V{owner.pk}",
        sector="G",
        country="PE",
        currency="PEN",
        started_on=dt.date(2025, 6, 1),
    )


def sales(venture: Venture, month: dt.date, amounts: list[str], method: str = "cash") -> None:
    """One sale per week of the month: the 1st, 8th, 15th, 22nd (and 29th)."""
    for week, amount in enumerate(amounts):
        ledger.record_entry(
            venture=venture,
            actor=venture.owner,
            data=ledger.EntryInput(
                id=f"e{venture.pk}-{month:%Y%m}-{week}",
                kind="sale",
                amount=amount,
                occurred_on=month.replace(day=1 + 7 * week),
                payment_method=method,
            ),
        )


JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
JUL, AUG, SEP = dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)


def two_windows(venture: Venture, base: str, follow: str, base_weeks: int = 2) -> None:
    """Baseline: Jan and Feb, `base_weeks` sales each; follow-up: Jul and Aug, two sales each."""
    for month in (JAN, FEB):
        sales(venture, month, [base] * base_weeks)
    for month in (JUL, AUG):
        sales(venture, month, [follow] * 2)


def calendar(world: World, **extra: Any) -> ReportParams:
    m2 = M2Params(
        design="calendar",
        baseline_start=JAN,
        baseline_end=FEB,
        followup_start=JUL,
        followup_end=AUG,
        min_weeks=4,
        tolerance=Decimal("0.05"),
    )
    return ReportParams(
        programme_ids=(world.programme_a.pk,),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 9, 30),
        m2=m2,
        **extra,
    )


@pytest.fixture
def m2_world(world: World) -> dict[str, Venture]:
    # Baseline monthly mean is 200 for all (two sales of 100 in each of two months).
    names = ["exactly_plus5", "plus6", "exactly_minus5", "minus6", "too_few_weeks"]
    sexes = ["female", "female", "male", "female", "male"]
    vs = {
        name: venture_of(person(world, sex), world) for name, sex in zip(names, sexes, strict=True)
    }
    two_windows(vs["exactly_plus5"], "100", "105")  # follow-up mean 210 = +5.0%: maintained
    two_windows(vs["plus6"], "100", "106")  # +6%: improved
    two_windows(vs["exactly_minus5"], "100", "95")  # -5.0%: maintained
    two_windows(vs["minus6"], "100", "94")  # -6%: declined
    two_windows(vs["too_few_weeks"], "150", "300", base_weeks=1)  # 2 baseline weeks < 4: no verdict
    # A big sale entered by mistake and voided must not lift "minus6".
    big = ledger.EntryInput(
        id="mistake",
        kind="sale",
        amount="5000",
        occurred_on=dt.date(2026, 7, 30),
        payment_method="cash",
    )
    ledger.record_entry(venture=vs["minus6"], actor=vs["minus6"].owner, data=big)
    ledger.void_entry(actor=vs["minus6"].owner, entry_id="mistake", reason="typo")
    return vs


def test_m2_calendar_design_at_the_tolerance_edges(
    world: World, m2_world: dict[str, Venture]
) -> None:
    result = compute(calendar(world), ["M2"])["M2"]
    assert result.details["classes"] == {
        "improved": 1,
        "maintained": 2,
        "declined": 1,
        "insufficient_data": 1,
    }
    assert result.details["eligible"] == 4
    assert result.counts.total == 3  # improved or maintained


def test_m2_min_weeks_edge(world: World, m2_world: dict[str, Venture]) -> None:
    params = calendar(world)
    loose = ReportParams(
        **{**params.__dict__, "m2": M2Params(**{**params.m2.__dict__, "min_weeks": 2})}
    )
    classes = compute(loose, ["M2"])["M2"].details["classes"]
    assert classes["insufficient_data"] == 0  # two weeks in each window now qualify
    assert classes["improved"] == 2  # 300 vs 150: improved


def test_m2_breakdown_by_sex(world: World, m2_world: dict[str, Venture]) -> None:
    result = compute(calendar(world, breakdown=("sex",)), ["M2"])["M2"]
    assert result.counts.cells == {("female",): 2, ("male",): 1}


def test_m2_training_relative_design(world: World) -> None:
    owner = person(world, "female")
    v = venture_of(owner, world)
    course = Course.objects.create(
        code="siyb-iyb",
        title_es="Mejora",
        title_en="Improve",
        title_pt="Melhore",
        stage="improve",
        planned_hours=20,
        counts_as_business_skills=True,
    )
    cohort = Cohort.objects.create(
        course=course,
        programme=world.programme_a,
        name="C",
        start_date=dt.date(2026, 4, 6),
        end_date=dt.date(2026, 5, 20),
        capacity=20,
        is_virtual=True,
    )
    Enrollment.objects.create(
        cohort=cohort, participant=owner, status="completed", completed_on=dt.date(2026, 5, 20)
    )
    # window 2 months: baseline Feb-Mar (before April); follow-up Jul-Aug (offset 2 after May)
    for month in (FEB, MAR):
        sales(v, month, ["100", "100"])
    for month in (JUL, AUG):
        sales(v, month, ["120", "120"])
    sales(v, JAN, ["1"] * 4)  # outside both windows: ignored
    m2 = M2Params(design="training", window_months=2, offset_months=2, min_weeks=4)
    params = ReportParams(
        programme_ids=(world.programme_a.pk,),
        period_start=JAN,
        period_end=dt.date(2026, 9, 30),
        m2=m2,
    )
    result = compute(params, ["M2"])["M2"]
    assert result.details["classes"]["improved"] == 1
    assert result.counts.total == 1


def test_reach_and_m1(world: World, m2_world: dict[str, Venture]) -> None:
    course = Course.objects.create(
        code="siyb-start",
        title_es="Inicia",
        title_en="Start",
        title_pt="Inicie",
        stage="start",
        planned_hours=20,
        counts_as_business_skills=True,
    )
    other = Course.objects.create(
        code="soft",
        title_es="Blandas",
        title_en="Soft",
        title_pt="Soft",
        stage="other",
        planned_hours=8,
        counts_as_business_skills=False,
    )
    c1 = Cohort.objects.create(
        course=course,
        programme=world.programme_a,
        name="A",
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 3, 1),
        capacity=20,
        is_virtual=True,
    )
    c2 = Cohort.objects.create(
        course=other,
        programme=world.programme_a,
        name="B",
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 3, 1),
        capacity=20,
        is_virtual=True,
    )
    Enrollment.objects.create(
        cohort=c1,
        participant=world.participant_a,
        status="completed",
        completed_on=dt.date(2026, 3, 1),
    )
    Enrollment.objects.create(
        cohort=c2,
        participant=world.participant_b,
        status="completed",
        completed_on=dt.date(2026, 3, 1),
    )
    results = compute(calendar(world), ["REACH", "M1"])
    # five venture owners kept books, participants A and B were in cohorts: 7 people
    assert results["REACH"].counts.total == 7
    assert results["M1"].counts.total == 1  # only the business-skills course counts
