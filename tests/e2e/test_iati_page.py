"""A manager finds the IATI results file on a phone, and a bad date is explained on the form."""

import os
from typing import Any

import pytest

from tests.conftest import World
from tests.e2e.test_portal_login import current_totp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_iati_form_fits_a_phone_and_explains_a_date_that_does_not_exist(
    live_server: Any, page: Any, world: World
) -> None:
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server.url, "manager@example.org")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", current_totp())
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/")
    page.click("a[href='/reports/iati/']")
    page.fill("#iati-start", "2026-01-01")
    page.fill("#iati-end", "2026-06-30")
    # The organisation has no IATI identifier yet: the form says so instead of a file.
    page.click("#iati-form button[type=submit]")
    error = page.locator("#iati-error")
    assert "identificador IATI" in error.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    if os.environ.get("IMPULSA_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["IMPULSA_SCREENSHOTS"], "iati-360.png"))
