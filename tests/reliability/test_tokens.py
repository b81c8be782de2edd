"""Tokens and sessions: logout, closed accounts, idle and absolute lifetimes, second factor.

The app's X-Session-Token and the portal's cookie are both Django sessions; each check here
runs against the token the phone holds (signed in through the headless app endpoints) and,
where it applies, against the portal cookie. Time is moved with a controllable clock rather
than by waiting, so a lifetime of hours is checked in milliseconds.
"""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import User
from tests.conftest import PASSWORD, TOTP_SECRET, ApiClient, World

APP = "/_allauth/app/v1"
HOUR = 3600


class Clock:
    """timezone.now() under the test's control (sessions read it for expiry and for stamps)."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: c.now):
        yield c


@pytest.fixture
def lifetimes(settings: Any) -> tuple[int, int]:
    """An idle lifetime of 1 hour and an absolute one of 4 hours."""
    settings.SESSION_COOKIE_AGE = 1 * HOUR
    settings.IMPULSA_SESSION_ABSOLUTE_SECONDS = 4 * HOUR
    return settings.SESSION_COOKIE_AGE, settings.IMPULSA_SESSION_ABSOLUTE_SECONDS


def app_post(path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"X-Session-Token": token} if token else {}
    return Client().post(
        f"{APP}{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )


def app_login(email: str, *, mfa: bool = False) -> str:
    """Signs in as the phone does; with mfa, passes the second factor too."""
    resp = app_post("/auth/login", {"email": email, "password": PASSWORD})
    token = str(resp.json()["meta"]["session_token"])
    if mfa:
        assert resp.status_code == 401, resp.content
        pending = [f["id"] for f in resp.json()["data"]["flows"] if f.get("is_pending")]
        assert pending == ["mfa_authenticate"]
        resp = app_post("/auth/2fa/authenticate", {"code": totp_code()}, token)
    assert resp.status_code == 200, resp.content
    return str(resp.json()["meta"].get("session_token", token))


def totp_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, next(yield_hotp_counters_from_time())))


def api_status(token: str, path: str = "/api/v1/me") -> int:
    return Client().get(path, headers={"X-Session-Token": token}).status_code


def app_session_status(token: str) -> int:
    """allauth's own view of the token: 200 signed in, 401 signed out, 410 token gone."""
    return Client().get(f"{APP}/auth/session", headers={"X-Session-Token": token}).status_code


# --- logout and closed accounts ------------------------------------------------------------


def test_logout_ends_the_token_everywhere(world: World) -> None:
    token = app_login("trainer@example.org")
    assert api_status(token) == 200
    resp = Client().delete(f"{APP}/auth/session", headers={"X-Session-Token": token})
    assert resp.status_code == 401  # allauth answers a logout with the signed-out state
    assert api_status(token) == 401
    assert app_session_status(token) == 410
    assert not Session.objects.filter(session_key=token).exists()


def test_a_deactivated_users_token_is_refused_by_the_api_and_by_allauth(world: World) -> None:
    token = app_login("trainer@example.org")
    assert api_status(token) == 200
    User.objects.filter(pk=world.trainer.pk).update(is_active=False)
    assert api_status(token) == 401
    assert app_session_status(token) in (401, 410)
    # Signing in again is refused too.
    assert (
        app_post("/auth/login", {"email": "trainer@example.org", "password": PASSWORD}).status_code
        != 200
    )


def test_an_erased_users_tokens_are_refused_on_every_device(world: World) -> None:
    phone, tablet = ApiClient(world.participant_a), ApiClient(world.participant_a)
    assert phone.token
    assert tablet.token
    assert phone.token != tablet.token
    erasure = phone.post("me/erasure")
    assert erasure.status_code == 202, erasure.content
    done = phone.post(f"me/erasure/{erasure.json()['id']}/confirm", {"confirm": True})
    assert done.status_code == 200, done.content
    tokens = (phone.token, tablet.token)
    for token in tokens:
        resp = Client().get("/api/v1/me", headers={"X-Session-Token": token})
        assert resp.status_code == 401
        assert resp.json()["error"]["code"] == "unauthenticated"
        assert app_session_status(token) in (401, 410)
    # Even an account switched back on by mistake does not bring an old token back: the
    # erasure replaced the password, and a session is bound to the password it began with.
    User.objects.filter(pk=world.participant_a.pk).update(is_active=True)
    assert [api_status(token) for token in tokens] == [401, 401]


# --- idle and absolute lifetimes of app tokens --------------------------------------------


def test_an_idle_app_token_expires_and_activity_keeps_it_alive(
    world: World, clock: Clock, lifetimes: tuple[int, int]
) -> None:
    idle, _ = lifetimes
    token = app_login("trainer@example.org")
    # Active use renews it: three idle-lengths of time pass, never a full idle period at once.
    for _step in range(6):
        clock.advance(idle / 2)
        assert api_status(token) == 200
    clock.advance(idle - 30)
    assert api_status(token) == 200
    # Then a full idle period without a call ends it, for the API and for allauth alike.
    clock.advance(idle + 1)
    assert api_status(token) == 401
    assert app_session_status(token) == 410


