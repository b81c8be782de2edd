"""A small hand-built dataset for the indicator and report tests."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from backend.accounts.models import ParticipantProfile, User
from backend.outcomes.params import M2Params, ReportParams
from backend.programmes.models import Membership
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
    """Five ventures at the edges of M2's rules; see each line."""
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
