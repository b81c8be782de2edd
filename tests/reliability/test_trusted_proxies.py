"""Rate limits behind the load balancer: each client counts on its own, and a made-up
X-Forwarded-For neither hides a client nor blames another (IMPULSA_TRUSTED_PROXIES)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from backend.accounts.models import User
from backend.api import api
from backend.lib.ratelimit import client_ip
from tests.conftest import PASSWORD, make_user, read_sms

APP = "/_allauth/app/v1"
BALANCER = "10.0.0.2"  # the address every request arrives from when a load balancer is in front


@pytest.fixture(autouse=True)
def fresh_counters() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def production_rate_limits(settings: Any) -> None:
    from backend import settings as project_settings

    settings.ACCOUNT_RATE_LIMITS = project_settings.__dict__["_PRODUCTION_RATE_LIMITS"]


@pytest.fixture
def strict_anon_throttle() -> Iterator[None]:
    throttle = api.throttle[0]  # type: ignore[index]
    old = throttle.rate, throttle.num_requests, throttle.duration
    throttle.num_requests, throttle.duration = 3, 60
    yield
    throttle.rate, throttle.num_requests, throttle.duration = old


def _sign_in(email: str, password: str, forwarded_for: str) -> Any:
    return Client(REMOTE_ADDR=BALANCER).post(
        f"{APP}/auth/login",
        data=json.dumps({"email": email, "password": password}),
        content_type="application/json",
        headers={"X-Forwarded-For": forwarded_for},
    )


def _health(forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return Client(REMOTE_ADDR=BALANCER).get("/api/v1/health", headers=headers).status_code


def test_mistyped_passwords_of_ten_clients_do_not_lock_out_an_eleventh(
    db: Any, settings: Any, production_rate_limits: None
) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = 1
    for i in range(10):
        make_user(f"person{i}@example.org")
        resp = _sign_in(f"person{i}@example.org", "mistyped", f"198.51.100.{i + 1}")
        assert resp.status_code == 400, resp.content
    make_user("eleventh@example.org")
    resp = _sign_in("eleventh@example.org", PASSWORD, "198.51.100.50")
    assert resp.status_code == 200, resp.content
    assert resp.json()["data"]["user"]["email"] == "eleventh@example.org"


def test_one_client_behind_the_proxy_is_still_limited_whatever_it_claims(
    db: Any, settings: Any, production_rate_limits: None
) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = 1
    for i in range(10):
        make_user(f"person{i}@example.org")
        resp = _sign_in(f"person{i}@example.org", "mistyped", f"192.0.2.{i}, 198.51.100.9")
        assert resp.status_code == 400, resp.content
    resp = _sign_in("person0@example.org", "mistyped", "192.0.2.99, 198.51.100.9")
    assert resp.status_code == 429
    assert resp.json()["errors"][0]["code"] == "too_many_login_attempts"


def test_a_spoofed_forwarded_for_does_not_bypass_the_anonymous_api_throttle(
    db: Any, settings: Any, strict_anon_throttle: None
) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = 1
    # The client writes a new address in front each time; the balancer appends the real one.
    codes = [_health(f"203.0.113.{i}, 198.51.100.7") for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    # Another client behind the same balancer has its own allowance.
    assert _health("198.51.100.8") == 200


def test_without_trusted_proxies_forwarded_for_is_ignored(
    db: Any, settings: Any, strict_anon_throttle: None, production_rate_limits: None
) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = 0
    codes = [_health(f"203.0.113.{i}") for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    # Sign-in failures count against the connection's address too, whatever the header says.
    for i in range(10):
        make_user(f"person{i}@example.org")
        assert _sign_in(f"person{i}@example.org", "mistyped", f"192.0.2.{i}").status_code == 400
    make_user("next@example.org")
    assert _sign_in("next@example.org", PASSWORD, "192.0.2.200").status_code == 429


def test_the_verification_page_counts_each_client_behind_the_proxy(db: Any, settings: Any) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = 1

    def verify(forwarded_for: str) -> int:
        client = Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=forwarded_for)
        return client.get("/verify/AAAA-BBBB-CC").status_code

    codes = [verify(f"203.0.113.{i}, 198.51.100.7") for i in range(31)]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429
    assert verify("198.51.100.8") == 404


def test_one_environment_variable_sets_every_limit_s_proxy_count() -> None:
    env = {
        **os.environ,
        "IMPULSA_TRUSTED_PROXIES": "2",
        "DJANGO_SETTINGS_MODULE": "backend.settings",
    }
    script = (
        "from django.conf import settings as s; "
        "print(s.IMPULSA_TRUSTED_PROXIES, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.NINJA_NUM_PROXIES)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["2", "2", "2"]


def test_sms_codes_are_limited_per_client_not_per_deployment(
    db: Any, settings: Any, production_rate_limits: None, sms_file: Path
) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = 1
    for i in range(5):  # the limit is three a minute per address
        User.objects.create_user(phone=f"+57300555020{i}", phone_verified=True)
        resp = Client(REMOTE_ADDR=BALANCER).post(
            f"{APP}/auth/code/request",
            data=json.dumps({"phone": f"+57300555020{i}"}),
            content_type="application/json",
            headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
        )
        assert resp.status_code == 401, resp.content  # a code sent: the sign-in is pending
    assert len(read_sms(sms_file)) == 5


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "expected"),
    [
        (1, "203.0.113.5, 198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.5, 198.51.100.7, 10.0.0.3", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # one proxy skipped: the only entry there is
        (1, " 198.51.100.7 ,", "198.51.100.7"),
        (1, "203.0.113.5, not-an-address", BALANCER),  # garbage: the connection's address
        (0, "198.51.100.7", BALANCER),
        (1, None, BALANCER),
    ],
)
def test_client_ip_reads_the_entry_the_outermost_trusted_proxy_wrote(
    settings: Any, trusted: int, forwarded_for: str | None, expected: str
) -> None:
    settings.IMPULSA_TRUSTED_PROXIES = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, **extra)
    assert client_ip(request) == expected