def test_an_app_token_ends_at_the_absolute_lifetime_however_active(
    world: World, clock: Clock, lifetimes: tuple[int, int]
) -> None:
    idle, absolute = lifetimes
    token = app_login("trainer@example.org")
    lived = 0
    while lived + idle / 2 <= absolute:
        clock.advance(idle / 2)
        lived += idle // 2
        assert api_status(token) == 200, lived
    clock.advance(idle / 2)  # now past the absolute lifetime, never idle for long
    assert api_status(token) == 401
    assert not Session.objects.filter(session_key=token).exists()
    assert app_session_status(token) == 410


def test_a_new_sign_in_starts_a_new_absolute_lifetime(
    world: World, clock: Clock, lifetimes: tuple[int, int]
) -> None:
    idle, absolute = lifetimes
    old = app_login("trainer@example.org")
    for _step in range(int(absolute / (idle / 2))):
        clock.advance(idle / 2)
        assert api_status(old) == 200
    new = app_login("trainer@example.org")  # 4 hours in: a fresh clock for this token
    clock.advance(idle / 2 + 1)
    assert api_status(old) == 401
    assert api_status(new) == 200


def test_renewal_writes_at_most_once_a_minute(
    world: World, clock: Clock, lifetimes: tuple[int, int]
) -> None:
    token = app_login("trainer@example.org")
    expiry = Session.objects.get(session_key=token).expire_date
    clock.advance(10)
    with CaptureQueriesContext(connection) as ctx:
        assert api_status(token) == 200
    touches = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    assert len(touches) == 1, touches  # one read, no write
    assert touches[0].lstrip().upper().startswith("SELECT"), touches
    assert Session.objects.get(session_key=token).expire_date == expiry
    clock.advance(60)
    assert api_status(token) == 200
    assert Session.objects.get(session_key=token).expire_date == expiry + dt.timedelta(seconds=70)


# --- portal cookie sessions ---------------------------------------------------------------


def test_an_idle_portal_session_expires_and_activity_keeps_it_alive(
    world: World, clock: Clock, lifetimes: tuple[int, int]
) -> None:
    idle, _ = lifetimes
    client = Client()
    client.force_login(world.trainer)
    for _step in range(4):
        clock.advance(idle - 60)
        assert client.get("/training/").status_code == 200
    clock.advance(idle + 1)
    resp = client.get("/training/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


def test_a_portal_session_ends_at_the_absolute_lifetime(
    world: World, clock: Clock, lifetimes: tuple[int, int]
) -> None:
    idle, absolute = lifetimes
    client = Client()
    client.force_login(world.trainer)
    for _step in range(int(absolute / (idle / 2))):
        clock.advance(idle / 2)
        assert client.get("/training/").status_code == 200
    clock.advance(idle / 2)
    resp = client.get("/training/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


# --- second factor --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "donor", "admin"])
def test_staff_and_donors_need_the_second_factor_to_get_a_token(world: World, role: str) -> None:
    email = world.role(role).email  # type: ignore[union-attr]
    resp = app_post("/auth/login", {"email": email, "password": PASSWORD})
    assert resp.status_code == 401
    half_signed_in = resp.json()["meta"]["session_token"]
    assert api_status(half_signed_in) == 401  # the password alone opens nothing
    wrong = "000000" if totp_code() != "000000" else "111111"
    assert app_post("/auth/2fa/authenticate", {"code": wrong}, half_signed_in).status_code == 400
    assert api_status(half_signed_in) == 401
    assert api_status(app_login(email, mfa=True)) == 200


@pytest.mark.parametrize("role", ["manager", "donor", "admin"])
def test_staff_and_donors_without_totp_see_no_data_on_api_or_portal(
    world: World, role: str
) -> None:
    user = world.role(role)
    assert user is not None
    user.authenticator_set.all().delete()
    token = app_login(str(user.email))  # no second factor enrolled: the password signs in
    resp = Client().get(
        f"/api/v1/programmes/{world.programme_a.pk}/participants",
        headers={"X-Session-Token": token},
    )
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "mfa_required"
    assert api_status(token, "/api/v1/ventures") == 403
    portal = Client()
    portal.force_login(user)
    for page in ("/", "/reports/", "/training/", "/admin/"):
        resp = portal.get(page)
        assert resp.status_code == 302, page
        assert resp["Location"].startswith("/accounts/2fa/totp/activate"), page


def test_participants_and_trainers_are_not_asked_for_a_second_factor(world: World) -> None:
    assert api_status(app_login("trainer@example.org")) == 200
    assert ApiClient(world.participant_a).get("me").status_code == 200
