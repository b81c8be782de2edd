"""Every portal page reachable from the navigation fits a 360 px phone, for every role.

Each role signs in (a session cookie handed to Chromium), starts at the home page and follows
the portal links it is shown, page after page. On each page nothing may stick out of the
viewport: the document does not scroll sideways, and no element reaches past its right edge.
Only a box that scrolls sideways by design (a wide data table inside `.scroll`) may hold
content wider than the screen, and the box itself must fit.
"""

import datetime as dt
import os
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from backend.accounts.models import ParticipantProfile, User
from backend.finance import services as finance
from backend.finance.content.load import install_core
from backend.finance.fund import services as fund_services
from backend.finance.fund.models import Fund
from backend.finance.models import Lesson, Module, QuizChoice, QuizQuestion
from backend.outcomes import services as outcomes
from backend.outcomes.models import PriceIndex
from backend.training import services as training
from backend.ventures.models import Venture
from tests.conftest import World
from tests.outcomes.conftest import calendar, person
from tests.training.conftest import add_sessions, make_cohort, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360
ROLES = ("participant_a", "trainer", "manager", "donor")
# Not pages to lay out: downloads, signing out, the admin, the language switch, the API.
SKIP = ("/accounts/logout", "/admin/", "/i18n/", "/static/", "/api/", "/_allauth/", "/media/")
SKIP_ENDINGS = (".pdf", ".csv", ".xlsx", "/pdf/", "/roster.csv")
SHOTS = Path(os.environ.get("IMPULSA_SCREENSHOTS", "var/screenshots"))

OVERFLOW_JS = """(width) => {
  const inScroller = (el) => {
    for (let p = el.parentElement || el.parentNode; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > width + 0.5 || r.left < -0.5) && !inScroller(el)) {
      const text = (el.innerText || '').trim().slice(0, 40);
      const where = `${Math.round(r.left)}..${Math.round(r.right)}`;
      wide.push(`${el.tagName.toLowerCase()}.${el.className} ${where} "${text}"`);
    }
  }
  // Text that runs past its box (a long email) widens the page without widening any box.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || inScroller(node)) continue;
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width && (r.right > width + 0.5 || r.left < -0.5)) {
      const text = node.textContent.trim().slice(0, 40);
      wide.push(`text ${Math.round(r.left)}..${Math.round(r.right)} "${text}"`);
    }
  }
  return {
    scroll: document.documentElement.scrollWidth,
    wide: wide.slice(0, 8),
    charts: document.querySelectorAll('.chart svg').length,
  };
}"""


def _long_names(world: World) -> None:
    """Real names are long; the layout has to survive them (and a long email address)."""
    ParticipantProfile.objects.update_or_create(
        user=world.participant_a,
        defaults={"display_name": "María Fernanda Pérez de los Ríos Villanueva"},
    )
    User.objects.filter(pk=world.manager.pk).update(
        email="gestora.programa.colombia.venezuela@organizacion-humanitaria.example.org"
    )


def _portal_data(world: World) -> None:
    """Something on every page: a cohort, a fund with a grant, a savings goal, a report."""
    # The lessons come from a data migration, which an earlier transactional test's flush
    # removes; the loader is idempotent.
    install_core(Module, Lesson, QuizQuestion, QuizChoice)
    cohort = make_cohort(world, make_course())
    add_sessions(cohort, 3)
    training.enroll(actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk)
    fund = Fund.objects.create(
        programme=world.programme_a,
        slug="fondo-a",
        currency="PEN",
        goal=Decimal("60000000.00"),
        title="Fondo de capital semilla para emprendimientos de Piura y Tacna",
        story_es="Historia",
        suggested_amounts=["20", "50"],
        min_donation=Decimal("5.00"),
        max_donation=Decimal("5000.00"),
    )
    fund_services.record_contribution(
        fund=fund, amount="30390000", funder=world.funder_1, note="", reference="r1",
        actor=world.manager,
    )  # fmt: skip
    venture = Venture.objects.create(
        owner=world.participant_a,
        programme=world.programme_a,
        name="Panadería y pastelería artesanal Los Andes de Piura",
        sector="G",
        country="PE",
        currency="PEN",
        started_on=dt.date(2025, 3, 1),
    )
    fund_services.grant_to_venture(
        fund=fund, venture=venture, amount="1250000.50",
        purpose="Horno industrial y vitrina refrigerada", actor=world.manager,
    )  # fmt: skip
    finance.create_goal(user=world.participant_a, name="Horno", target_amount="1960000")
    # People of both sexes, so the report has a breakdown to chart. No ledger entries: the
    # ledger is append-only, and this test's database is emptied afterwards.
    lesson = Lesson.objects.filter(module__code="core").order_by("order").first()
    for sex in ("female", "male", "female"):
        finance.complete_lesson(user=person(world, sex), lesson=lesson)
    today = timezone.localdate()
    # The report is in real terms too, so its real-terms figures and terms lines are laid out.
    PriceIndex.objects.bulk_create(
        PriceIndex(
            country="PE", month=dt.date(year, month, 1), value=Decimal(100 + i), source="INEI"
        )
        for i, (year, month) in enumerate((y, m) for y in (2025, 2026, 2027) for m in range(1, 13))
    )
    params = replace(
        calendar(world, breakdown=("sex",)),
        period_start=today - dt.timedelta(days=300),
        period_end=today,
        terms="real",
    )
    outcomes.request_report(user=world.manager, params=params)


