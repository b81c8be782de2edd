"""The one error shape, the field locations, the language, 401/404/429."""

from typing import Any

from django.test import Client

from backend.accounts.models import User
from tests.conftest import ApiClient, World


def test_missing_token_is_401_with_the_error_shape(db: Any) -> None:
    resp = Client().get("/api/v1/me", headers={"Accept-Language": "en"})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "unauthenticated"
    assert "X-Session-Token" in resp.json()["error"]["message"]


def test_invalid_token_is_401(db: Any) -> None:
    resp = Client().get("/api/v1/me", headers={"X-Session-Token": "not-a-session"})
    assert resp.status_code == 401


def test_unknown_field_is_422_with_location_and_nothing_changes(world: World) -> None:
    api = ApiClient(world.participant_a)
    resp = api.patch("me", {"preferred_language": "en", "is_staff": True})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "invalid"
    assert {"loc": ["body", "is_staff"], "message": "Este campo no se acepta aquí."} in error[
        "fields"
    ]
    world.participant_a.refresh_from_db()
    assert world.participant_a.is_staff is False
    assert world.participant_a.preferred_language == "es"


def test_unknown_language_is_422_in_the_users_language(world: World) -> None:
    User.objects.filter(pk=world.participant_a.pk).update(preferred_language="pt-br")
    resp = ApiClient(world.participant_a).patch("me", {"preferred_language": "xx"})
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert fields[0]["loc"] == ["body", "preferred_language"]
    assert fields[0]["message"].startswith("Escolha")  # Portuguese, the person's own choice


def test_language_can_be_changed_and_errors_follow_it(world: World) -> None:
    api = ApiClient(world.participant_a)
    assert api.patch("me", {"preferred_language": "en"}).json()["preferred_language"] == "en"
    resp = api.patch("me", {"profile": {"birth_year": "soon"}})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["message"] == "Enter a whole number."


def test_hidden_object_is_404_like_a_missing_one(world: World) -> None:
    api = ApiClient(world.manager)
    hidden = api.get(f"programmes/{world.programme_b.pk}/participants")
    missing = api.get("programmes/999999/participants")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_throttling_answers_429_with_retry_after(db: Any, settings: Any) -> None:
    from backend.api import api

    throttle = api.throttle[0]  # type: ignore[index]
    old_rate, old_num, old_duration = throttle.rate, throttle.num_requests, throttle.duration
    throttle.num_requests, throttle.duration = 3, 60
    try:
        codes = [
            Client().get("/api/v1/health", REMOTE_ADDR="10.9.9.9").status_code for _ in range(5)
        ]
    finally:
        throttle.rate, throttle.num_requests, throttle.duration = old_rate, old_num, old_duration
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
    resp = Client().get("/api/v1/health", REMOTE_ADDR="10.9.9.10")
    assert resp.status_code == 200
