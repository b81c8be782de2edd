"""A donor signs in and reads the dashboard of the programme their funder funds, on a phone and
a desktop, in each language: nothing wider than the screen, no program internals on the page,
and the PDF and spreadsheet behind it read the same way."""

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from openpyxl import load_workbook

from backend.accounts.models import User
from backend.finance import services as finance
from backend.finance.content.load import install_core
from backend.finance.models import Lesson, Module, QuizChoice, QuizQuestion
from tests.conftest import World
from tests.e2e.test_phone_layout import OVERFLOW_JS
from tests.e2e.test_portal_login import current_totp, sign_in
from tests.outcomes.conftest import person
from tests.outcomes.raw import raw_bits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("IMPULSA_SCREENSHOTS", "var/screenshots"))
HEADINGS = {"es": "Resultados de los programas", "en": "Programme results",
            "pt-br": "Resultados dos programas"}  # fmt: skip


def _people(world: World) -> None:
    """Eleven people who finished a core lesson last month (so inside the dashboard's last
    twelve whole months on any day the suite runs): figures a donor may see. No ledger
    entries: the ledger is append-only, and this test's database is emptied."""
    install_core(Module, Lesson, QuizQuestion, QuizChoice)
    lesson = Lesson.objects.filter(module__code="core").order_by("order").first()
    assert lesson is not None
    # Last month in the programme's own time zone (on New Year's Eve in Bogotá it is already
    # January in UTC), at noon there.
    last_month = world.programme_a.today().replace(day=1) - dt.timedelta(days=20)
    when = dt.datetime.combine(
        last_month, dt.time(12), tzinfo=ZoneInfo(world.programme_a.time_zone)
    )
    with time_machine.travel(when, tick=False):
        for sex in ["female"] * 6 + ["male"] * 5:
            finance.complete_lesson(user=person(world, sex), lesson=lesson)


def test_donor_reads_the_dashboard_on_a_phone_and_a_desktop(
    live_server: Any, page: Any, world: World
) -> None:
    _people(world)
    sign_in(page, live_server.url, "donor@example.org")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", current_totp())
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("a[href='/reports/dashboard/']")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("es", "en", "pt-br"):
        User.objects.filter(pk=world.donor.pk).update(preferred_language=language)
        for width, height in ((360, 740), (1280, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}/reports/dashboard/")
            main = page.locator("main")
            text = main.inner_text()
            assert HEADINGS[language] in text
            assert world.programme_a.name in text
            assert world.programme_b.name not in page.content()
            assert raw_bits(text) == [], (language, width)
            # Eleven people reached, their breakdown by sex and the trend are drawn.
            reach = page.locator(f"#fig-{world.programme_a.pk}-REACH")
            assert "11" in reach.inner_text()
            assert reach.locator("svg").count() >= 2
            fit = page.evaluate(OVERFLOW_JS, width)
            assert fit["scroll"] <= width, (language, width, fit)
            assert not fit["wide"], (language, width, fit)
            page.screenshot(path=str(SHOTS / f"dashboard-{language}-{width}.png"), full_page=True)
        # The PDF and the spreadsheet of the same snapshot, in the same language.
        href = page.locator("a[href$='report.pdf']").first.get_attribute("href")
        pdf = page.request.get(f"{live_server.url}{href}").body()
        for number, p in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages, start=1):
            assert raw_bits(p.extract_text()) == [], (language, number)
        (SHOTS / f"dashboard-{language}.pdf").write_bytes(pdf)
        xlsx = page.request.get(f"{live_server.url}{href.replace('.pdf', '.xlsx')}").body()
        for sheet in load_workbook(io.BytesIO(xlsx)).worksheets:
            for row in sheet.iter_rows(values_only=True):
                for cell in row:
                    assert raw_bits(str(cell)) == [] or cell is None, (language, sheet.title, cell)
