"""Limits: every bound the service sets answers 413, 422 or 429 with a message that says why.

Request body size, page size and offset, string lengths, upload bytes and pixels, sync push
size, and the sign-in and SMS-code rate limits. The operations are taken from the live OpenAPI
spec where the check is generic (every list, every bounded string), so a new operation is
covered without a new test. Each rejection is counted by kind; the module prints the tally
(for docs/reliability.md) when it ends:

    IMPULSA_TESTING=1 .venv/bin/python -m pytest tests/reliability/test_limits.py -q -p no:randomly
"""

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from backend.accounts.models import User
from backend.api import api
from backend.lib import images
from backend.lib.pagination import MAX_OFFSET
from backend.sync.engine import MAX_PUSH_RECORDS
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import PASSWORD, ApiClient, World, make_user, read_sms
from tests.sync.conftest import Device, created, entry
from tests.ventures.conftest import make_venture, record
from tests.ventures.test_images import bomb_png

REJECTIONS: Counter[str] = Counter()
APP = "/_allauth/app/v1"


@pytest.fixture(scope="module", autouse=True)
def tally(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    lines = [f"  {kind}: {n}" for kind, n in sorted(REJECTIONS.items())]
    text = "\nRejections by kind (tests/reliability/test_limits.py):\n" + "\n".join(lines)
    text += f"\n  total: {sum(REJECTIONS.values())}\n"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(text)
    else:
        with capture.global_and_fixture_disabled():
            print(text)


def rejected(kind: str, resp: Any, status: int) -> Any:
    assert resp.status_code == status, (kind, resp.status_code, resp.content[:300])
    REJECTIONS[f"{status} {kind}"] += 1
    return resp


def spec() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


SPEC = spec()
COMPONENTS = SPEC["components"]["schemas"]


def operations(method: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (m.upper(), path, op)
        for path, methods in SPEC["paths"].items()
        for m, op in methods.items()
        if method is None or m.upper() == method
    ]


def concrete(path: str) -> str:
    """Any id will do: validation runs before the view looks anything up."""
    return re.sub(r"\{\w+\}", "1", path)


# --- request body size -------------------------------------------------------------------


def test_an_oversized_json_body_is_413_in_the_api_error_shape(world: World) -> None:
    api_client = ApiClient(world.participant_a, language="es")
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = {"name": "x" * limit, "sector": "I", "programme_id": world.programme_a.pk}
    resp = rejected("request body too large (API)", api_client.post("ventures", body), 413)
    error = resp.json()["error"]
    assert error["code"] == "too_large"
    assert error["max_bytes"] == limit
    assert "2,5 MB" in error["message"]  # Spanish decimals, the caller's language
    assert not Venture.objects.exists()


def test_an_oversized_body_to_the_app_sign_in_is_413_in_allauths_shape(db: Any) -> None:
    body = json.dumps({"email": "a@example.org", "password": "x" * 3_000_000})
    resp = Client().post(
        f"{APP}/auth/login", data=body, content_type="application/json",
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    rejected("request body too large (sign-in)", resp, 413)
    assert resp.json()["errors"][0]["code"] == "too_large"
    assert resp.json()["errors"][0]["message"] == "The request is too large: send at most 2.5 MB."


def test_an_oversized_portal_form_is_413_in_the_persons_language(db: Any) -> None:
    resp = Client().post(
        "/accounts/login/",
        data=f"login={'x' * 3_000_000}",
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": "pt-br"},
    )
    rejected("request body too large (portal)", resp, 413)
    assert resp.content.decode().startswith("A solicitação é grande demais")


def test_form_fields_too_large_inside_an_allowed_upload_are_413(world: World) -> None:
    """A multipart body within the upload size whose text fields pass Django's own limit."""
    api_client = ApiClient(world.participant_a)
    venture = make_venture(world.participant_a, world.programme_a)
    resp = api_client.client.post(
        f"/api/v1/ventures/{venture.pk}/photo",
        {"note": "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
        headers={"X-Session-Token": api_client.token or ""},
    )
    rejected("form fields too large (API)", resp, 413)
    assert resp.json()["error"]["code"] == "too_large"


# --- page size, offset and unbounded lists -------------------------------------------------

PAGED = [
    (path, op)
    for _m, path, op in operations("GET")
    if {"limit", "offset"} <= {p["name"] for p in op.get("parameters", [])}
]
CURSOR = [
    (path, op)
    for _m, path, op in operations("GET")
    if "page_size" in {p["name"] for p in op.get("parameters", [])}
]

# GET operations that are not paginated but return lists, and what bounds each list.
BOUNDED = {
    "/api/v1/me": "the caller's own roles, donor seats and consent purposes",
    "/api/v1/consent/notice": "the purposes named by the current notice",
    "/api/v1/programmes": "the programmes the caller has a role in (all, for admins: tens)",
    "/api/v1/me/invitations": "one pending invitation per programme at most (unique per person "
    "and programme): the programmes there are, tens",
    "/api/v1/ventures/{venture_id}/summary": "buckets at most MAX_SUMMARY_BUCKETS (400); "
    "one row per payment method",
    "/api/v1/cohorts/{cohort_id}": "at most 10 trainers (CohortIn.trainer_ids)",
    "/api/v1/finance/modules": "authored course content",
    "/api/v1/finance/modules/{code}/lessons": "the lessons of one authored module",
    "/api/v1/finance/lessons/{lesson_id}": "the questions of one authored quiz",
    "/api/v1/finance/modules/{code}/bundle": "one authored module, its quizzes and test",
    "/api/v1/finance/modules/{code}/knowledge-test": "one authored test",
    "/api/v1/finance/progress": "the caller's own progress, at most one row per lesson",
    "/api/v1/finance/programmes/{programme_id}/literacy": "one row per currency",
    "/api/v1/sync/pull": "the caller's own records changed since the last pull (the device "
    "already holds the rest); a first pull is the person's own books",
}


def _arrays(schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> Iterator[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _arrays(COMPONENTS[name], seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _arrays(sub, seen)
    if schema.get("type") == "array":
        yield "array"
        yield from _arrays(schema.get("items", {}), seen)
    for sub in schema.get("properties", {}).values():
        yield from _arrays(sub, seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _arrays(schema["additionalProperties"], seen)


def test_every_list_in_the_spec_is_paginated_or_bounded_by_a_named_rule() -> None:
    paged = {path for path, _op in PAGED + CURSOR}
    unbounded = []
    for _m, path, op in operations("GET"):
        body = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
        if path not in paged and any(_arrays(body.get("schema", {}))):
            unbounded.append(path)
    missing = sorted(set(unbounded) - set(BOUNDED))
    assert not missing, f"lists without pagination and without a BOUNDED row: {missing}"
    stale = sorted(set(BOUNDED) - set(unbounded))
    assert not stale, f"BOUNDED rows for operations that no longer return a list: {stale}"
    assert len(PAGED) >= 15
    assert CURSOR


@pytest.mark.parametrize(("path", "op"), PAGED, ids=[p for p, _ in PAGED])
def test_limit_above_the_maximum_and_offset_past_any_list_are_422(
    path: str, op: dict[str, Any], world: World
) -> None:
    api_client = ApiClient(world.admin, language="en")
    for query, field in (
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": MAX_OFFSET + 1}, "offset"),
        ({"offset": 2**63}, "offset"),  # past the database's integer range
    ):
        resp = rejected(
            "page size or offset out of range", api_client.get(concrete(path), **query), 422
        )
        fields = resp.json()["error"]["fields"]
        assert {"loc": ["query", field], "message": fields[0]["message"]} in fields
    assert api_client.get(concrete(path), limit=100, offset=MAX_OFFSET).status_code != 422


def test_a_cursor_page_is_capped_at_100(world: World) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    for i in range(105):
        record(venture, f"cap{i:03d}")
    resp = ApiClient(world.participant_a).get(f"ventures/{venture.pk}/entries", page_size=10_000)
    assert resp.status_code == 200
    assert len(resp.json()["results"]) == 100
    assert resp.json()["next"]


# --- string lengths --------------------------------------------------------------------------


def _bounded_strings(
    schema: dict[str, Any], path: list[str], seen: frozenset[str] = frozenset()
) -> Iterator[tuple[list[str], dict[str, Any]]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _bounded_strings(COMPONENTS[name], path, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _bounded_strings(sub, path, seen)
    if schema.get("type") == "string":
        yield path, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _bounded_strings(sub, [*path, name], seen)
    if schema.get("type") == "array":
        yield from _bounded_strings(schema.get("items", {}), [*path, "0"], seen)


def _json_body(op: dict[str, Any]) -> dict[str, Any] | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


# Strings in request bodies without a maxLength, and what bounds them instead.
UNBOUNDED_STRINGS_ALLOWED = {
    ("POST /api/v1/me/consent", "purposes.0"): "each must be a purpose of the notice",
}


def _string_fields() -> list[Any]:
    cases = []
    for method, path, op in operations():
        schema = _json_body(op)
        if schema is None:
            continue
        for loc, string in _bounded_strings(schema, []):
            cases.append(
                pytest.param(method, path, loc, string, id=f"{method} {path} {'.'.join(loc)}")
            )
    return cases


STRING_FIELDS = _string_fields()


def _is_decimal(method: str, path: str, loc: list[str]) -> bool:
    """Amounts are Decimal fields: a number or a numeric string, bounded by max_digits."""
    schema = _json_body(SPEC["paths"][path][method.lower()])
    node: Any = schema
    for part in loc:
        while "$ref" in node:
            node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
        node = node["items"] if part == "0" else node["properties"][part]
    return any(s.get("type") == "number" for s in node.get("anyOf", []))


def test_every_string_in_a_request_body_has_a_length_limit() -> None:
    unbounded = [
        (f"{m} {p}", ".".join(loc))
        for m, p, loc, s in (c.values for c in STRING_FIELDS)
        if "maxLength" not in s
        and "enum" not in s
        and s.get("format") not in {"date", "date-time", "uuid"}
        and not _is_decimal(m, p, loc)
    ]
    assert set(unbounded) <= set(UNBOUNDED_STRINGS_ALLOWED), unbounded


def _nested(loc: list[str], value: str) -> Any:
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    return [_nested(rest, value)] if head == "0" else {head: _nested(rest, value)}


@pytest.mark.parametrize(
    ("method", "path", "loc", "string"),
    [c for c in STRING_FIELDS if "maxLength" in c.values[3]],
)
def test_an_over_long_string_is_422_naming_the_field(
    method: str, path: str, loc: list[str], string: dict[str, Any], world: World
) -> None:
    n = string["maxLength"]
    body = _nested(loc, "x" * (n + 1))
    User.objects.filter(pk=world.admin.pk).update(preferred_language="en")
    resp = ApiClient(world.admin, language="en").call(method, concrete(path), body)
    rejected("string too long", resp, 422)
    fields = resp.json()["error"]["fields"]
    assert {"loc": ["body", *loc], "message": f"Use at most {n} characters."} in fields, fields


# --- uploads -------------------------------------------------------------------------------


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _upload(api_client: ApiClient, path: str, data: bytes) -> Any:
    file = io.BytesIO(data)
    file.name = "photo.png"
    return api_client.client.post(
        f"/api/v1/{path}", {"file": file}, headers={"X-Session-Token": api_client.token or ""}
    )


def test_an_upload_over_the_byte_limit_is_413(world: World, media: Path) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    api_client = ApiClient(world.participant_a)
    data = b"\xff\xd8\xff" + b"\0" * (images.MAX_BYTES + 70_000)
    resp = rejected(
        "upload too large", _upload(api_client, f"ventures/{venture.pk}/photo", data), 413
    )
    assert resp.json()["error"]["code"] == "too_large"
    record(venture, "r1")
    resp = _upload(api_client, "entries/r1/receipt", data)
    rejected("upload too large", resp, 413)
    assert not list(media.rglob("*.jpg"))


def test_a_picture_with_too_many_pixels_is_422(world: World, media: Path) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    api_client = ApiClient(world.participant_a, language="en")
    record(venture, "r1")
    for path in (f"ventures/{venture.pk}/photo", "entries/r1/receipt"):
        resp = rejected("too many pixels", _upload(api_client, path, bomb_png(7_000, 7_000)), 422)
        error = resp.json()["error"]
        assert error["code"] == "too_many_pixels"
        assert error["fields"][0]["loc"] == ["body", "file"]
        assert "24 megapíxeles" in error["message"]  # the participant's language
    assert not list(media.rglob("*.jpg"))


# --- sync push size -----------------------------------------------------------------------


def test_a_push_over_the_record_limit_is_413_and_applies_nothing(world: World) -> None:
    venture = make_venture(world.participant_a, world.programme_a)
    records = [entry(f"p{i}", venture.sync_id) for i in range(MAX_PUSH_RECORDS + 1)]
    resp = Device(world.participant_a, language="pt-br").push(created("ledger_entries", *records))
    rejected("sync push too large", resp, 413)
    assert resp.json()["error"]["code"] == "too_many_records"
    assert "1000" in resp.json()["error"]["message"]
    assert not LedgerEntry.objects.exists()


# --- rate limits on sign-in and SMS codes ----------------------------------------------------


@pytest.fixture
def production_rate_limits(settings: Any) -> None:
    from backend import settings as project_settings

    settings.ACCOUNT_RATE_LIMITS = project_settings.__dict__["_PRODUCTION_RATE_LIMITS"]


def _app_post(path: str, body: dict[str, Any], ip: str, lang: str = "es") -> Any:
    return Client(REMOTE_ADDR=ip).post(
        f"{APP}{path}", data=json.dumps(body), content_type="application/json",
        headers={"Accept-Language": lang},
    )  # fmt: skip


def test_repeated_failed_sign_ins_are_429(db: Any, production_rate_limits: None) -> None:
    make_user("target@example.org")
    wrong = {"email": "target@example.org", "password": "not-the-password"}
    # Five failures for one account, from different addresses: the per-account limit.
    statuses = [_app_post("/auth/login", wrong, f"10.1.0.{i}").status_code for i in range(5)]
    assert statuses == [400] * 5
    resp = rejected("sign-in rate limit", _app_post("/auth/login", wrong, "10.1.0.9"), 429)
    assert resp.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert resp["Retry-After"]
    # The right password is refused too while the limit lasts: guessing gains nothing.
    right = {"email": "target@example.org", "password": PASSWORD}
    rejected("sign-in rate limit", _app_post("/auth/login", right, "10.1.0.10"), 429)


def test_sms_codes_are_rate_limited_per_phone(
    db: Any, production_rate_limits: None, sms_file: Path
) -> None:
    User.objects.create_user(phone="+573005550077", phone_verified=True)
    ask = {"phone": "+573005550077"}
    statuses = [_app_post("/auth/code/request", ask, f"10.2.0.{i}").status_code for i in range(3)]
    assert statuses == [401, 401, 401]  # a code sent each time: the sign-in is pending
    resp = rejected("SMS code rate limit", _app_post("/auth/code/request", ask, "10.2.0.9"), 429)
    assert resp.json()["status"] == 429
    assert len(read_sms(sms_file)) == 3  # the refused request sent no SMS


def test_sms_codes_are_rate_limited_per_address(
    db: Any, production_rate_limits: None, sms_file: Path
) -> None:
    for i in range(3):
        User.objects.create_user(phone=f"+57300555010{i}", phone_verified=True)
        assert (
            _app_post("/auth/code/request", {"phone": f"+57300555010{i}"}, "10.3.0.1").status_code
            == 401
        )
    User.objects.create_user(phone="+573005550109", phone_verified=True)
    resp = _app_post("/auth/code/request", {"phone": "+573005550109"}, "10.3.0.1")
    rejected("SMS code rate limit", resp, 429)
    assert len(read_sms(sms_file)) == 3


def test_failed_sign_ins_for_one_account_count_together_whatever_the_host(
    db: Any, settings: Any, production_rate_limits: None
) -> None:
    """Two host names the server answers to (or two nodes on two ports) share one count of an
    account's failed sign-ins: five in all, not five each."""
    settings.ALLOWED_HOSTS = ["impulsa.example", "www.impulsa.example"]
    make_user("hosts@example.org")
    wrong = json.dumps({"email": "hosts@example.org", "password": "not-the-password"})
    statuses = []
    for i in range(6):
        host = "impulsa.example" if i % 2 else "www.impulsa.example"
        resp = Client(REMOTE_ADDR=f"10.2.0.{i}").post(
            f"{APP}/auth/login", data=wrong, content_type="application/json", HTTP_HOST=host
        )
        statuses.append(resp.status_code)
    assert statuses == [400] * 5 + [429], statuses
