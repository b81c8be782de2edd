"""Every URL of the product, called anonymously, answers 401, 403 or a redirect to sign-in,
unless it is on the explicit public list below."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Public on purpose: sign-in and sign-up, health, the privacy notice, verification pages, the
# credit-cost tool, the fund pages and Stripe's webhook, the API docs, static files and the
# site icon.
PUBLIC = [
    r"^accounts/",
    r"^_allauth/",
    r"^i18n/",
    r"^static/",
    r"^favicon\.ico$",
    r"^api/v1/$",  # the API root serves nothing (404)
    r"^api/v1/health$",
    r"^api/v1/consent/notice$",
    r"^api/v1/docs$",
    r"^api/v1/openapi\.json$",
    r"^api/v1/finance/credit-cost$",
    r"^verify(/|$)",  # the certificate check, and its form at /verify/ (or /verify)
    r"^ventures/verify/",
    # The books' installable app: a browser fetches its manifest without the session cookie.
    r"^business/(sw\.js|manifest\.webmanifest)$",
    # Verifiable credentials: the check, and the keys, issuers and status lists verifiers fetch.
    r"^credentials/(verify/|status/|issuers/)",
    r"^\.well-known/jwks\.json$",
    r"^api/v1/credentials/verify$",
    r"^tools/credit-cost/$",
    r"^fund/",
    r"^webhooks/stripe/$",
]
SAMPLE = {
    "int": "1",
    "id": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def _walk(patterns: list[Any], prefix: str = "") -> list[str]:
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\Z", "")


ROUTES = sorted({r for r in _walk(get_resolver().url_patterns) if not r.startswith("admin/")})


def test_the_sweep_sees_the_api_and_the_portal() -> None:
    assert any(r.startswith("api/v1/") for r in ROUTES)
    assert any(r.startswith("programmes/") for r in ROUTES)


@pytest.mark.parametrize("route", [r for r in ROUTES if not any(re.match(p, r) for p in PUBLIC)])
def test_anonymous_callers_are_turned_away(route: str, db: Any) -> None:
    url = _concrete(route)
    client = Client()
    for method in ("get", "post"):
        resp = getattr(client, method)(url)
        if resp.status_code == 405:
            continue
        assert resp.status_code in (401, 403) or (
            resp.status_code == 302 and "/accounts/login/" in resp["Location"]
        ), (method, url, resp.status_code)


def test_admin_asks_for_sign_in(db: Any) -> None:
    resp = Client().get("/admin/")
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"] or "/admin/login/" in resp["Location"]
