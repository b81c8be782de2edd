"""A vendor keeps her books on a 360 px phone in Chromium, online and then without coverage."""

import contextlib
import re
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from backend.ventures.models import Kind, LedgerEntry, Venture
from tests.conftest import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/screenshots")
# Waits up to 5 s for the service worker's cache of pages to be deleted.
KEPT_PAGES_GONE = """async () => {
  for (let i = 0; i < 50; i++) {
    const keys = await caches.keys();
    if (!keys.some((k) => k.endsWith("-pages"))) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return false;
}"""


@pytest.fixture
def erasable_ledger(transactional_db: Any) -> Any:
    """The ledger refuses deletes; the live-server test's database is emptied afterwards, so
    its entries go first, with the guard lifted for that moment only."""
    yield
    guard = import_module("backend.ventures.migrations.0002_ledger_append_only")
    forward, backward = guard.BY_VENDOR[connection.vendor]
    with connection.cursor() as cursor:
        for sql in backward:
            cursor.execute(sql)
        cursor.execute("DELETE FROM ventures_ledgerentry")
        for sql in forward:
            cursor.execute(sql)


def _phone(browser: Any, base: str, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="es-PE", viewport={"width": 360, "height": 740}, service_workers="allow"
    )
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base},  # noqa: E501
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": base},
        ]
    )  # fmt: skip
    return context


def _log(
    page: Any, amount: str, kind: str = "Venta", pay: str | None = None, online: bool = True,
    **extra: str,
) -> None:  # fmt: skip
    page.fill("#amount", amount)
    if pay:
        page.locator("label.chip", has_text=pay).click()
    for field, value in extra.items():
        page.fill(f"#{field}", value)
    button = page.get_by_role("button", name=kind, exact=True)
    if not online:
        button.click()
        return
    with page.expect_navigation():  # kept in the outbox first, then posted
        button.click()


