"""Bad input is a 4xx in the caller's shape, never a server error (issue 26, items 6 and 8)."""

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from backend.lib.validation import MAX_ID, parse_id
from backend.sync.registry import Rejected, int_value
from tests.conftest import ApiClient, World
from tests.fund.conftest import make_venture

HUGE = 10**25


def _api(user: Any) -> ApiClient:
    api = ApiClient(user)
    api.client.raise_request_exception = False
    return api


def _error(resp: Any) -> dict[str, Any]:
    assert resp["Content-Type"].startswith("application/json"), resp.content[:200]
    return resp.json()["error"]


def _spec_integers() -> list[str]:
    """Every integer a client can send (parameters and request bodies) with no maximum."""
    from backend.api import api

    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]
    found: list[str] = []

    def walk(schema: dict[str, Any], where: str, seen: tuple[str, ...] = ()) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(components[name], where, (*seen, name))
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                walk(sub, where, seen)
        if schema.get("type") == "integer" and "maximum" not in schema:
            found.append(where)
        if schema.get("type") == "array" and "items" in schema:
            walk(schema["items"], f"{where}[]", seen)
        for name, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{name}", seen)

    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for param in operation.get("parameters", []):
                walk(param["schema"], f"{method.upper()} {path} {param['in']}.{param['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method.upper()} {path} body")
    return found


# A count checked by its service against its own named bound, with its own message.
UNBOUNDED_ON_PURPOSE = {"POST /api/v1/finance/credit-cost body.payments"}


def test_every_integer_a_client_sends_has_a_maximum(db: Any) -> None:
    assert set(_spec_integers()) <= UNBOUNDED_ON_PURPOSE


@pytest.mark.parametrize(
    "call",
    [
        ("manager", "get", f"funds/{HUGE}", None, {}),
        ("manager", "get", f"programmes/{HUGE}/participants", None, {}),
        ("participant_a", "get", "ventures", None, {"programme_id": HUGE}),
        ("participant_a", "get", f"ventures/{2**63}", None, {}),
        ("manager", "post", "reports", {"programme_ids": [2**63]}, {}),
        ("participant_a", "post", "sync/push?last_pulled_at=-1", {"changes": {}}, {}),
        ("participant_a", "post", f"sync/push?last_pulled_at={HUGE}", {"changes": {}}, {}),
        ("participant_a", "get", "sync/pull", None, {"last_pulled_at": -1}),
    ],
    ids=lambda c: f"{c[1]} {c[2].split('?')[0]} {sorted(c[4])}",
)
def test_out_of_range_numbers_are_422_naming_the_field(world: World, call: tuple) -> None:
    role, method, path, body, params = call
    api = _api(getattr(world, role))
    resp = api.call(method, path, body, **params) if body is not None else api.get(path, **params)
    assert resp.status_code == 422, resp.content[:300]
    assert _error(resp)["fields"], resp.content


def test_a_made_up_page_link_is_400_naming_the_cursor(world: World) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    api = _api(world.participant_a)
    for cursor in (
        "not base64!",
        base64.b64encode(b"p=not-a-date").decode(),
        base64.b64encode(b"o=99999999999999999999999").decode(),
    ):
        resp = api.get(f"ventures/{venture.pk}/entries", cursor=cursor)
        assert resp.status_code == 400, (cursor, resp.content[:300])
        error = _error(resp)
        assert error["code"] == "invalid_cursor"
        assert error["fields"][0]["loc"] == ["query", "cursor"]
    assert api.get(f"ventures/{venture.pk}/entries", page_size=HUGE).status_code == 422


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\x00"],
)
def test_an_upload_without_a_usable_boundary_is_a_json_400(world: World, content_type: str) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    api = _api(world.participant_a)
    resp = api.client.post(
        f"/api/v1/ventures/{venture.pk}/photo",
        data=b"--x\r\nnot a form",
        content_type=content_type,
        headers={"X-Session-Token": api.token or ""},
    )
    assert resp.status_code == 400
    assert _error(resp)["code"] == "malformed_body"


