import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from backend.accounts.models import User
from backend.demo import people


def table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    first = table_counts()
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    assert table_counts() == first
    assert first["accounts.User"] > 20


@pytest.mark.django_db
def test_every_demo_login_reaches_its_home_page() -> None:
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    expected = {
        "admin": "Administración",
        "manager": "Programas que gestiona",
        "trainer": "Programas en los que forma",
        "donor": "Programas financiados por",
    }
    emails: list[tuple[str, str]] = [(e, r.split(":")[0]) for e, r, _ in people.STAFF]
    emails.append((people.DEMO_PARTICIPANT_EMAIL, "participant"))
    for email, kind in emails:
        client = Client()
        assert client.login(email=email, password=people.DEMO_PASSWORD), email
        page = client.get("/")
        assert page.status_code == 200, email
        text = page.content.decode()
        assert expected.get(kind, "Tus programas") in text, email
    assert User.objects.filter(
        email=people.DEMO_PARTICIPANT_EMAIL, phone=people.DEMO_PARTICIPANT_PHONE
    ).exists()


def test_demo_logins_are_printed(capsys: Any, db: Any) -> None:
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert people.DEMO_PASSWORD in out
    for email, _role, _secret in people.STAFF:
        assert email in out