def _today_row(page: Any) -> str:
    return str(page.locator("#totals-today").inner_text())


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_vendor_keeps_her_books_online_and_offline(
    live_server: Any, browser: Any, world: World, erasable_ledger: None, tmp_path: Path,
    settings: Any,
) -> None:  # fmt: skip
    settings.STORAGES = {  # receipts of this test go to its own folder
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = _phone(browser, live_server.url, world.participant_a)
    page = context.new_page()
    page.set_default_timeout(15_000)
    blocked: list[str] = []  # the site's CSP allows no inline script or style
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=re.compile("Mi negocio")).click()
    page.get_by_role("link", name="Registrar mi negocio").click()
    page.fill("#name", "Jugos Doña Rosa")
    page.select_option("#sector", "I")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(r"/business/\d+/$"))
    venture = Venture.objects.get(owner=world.participant_a)
    home = f"{live_server.url}/business/{venture.pk}/"
    _fits(page)

    _log(page, "15")  # cash is chosen already: amount, then "Venta"
    assert "S/\xa015.00" in _today_row(page) or "S/ 15.00" in _today_row(page)
    _log(page, "20", pay="Yape")
    _log(page, "7.50", kind="Gasto")
    _log(page, "40", pay="Fiado", customer="Rosa Pérez")
    page.wait_for_url(home)
    today = _today_row(page)
    assert "75.00" in today  # sales 15 + 20 + 40
    assert "7.50" in today
    assert "67.50" in today  # what is left
    chart_before = page.locator(".chart svg").inner_html()
    page.screenshot(path=str(SHOTS / "books-home.png"), full_page=True)

    page.get_by_role("link", name="Clientes que me deben").first.click()
    assert "Rosa Pérez" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "books-credit.png"), full_page=True)
    _fits(page)
    page.get_by_role("button", name="Anotar un pago").click()
    assert "Nadie te debe nada." in page.locator("main").inner_text()
    repayment = LedgerEntry.objects.get(venture=venture, kind=Kind.REPAYMENT)
    assert (repayment.amount, repayment.note) == (Decimal("40.00"), "Rosa Pérez")

    page.goto(f"{home}entries/")
    page.locator("li.entry", has_text="Yape").get_by_role("link", name="Anular").click()
    page.fill("#reason", "Era de otro día")
    page.get_by_role("button", name="Anular este registro").click()
    assert page.locator("#amount").input_value() == "20.00"  # offered to enter it again
    page.goto(f"{home}entries/")
    assert page.locator("li.entry.voided s", has_text="Yape").count() == 1
    page.screenshot(path=str(SHOTS / "books-entries.png"), full_page=True)
    _fits(page)
    page.goto(home)
    assert "55.00" in _today_row(page)  # the voided wallet sale no longer counts
    assert page.locator(".chart svg").inner_html() != chart_before

    # The service worker keeps the pages; then the phone loses coverage.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    before = LedgerEntry.objects.filter(venture=venture).count()
    context.set_offline(True)
    receipt = tmp_path / "recibo.jpg"
    Image.new("RGB", (40, 30), "white").save(receipt, "JPEG")
    _log(page, "3", online=False)
    page.set_input_files("#receipt", str(receipt))  # a photo of the receipt, taken offline
    _log(page, "4.50", online=False)
    _log(page, "5", online=False)
    expect(page.locator("#outbox-title")).to_have_text("3 ventas por enviar")
    assert page.locator("#offline-note").is_visible()
    page.reload()  # a reload without coverage: the page comes from the phone, the sales too
    expect(page.locator("#outbox-title")).to_have_text("3 ventas por enviar")
    expect(page.locator("#outbox-list li")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "books-outbox.png"), full_page=True)
    _fits(page)
    assert LedgerEntry.objects.filter(venture=venture).count() == before

    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden()
    expect(page.locator("#totals-today")).to_contain_text("67.50")  # shown again once sent
    sent = LedgerEntry.objects.filter(venture=venture).order_by("received_at")[before:]
    assert sorted(e.amount for e in sent) == [Decimal("3.00"), Decimal("4.50"), Decimal("5.00")]
    assert len({e.pk for e in sent}) == 3
    assert [bool(e.receipt) for e in sorted(sent, key=lambda e: e.amount)] == [False, True, False]
    page.reload()  # nothing is sent twice
    page.wait_for_load_state("networkidle")
    assert LedgerEntry.objects.filter(venture=venture).count() == before + 3
    assert page.locator("#outbox").is_hidden()
    assert "67.50" in _today_row(page)  # 55 + 3 + 4.50 + 5

    # The signal drops while a sale is being posted: the browser shows its error page, the
    # sale waits in the outbox, and the next visit sends it, once.
    def drop_posts(route: Any) -> None:
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/entries/new/", drop_posts)
    page.fill("#amount", "11")
    with pytest.raises(PlaywrightError, match="INTERNET_DISCONNECTED"), page.expect_navigation():
        page.get_by_role("button", name="Venta", exact=True).click()
    page.unroute("**/entries/new/")
    assert LedgerEntry.objects.filter(venture=venture).count() == before + 3
    page.goto(home)
    expect(page.locator("#totals-today")).to_contain_text("78.50")
    assert LedgerEntry.objects.filter(venture=venture, amount=Decimal("11.00")).count() == 1
    page.reload()
    page.wait_for_load_state("networkidle")
    assert LedgerEntry.objects.filter(venture=venture).count() == before + 4

    # A phone shared by several people: once she signs out, her kept pages are gone, and without
    # coverage her venture page no longer opens for whoever holds the phone next.
    assert "books-1-pages" in page.evaluate("caches.keys()")
    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(KEPT_PAGES_GONE), "the kept pages outlived the session"
    context.set_offline(True)
    with contextlib.suppress(PlaywrightError):  # no page to show: the browser's offline error
        page.goto(home)
    assert page.locator("#totals-today").count() == 0
    assert "Jugos" not in page.content()
    assert blocked == []
    context.close()
