"""Tokens, sessions and security headers."""

import json
from typing import Any

from django.test import Client

from backend.accounts.models import User
from tests.conftest import PASSWORD, ApiClient, World


def app_login(email: str) -> str:
    resp = Client().post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"email": email, "password": PASSWORD}),
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    return str(resp.json()["meta"]["session_token"])


def test_logout_invalidates_the_session_token(world: World) -> None:
    token = app_login("trainer@example.org")
    headers = {"X-Session-Token": token}
    assert Client().get("/api/v1/me", headers=headers).status_code == 200
    assert Client().delete("/_allauth/app/v1/auth/session", headers=headers).status_code == 401
    assert Client().get("/api/v1/me", headers=headers).status_code == 401


def test_deactivated_users_token_is_refused(world: World) -> None:
    api = ApiClient(world.participant_a)
    assert api.get("me").status_code == 200
    User.objects.filter(pk=world.participant_a.pk).update(is_active=False)
    assert api.get("me").status_code == 401


def test_security_headers_on_pages_and_api(db: Any) -> None:
    page = Client().get("/accounts/login/")
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    csp = page["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    api = Client().get("/api/v1/health")
    assert api["X-Content-Type-Options"] == "nosniff"


def test_absolute_session_lifetime_ends_old_portal_sessions(
    world: World, client: Any, settings: Any
) -> None:
    client.force_login(world.trainer)
    assert client.get("/").status_code == 200
    settings.IMPULSA_SESSION_ABSOLUTE_SECONDS = -1
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")