def _signed_in(browser: Any, base: str, user: User) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="es-CO", viewport={"width": WIDTH, "height": 780})
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": base},
        ]
    )
    return context


def _portal_links(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("header a[href], main a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP) or parts.path.endswith(SKIP_ENDINGS):
            continue
        out.append(path)
    return out


# Pages the navigation reaches only through a form: the loan tool with a result, the public
# fund page (linked from outside the portal) and the post-test.
EXTRA = {
    "participant_a": [
        "/tools/credit-cost/?country=PE&amount_received=1.000&repayment=60&frequency=daily"
        "&payments=24",
        "/finance/knowledge-test/post/",
    ],
    "donor": ["/fund/fondo-a/"],
}


def _crawl(
    page: Any, base: str, role: str, extra: list[str], limit: int = 40
) -> dict[str, dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    queue = ["/", *EXTRA.get(role, []), *extra]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = page.goto(base + path)
        assert response is not None
        assert response.status < 500, f"{role} {path}: {response.status}"
        seen[path] = page.evaluate(OVERFLOW_JS, WIDTH) | {"status": response.status}
        name = path.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(SHOTS / f"{role}-{name}.png"), full_page=True)
        queue += [p for p in _portal_links(page, base) if p not in seen]
    return seen


def test_every_portal_page_fits_a_360_px_phone_for_every_role(
    live_server: Any, browser: Any, world: World
) -> None:
    _long_names(world)
    _portal_data(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    visited: dict[str, list[str]] = {}
    charts: dict[str, int] = {}
    # The books' full entry form is the target of the venture page's form, not of a link.
    venture = Venture.objects.get(owner=world.participant_a)
    extra = {"participant_a": [f"/business/{venture.pk}/entries/new/"]}
    for role in ROLES:
        context = _signed_in(browser, live_server.url, getattr(world, role))
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages = _crawl(page, live_server.url, role, extra.get(role, []))
        context.close()
        visited[role] = sorted(pages)
        if role == "manager":
            charts = {path: found["charts"] for path, found in pages.items()}
        for path, found in pages.items():
            if found["scroll"] > WIDTH or found["wide"]:
                problems.append(f"{role} {path}: scrollWidth {found['scroll']}; {found['wide']}")
    # Each role reached the pages its navigation offers, not only the home page.
    assert "/finance/savings/" in visited["participant_a"]
    assert "/finance/knowledge-test/pre/" in visited["participant_a"]
    books = f"/business/{venture.pk}/"
    for path in ("", "entries/", "credit/", "edit/"):
        assert books + path in visited["participant_a"], path
    assert any(p.startswith("/training/cohorts/") for p in visited["trainer"])
    # A report's own page (its id in the path) carries the chart; /reports/iati/ is a form.
    # The dashboard's own reports (last twelve whole months) may hold no one from this data,
    # and so no chart; the report made above does.
    reports = [p for p in visited["manager"] if re.fullmatch(r"/reports/[0-9a-f-]{36}/", p)]
    assert reports
    assert any(charts[p] for p in reports)  # a chart was on a page that was measured
    assert "/reports/dashboard/" in visited["donor"]
    assert "/reports/schedules/" in visited["manager"]
    assert any(p.endswith("/fund/") for p in visited["manager"])
    assert any(p.endswith("/fund/") for p in visited["donor"])
    assert not problems, "\n".join(problems)


def test_home_greets_by_the_name_given_not_the_email(
    live_server: Any, browser: Any, world: World
) -> None:
    _long_names(world)
    for role, expected in (("participant_a", "María Fernanda"), ("manager", None)):
        context = _signed_in(browser, live_server.url, getattr(world, role))
        page = context.new_page()
        page.goto(live_server.url + "/")
        heading = page.locator("h1").inner_text()
        context.close()
        assert "@" not in heading
        if expected:
            assert expected in heading
