"""The donors' and managers' dashboard: what each may see, in words and numbers, from snapshots."""

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from backend.outcomes.models import IndicatorTarget, ReportSnapshot
from backend.programmes.models import Funding
from tests.conftest import World, make_programme

from .raw import raw_bits

NOW = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class _Text(HTMLParser):
    """The text a reader sees in <main>, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.depth += tag == "main"
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "main"
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def main_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def dashboard(client: Any, capture: Any) -> str:
    """The dashboard once its snapshots are made: the first visit asks for them (the task
    runs when the request's transaction commits), the second reads them."""
    with capture(execute=True):
        assert client.get("/reports/dashboard/").status_code == 200
    resp = client.get("/reports/dashboard/")
    assert resp.status_code == 200
    return resp.content.decode()


def test_donor_sees_the_programmes_their_funder_funds(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.donor)
    html = dashboard(client, django_capture_on_commit_callbacks)
    assert f'id="programme-{world.programme_a.pk}"' in html
    assert f'id="programme-{world.programme_b.pk}"' not in html
    # Donor figures went through disclosure control: 5 people reached by sex are withheld.
    snapshots = ReportSnapshot.objects.filter(requested_by=world.donor)
    assert snapshots.count() == 5  # the twelve months and their four three-month blocks
    assert all(s.suppressed and s.status == "done" for s in snapshots)
    text = main_text(html)
    assert "Participantes alcanzados" in text
    assert "<5" in text or "x" in text
    assert raw_bits(text) == []


@pytest.mark.parametrize("language", ["es", "en", "pt-br"])
def test_manager_dashboard_has_words_and_numbers_only(
    world: World,
    m2_world: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
    language: str,
) -> None:
    from .conftest import person, sales, venture_of

    # Two ventures that sold in the dashboard's M2 windows (Dec-Jan against Sep-Nov), 20% more.
    for _ in range(2):
        venture = venture_of(person(world, "female"), world)
        for month in (dt.date(2025, 12, 1), dt.date(2026, 1, 1)):
            sales(venture, month, ["100", "100"])
        for month in (dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)):
            sales(venture, month, ["120", "120"])
    world.manager.preferred_language = language
    world.manager.save()
    client.force_login(world.manager)
    text = main_text(dashboard(client, django_capture_on_commit_callbacks))
    assert raw_bits(text) == []
    # M2: both ventures with enough data in the windows improved their sales; the five of
    # m2_world sold in other months and have too little data here.
    eligible = {
        "es": "2 de 2 emprendimientos elegibles (100%)",
        "en": "2 of 2 eligible ventures (100%)",
        "pt-br": "2 de 2 empreendimentos elegíveis (100%)",
    }[language]
    assert eligible in text


def test_targets_are_set_against_actuals(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    IndicatorTarget.objects.create(
        programme=world.programme_a,
        indicator="REACH",
        target=20,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    client.force_login(world.manager)
    text = main_text(dashboard(client, django_capture_on_commit_callbacks))
    assert "5 de una meta de 20 (25%)" in text


@override_settings(TASKS=DB_TASKS)
def test_a_missing_snapshot_is_requested_and_being_prepared(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.donor)
    with django_capture_on_commit_callbacks(execute=True):
        text = main_text(client.get("/reports/dashboard/").content.decode())
    assert "se están preparando" in text
    assert ReportSnapshot.objects.filter(requested_by=world.donor, status="queued").count() == 5
    # Asking again while the worker has not run yet asks for nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert "se están preparando" in client.get("/reports/dashboard/").content.decode()
    assert ReportSnapshot.objects.filter(requested_by=world.donor).count() == 5


def test_dashboard_queries_do_not_grow_with_programmes(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.donor)
    dashboard(client, django_capture_on_commit_callbacks)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reports/dashboard/").status_code == 200
        return len(queries)

    one = count()
    for code in ("extra-1", "extra-2", "extra-3"):
        programme = make_programme(code)
        Funding.objects.create(
            funder=world.funder_1,
            programme=programme,
            amount=1000,
            currency="PEN",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    dashboard(client, django_capture_on_commit_callbacks)  # makes their snapshots
    assert count() == one, one
    assert (
        len(
            re.findall(
                r'class="card" id="programme-', client.get("/reports/dashboard/").content.decode()
            )
        )
        == 4
    )
