"""Shared fixtures: one small world with a named user for every role.

Programme A is funded by funder F1, programme B by F2. Each role has an "own" and an
"other" user so access rules can be checked in both directions.
"""

import datetime as dt
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.test import Client

from backend.accounts.models import Consent, ConsentNotice, ParticipantProfile, User
from backend.programmes.models import (
    DonorViewer,
    Funder,
    Funding,
    Membership,
    Organisation,
    Programme,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "a-long-test-password-42"


@dataclass
class World:
    programme_a: Programme
    programme_b: Programme
    funder_1: Funder
    funder_2: Funder
    participant_a: User
    participant_b: User
    participant_other: User  # in programme B
    trainer: User
    other_trainer: User
    manager: User
    other_manager: User
    donor: User
    other_donor: User
    admin: User
    notice: ConsentNotice

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def pytest_configure(config: pytest.Config) -> None:
    """IMPULSA_TEST_NOW=2027-02-28T23:30:00-05:00 runs the whole suite as if it were then.

    Used to look for tests that only pass on some days (the first of a month, the last, 29
    February, New Year's Eve where the programmes are); the clock keeps ticking from there.
    """
    moment = os.environ.get("IMPULSA_TEST_NOW")
    if moment:
        when = dt.datetime.fromisoformat(moment)
        if when.tzinfo is None:
            raise pytest.UsageError("IMPULSA_TEST_NOW needs a UTC offset: 2027-01-01T00:30-05:00")
        time_machine.travel(when, tick=True).start()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no request counted: users of different tests share ids, and the
    rate limits count per user and per address in the cache, so one test's calls would
    otherwise throttle the next one's in the same process."""
    cache.clear()


def make_user(email: str | None = None, phone: str | None = None, **extra: Any) -> User:
    """A user with the test password; a phone given here counts as verified (signed up by SMS)."""
    extra.setdefault("phone_verified", phone is not None)
    return User.objects.create_user(email, PASSWORD, phone=phone, **extra)


def make_programme(code: str, country: str = "PE") -> Programme:
    org, _ = Organisation.objects.get_or_create(name=f"Org {code}", defaults={"country": country})
    return Programme.objects.create(
        organisation=org,
        code=code,
        name=f"Programme {code}",
        country=country,
        regions=["PE-PIU", "PE-TAC"] if country == "PE" else ["CO-DC"],
        currency="PEN" if country == "PE" else "COP",
        time_zone="America/Lima" if country == "PE" else "America/Bogota",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )


def consent(user: User, notice: ConsentNotice) -> None:
    Consent.objects.create(user=user, notice=notice, channel="app", purposes=["programme_delivery"])


@pytest.fixture
def world(db: Any) -> World:
    notice = ConsentNotice.objects.create(
        version="test-1",
        text_es="Aviso",
        text_en="Notice",
        text_pt="Aviso pt",
        purposes=["programme_delivery", "anonymous_statistics"],
    )
    a, b = make_programme("prog-a"), make_programme("prog-b", country="CO")
    f1 = Funder.objects.create(code="f1", name="Funder One")
    f2 = Funder.objects.create(code="f2", name="Funder Two")
    for funder, programme in ((f1, a), (f2, b)):
        Funding.objects.create(
            funder=funder,
            programme=programme,
            amount=Decimal("1000.00"),
            currency="USD",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    users = {
        "participant_a": make_user(phone="+51987000101"),
        "participant_b": make_user(phone="+51987000102"),
        "participant_other": make_user(phone="+573005000103"),
        "trainer": make_user("trainer@example.org"),
        "other_trainer": make_user("trainer2@example.org"),
        "manager": make_user("manager@example.org"),
        "other_manager": make_user("manager2@example.org"),
        "donor": make_user("donor@example.org"),
        "other_donor": make_user("donor2@example.org"),
        "admin": make_user("admin@example.org", is_staff=True, is_superuser=True),
    }
    for key in ("participant_a", "participant_b"):
        Membership.objects.create(user=users[key], programme=a, role="participant")
    Membership.objects.create(user=users["participant_other"], programme=b, role="participant")
    Membership.objects.create(user=users["trainer"], programme=a, role="trainer")
    Membership.objects.create(user=users["other_trainer"], programme=b, role="trainer")
    Membership.objects.create(user=users["manager"], programme=a, role="manager")
    Membership.objects.create(user=users["other_manager"], programme=b, role="manager")
    DonorViewer.objects.create(user=users["donor"], funder=f1)
    DonorViewer.objects.create(user=users["other_donor"], funder=f2)
    for key in ("manager", "other_manager", "donor", "other_donor", "admin"):
        TOTP.activate(users[key], TOTP_SECRET)
    for key in ("participant_a", "participant_b", "participant_other"):
        consent(users[key], notice)
        ParticipantProfile.objects.create(
            user=users[key], display_name=key.replace("_", " ").title()
        )
    return World(programme_a=a, programme_b=b, funder_1=f1, funder_2=f2, notice=notice, **users)


class ApiClient:
    """Calls /api/v1 with an allauth app session token, as the mobile app does."""

    def __init__(self, user: User | None, language: str | None = None) -> None:
        self.client = Client()
        self.token: str | None = None
        self.language = language
        if user is not None:
            self.client.force_login(user)
            self.token = self.client.session.session_key
            self.client.cookies.clear()

    def _headers(self) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["X-Session-Token"] = self.token
        if self.language:
            headers["Accept-Language"] = self.language
        return headers

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs: dict[str, Any] = {"headers": self._headers()}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self.call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self.call("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.call("delete", path)


@pytest.fixture
def api_as() -> Any:
    return ApiClient


@pytest.fixture
def sms_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "sms.jsonl"
    settings.IMPULSA_SMS_BACKEND = "file"
    settings.IMPULSA_SMS_FILE = str(path)
    return path


def read_sms(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]
