"""The whole phone journey of a participant through the headless app API."""

import json
import re
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from backend.accounts.models import User
from tests.conftest import read_sms

APP = "/_allauth/app/v1"


def post(
    client: Client, path: str, body: dict[str, Any], token: str | None = None, lang: str = "es"
) -> Any:
    headers = {"Accept-Language": lang}
    if token:
        headers["X-Session-Token"] = token
    return client.post(
        f"{APP}{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )


def last_code(sms_file: Any) -> str:
    match = re.search(r"\b(\d{6})\b", read_sms(sms_file)[-1]["message"])
    assert match, "the SMS carries a 6-digit code"
    return match.group(1)


def test_signup_by_phone_then_me(db: Any, sms_file: Any) -> None:
    client = Client()
    resp = post(client, "/auth/signup", {"phone": "+51987654321"})
    assert resp.status_code == 401, resp.content
    body = resp.json()
    assert [f["id"] for f in body["data"]["flows"] if f.get("is_pending")] == ["verify_phone"]
    token = body["meta"]["session_token"]

    messages = read_sms(sms_file)
    assert messages[-1]["to"] == "+51987654321"  # stored and texted in E.164
    assert "Impulsa" in messages[-1]["message"]

    resp = post(client, "/auth/phone/verify", {"code": last_code(sms_file)}, token=token)
    assert resp.status_code == 200, resp.content
    token = resp.json()["meta"].get("session_token", token)

    me = Client().get("/api/v1/me", headers={"X-Session-Token": token})
    assert me.status_code == 200
    assert me.json()["phone"] == "+51987654321"
    assert me.json()["phone_verified"] is True
    assert User.objects.get(phone="+51987654321").preferred_language == "es"


def test_login_by_sms_code(db: Any, sms_file: Any) -> None:
    User.objects.create_user(phone="+573005550001", phone_verified=True)
    client = Client()
    resp = post(client, "/auth/code/request", {"phone": "+573005550001"})
    assert resp.status_code == 401, resp.content
    token = resp.json()["meta"]["session_token"]
    resp = post(client, "/auth/code/confirm", {"code": last_code(sms_file)}, token=token)
    assert resp.status_code == 200, resp.content
    token = resp.json()["meta"]["session_token"]
    assert (
        Client().get("/api/v1/me", headers={"X-Session-Token": token}).json()["phone"]
        == "+573005550001"
    )


def test_wrong_code_is_refused_in_spanish(db: Any, sms_file: Any) -> None:
    client = Client()
    token = post(client, "/auth/signup", {"phone": "+51987654322"}).json()["meta"]["session_token"]
    good = last_code(sms_file)
    wrong = "000000" if good != "000000" else "111111"
    resp = post(client, "/auth/phone/verify", {"code": wrong}, token=token)
    assert resp.status_code == 400
    error = resp.json()["errors"][0]
    assert error["param"] == "code"
    assert "código" in error["message"].lower()


def test_code_cannot_be_reused(db: Any, sms_file: Any) -> None:
    User.objects.create_user(phone="+573005550002", phone_verified=True)
    client = Client()
    token = post(client, "/auth/code/request", {"phone": "+573005550002"}).json()["meta"][
        "session_token"
    ]
    code = last_code(sms_file)
    assert post(client, "/auth/code/confirm", {"code": code}, token=token).status_code == 200
    again = post(Client(), "/auth/code/confirm", {"code": code}, token=token)
    assert again.status_code == 410  # the code's flow is spent: the app must ask for a new code


def test_malformed_phone_is_refused_with_field_and_reason(db: Any, sms_file: Any) -> None:
    resp = post(Client(), "/auth/signup", {"phone": "300 123"})
    assert resp.status_code == 400
    error = resp.json()["errors"][0]
    assert error["param"] == "phone"
    assert "código del país" in error["message"]
    assert read_sms(sms_file) == []


def test_malformed_phone_message_follows_the_language(db: Any, sms_file: Any) -> None:
    # E.164 in shape, but no Peruvian number is this short: our own check says so.
    resp = post(Client(), "/auth/signup", {"phone": "+5112345"}, lang="en")
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["message"] == "This is not a valid phone number."
    assert not User.objects.exists()


def test_signup_with_neither_phone_nor_email_is_refused(db: Any, sms_file: Any) -> None:
    resp = post(Client(), "/auth/signup", {})
    assert resp.status_code == 400
    assert not User.objects.exists()


def test_sign_in_works_with_the_production_rate_limits(
    db: Any, sms_file: Any, settings: Any
) -> None:
    """Tests switch rate limits off elsewhere; here the real ones apply, so a bad limit spec
    (which allauth only reports when a request hits it) cannot reach production unseen."""
    from backend import settings as project_settings

    settings.ACCOUNT_RATE_LIMITS = project_settings.__dict__["_PRODUCTION_RATE_LIMITS"]
    User.objects.create_user("staff@example.org", "a-long-test-password-42")
    resp = post(
        Client(),
        "/auth/login",
        {"email": "staff@example.org", "password": "a-long-test-password-42"},
    )
    assert resp.status_code == 200, resp.content
    portal = Client().post(
        "/accounts/login/", {"login": "staff@example.org", "password": "a-long-test-password-42"}
    )
    assert portal.status_code == 302
    User.objects.create_user(phone="+573005550009", phone_verified=True)
    statuses = [
        post(Client(), "/auth/code/request", {"phone": "+573005550009"}).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [401, 401, 401]  # a code was sent each time (pending flow)
    last = post(Client(), "/auth/code/request", {"phone": "+573005550009"})
    assert statuses[3:] == [429, 429], last.content


def test_many_people_sign_up_with_a_phone_only(db: Any, sms_file: Any) -> None:
    # Each new number gets the same answer, whoever came before: an SMS code to verify.
    numbers = ["+573001110001", "+573001110002", "+51987000111"]
    for i, number in enumerate(numbers):  # three people, each from their own phone
        resp = post(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), "/auth/signup", {"phone": number})
        assert resp.status_code == 401, resp.content
        assert read_sms(sms_file)[-1]["to"] == number
    people = User.objects.filter(phone__in=numbers)
    assert people.count() == 3
    assert set(people.values_list("email", flat=True)) == {None}


def test_the_portal_sign_up_takes_several_phone_only_people(db: Any, sms_file: Any) -> None:
    for i, number in enumerate(["+573001110011", "+573001110012"]):
        client = Client(REMOTE_ADDR=f"198.51.100.{i + 1}")
        resp = client.post(
            "/accounts/signup/",
            {"phone": number, "email": "", "password1": f"una-clave-larga-{i}-2026"},
            headers={"Accept-Language": "es"},
        )
        assert resp.status_code == 302, resp.content.decode()[:2000]
        assert User.objects.get(phone=number).email is None


def test_a_blank_email_can_never_be_stored(db: Any) -> None:
    first = User.objects.create(phone="+573001110021", email="")
    second = User.objects.create(phone="+573001110022", email="")
    assert first.email is None
    assert second.email is None
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.filter(pk=second.pk).update(email="")  # past save(): the database refuses


def test_the_portal_says_the_sign_in_code_went_to_the_phone_not_by_mail(
    db: Any, sms_file: Any
) -> None:
    User.objects.create_user(phone="+573005550009", phone_verified=True)
    page = Client().post(
        "/accounts/login/code/", {"phone": "+573005550009"}, HTTP_ACCEPT_LANGUAGE="es", follow=True
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Enviamos un código para iniciar sesión a" in text
    assert "por correo" not in text
    assert read_sms(sms_file)[-1]["to"] == "+573005550009"