def test_a_deeply_nested_body_on_sign_in_is_400_in_allauths_shape(db: Any) -> None:
    nested = "[" * 30_000 + "]" * 30_000
    resp = Client(raise_request_exception=False).post(
        "/_allauth/app/v1/auth/login", data=nested, content_type="application/json"
    )
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == 400
    assert body["errors"][0]["code"] == "malformed_body"


def test_an_unexpected_failure_under_the_api_is_a_json_500(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.ventures import selectors

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "ventures_for", broken)
    resp = _api(world.participant_a).get("ventures")
    assert resp.status_code == 500
    error = _error(resp)
    assert error["code"] == "server_error"
    assert error["message"]


def test_a_missing_api_path_is_a_json_404(db: Any) -> None:
    for path in ("/api/v1/no-such-thing", "/_allauth/app/v1/no-such-thing"):
        resp = Client().get(path)
        assert resp.status_code == 404
        assert resp["Content-Type"] == "application/json"


def test_ids_typed_as_text_accept_ascii_digits_only() -> None:
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    other_digits = ("²", "\u0663", "\uff14\uff12")
    for bad in (*other_digits, "0", "-1", str(MAX_ID + 1), "1e3", " 1", "", None, True, 1.0):
        assert parse_id(bad) is None, bad
    with pytest.raises(Rejected):
        int_value({"programme_id": "²"}, "programme_id")


def test_portal_forms_and_links_with_bad_numbers_are_not_server_errors(world: World) -> None:
    from backend.finance.fund.models import Fund

    Fund.objects.create(
        programme=world.programme_a,
        slug="fondo-a",
        currency="PEN",
        title="Fondo A",
        goal=Decimal("1000.00"),
        min_donation=Decimal("5.00"),
        max_donation=Decimal("500.00"),
    )
    client = Client(raise_request_exception=False)
    client.force_login(world.manager)
    assert client.get(f"/programmes/{HUGE}/fund/").status_code == 404
    assert client.get(f"/programmes/{2**63}/participants/").status_code == 404
    resp = client.post(f"/programmes/{world.programme_a.pk}/fund/", {"venture_id": "abc"})
    assert resp.status_code == 422
    resp = client.post(
        "/reports/", {"tolerance": "NaN", "programme_ids": [str(world.programme_a.pk)]}
    )
    assert resp.status_code == 422
    resp = client.post("/reports/", {"programme_ids": [str(HUGE)]})
    assert resp.status_code == 422


def test_text_plain_is_not_read_as_json(world: World) -> None:
    api = _api(world.participant_a)
    body = json.dumps({"programme_id": world.programme_a.pk, "name": "Bodega", "sector": "G"})
    resp = api.client.post(
        "/api/v1/ventures",
        data=body,
        content_type="text/plain",
        headers={"X-Session-Token": api.token or ""},
    )
    assert resp.status_code == 415
    assert _error(resp)["code"] == "unsupported_media_type"


# --- item 8: accepted input that should not be --------------------------------------------


def test_text_with_a_nul_character_is_refused_before_the_database(world: World) -> None:
    api = _api(world.participant_a)
    body = {"programme_id": world.programme_a.pk, "name": "Bodega\u0000", "sector": "G"}
    body["started_on"] = "2025-03-01"
    resp = api.post("ventures", body)
    assert resp.status_code == 422
    assert _error(resp)["fields"][0]["loc"] == ["body"]
    resp = api.get("ventures", q="a\x00b")
    assert resp.status_code == 422
    assert _error(resp)["fields"][0]["loc"] == ["query", "q"]
    resp = Client().post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"phone": "+51987000101\u0000", "password": "x"}),
        content_type="application/json",
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "nul_character"
    portal = Client()
    portal.force_login(world.participant_a)
    assert portal.post("/finance/savings/", {"name": "Meta\x00"}).status_code == 400
    from backend.ventures.models import Venture

    assert not Venture.objects.filter(name__startswith="Bodega").exists()


