import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.conftest import PASSWORD, TOTP_SECRET, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def current_totp() -> str:
    """The code of this 30-second step. The server takes only the current step's code, so near
    a step's end (a loaded machine may take seconds to submit) wait for the next step."""
    left = 30 - time.time() % 30
    if left < 6:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def sign_in(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[method=post] button[type=submit]")


def test_manager_signs_in_with_password_and_totp_and_reaches_home(
    live_server: Any, page: Any, world: World
) -> None:
    sign_in(page, live_server.url, "manager@example.org")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", current_totp())
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    section = page.locator("#managed-programmes")
    assert "Programas que gestiona" in section.inner_text()
    assert world.programme_a.name in section.inner_text()
    assert world.programme_b.name not in page.content()


def test_participant_reaches_home_in_portuguese(live_server: Any, page: Any, world: World) -> None:
    world.participant_a.email = "ana@example.org"
    world.participant_a.preferred_language = "pt-br"
    world.participant_a.set_password(PASSWORD)
    world.participant_a.save()
    sign_in(page, live_server.url, "ana@example.org")
    page.wait_for_url(f"{live_server.url}/")
    assert "Seus programas" in page.locator("#participant-programmes").inner_text()
