"""The attacker's audit over the donor reports the demo and the national datasets produce."""

import io
import time

import pytest
from django.core.management import call_command

from backend.outcomes.management.commands.report_timing import story_params
from backend.outcomes.report import build
from backend.programmes.models import Programme

from .attacker import audit, published

BREAKDOWNS = [
    (),
    ("sex",),
    ("age_band",),
    ("disability",),
    ("sex", "age_band"),
    ("population_group", "sex"),
    ("country", "disability"),
]


def _audit_every_breakdown() -> float:
    programme = Programme.objects.order_by("pk").first()
    assert programme is not None
    slowest = 0.0
    for breakdown in BREAKDOWNS:
        params = story_params(programme.today(), breakdown)
        started = time.perf_counter()
        data = build(params, suppress=True, k=5)
        slowest = max(slowest, time.perf_counter() - started)
        found = audit(*published(data), k=5)
        assert found == [], (breakdown, found)
    return slowest


@pytest.mark.django_db
def test_demo_donor_reports_withstand_the_attack() -> None:
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO(), stderr=io.StringIO())
    _audit_every_breakdown()


@pytest.mark.django_db
def test_national_donor_reports_withstand_the_attack() -> None:
    """The national loader at a 0.004 factor (its people, programmes, currencies and time zones
    in small): every donor report of seven breakdowns audited; about 30 s on SQLite."""
    call_command(
        "seed_demo", "--scale", "national", "--factor", "0.004",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    _audit_every_breakdown()