@pytest.mark.parametrize("day", ["1900-01-01", "1949-12-31", "2101-01-01"])
def test_dates_outside_a_sane_range_are_422(world: World, day: str) -> None:
    api = _api(world.participant_a)
    body = {"programme_id": world.programme_a.pk, "name": "Bodega", "sector": "G"}
    resp = api.post("ventures", {**body, "started_on": day})
    assert resp.status_code == 422, resp.content
    assert _error(resp)["fields"][0]["loc"] == ["body", "started_on"]


def test_a_date_outside_the_range_in_a_sync_push_is_rejected(world: World) -> None:
    from backend.sync.registry import date_value

    assert str(date_value({"d": "1950-01-01"}, "d")) == "1950-01-01"
    with pytest.raises(Rejected):
        date_value({"d": "1900-01-01"}, "d")


@pytest.mark.parametrize(
    "amount", ["1e3", "1E3", "Infinity", "NaN", "\u0661\u0662", "\uff11\uff12", "12,5"]
)
def test_amounts_must_be_plain_ascii_numbers(world: World, amount: str) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    entry = {
        "id": "6f1c1f66-8f0e-4d51-9b6e-3a4c4d8b2a10",
        "kind": "sale",
        "amount": amount,
        "occurred_on": "2025-06-01",
        "payment_method": "cash",
    }
    resp = _api(world.participant_a).post(f"ventures/{venture.pk}/entries", entry)
    assert resp.status_code == 422, resp.content
    assert _error(resp)["fields"][0]["loc"] == ["body", "amount"]
    assert not venture.entries.exists()


def test_amount_parsing_refuses_exponents_and_other_digits() -> None:
    from backend.lib.errors import DomainError
    from backend.lib.money import parse_amount

    assert str(parse_amount("12.50", "PEN")) == "12.50"
    assert str(parse_amount(12, "PEN")) == "12.00"
    for bad in ("1e3", "٣", "1_000", "0x10", " ", "+inf"):
        with pytest.raises(DomainError):
            parse_amount(bad, "PEN")


def test_allauths_own_429_says_when_to_retry(db: Any) -> None:
    from django.http import HttpResponse

    from backend.accounts.middleware import HeadlessRateLimitStatusMiddleware

    request = Client().get("/").wsgi_request
    request.path = "/_allauth/app/v1/auth/password/request"
    middleware = HeadlessRateLimitStatusMiddleware(lambda r: HttpResponse(status=429))
    assert middleware(request)["Retry-After"] == "60"


def test_portal_sign_up_past_the_sms_limit_is_a_429_page(db: Any, sms_file: Any) -> None:
    statuses = []
    for i in range(5):  # one connection, five new numbers: the SMS limit is 3 a minute
        resp = Client(REMOTE_ADDR="198.51.100.77", raise_request_exception=False).post(
            "/accounts/signup/",
            {"phone": f"+5730011100{30 + i}", "email": "", "password1": f"una-clave-larga-{i}-26"},
            headers={"Accept-Language": "es"},
        )
        statuses.append(resp.status_code)
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]
    assert resp["Retry-After"] == "60"
    assert "text/html" in resp["Content-Type"]


def test_portal_forms_refuse_dates_outside_the_range(world: World) -> None:
    from backend.finance.models import SavingsGoal

    client = Client()
    client.force_login(world.participant_a)
    resp = client.post(
        "/finance/savings/", {"name": "Meta", "target_amount": "100", "target_date": "1900-01-01"}
    )
    assert "1950-01-01" in resp.content.decode()
    assert not SavingsGoal.objects.exists()
    client.force_login(world.manager)
    resp = client.post(
        "/reports/", {"programme_ids": [str(world.programme_a.pk)], "period_start": "1900-01-01"}
    )
    assert resp.status_code == 422
    assert "1950-01-01" in resp.content.decode()


def test_a_superscript_digit_in_a_pushed_id_is_a_rejected_record(world: World) -> None:
    api = _api(world.trainer)
    mark = {"id": "a1", "session_id": "²", "enrollment_id": "²", "status": "present"}
    resp = api.post(
        "sync/push?last_pulled_at=0",
        {"changes": {"attendance": {"created": [mark], "updated": [], "deleted": []}}},
    )
    assert resp.status_code == 200, resp.content[:300]
    assert "a1" in resp.json()["rejected"]["attendance"]
