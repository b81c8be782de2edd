"""Fuzzing of the whole API against its own OpenAPI spec, as every role and anonymously.

Two specs are fuzzed: the project's (the NinjaAPI under /api/v1, generated in-process) and
allauth's headless spec (served at /_allauth/openapi.json), which covers sign-in, sign-up, SMS
codes, two-factor and sessions for the app. Each example must get an answer that is not a
server error, whose status code the spec declares, whose content type is the declared one and
whose body matches the declared schema.

Generation is derandomized (the same examples on every run) and bounded: IMPULSA_FUZZ_EXAMPLES
examples per operation, role and generation mode (valid input, then invalid input). The figures
of each run are printed; run with ``-s`` to see them.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.accounts import services as account_services
from backend.api import OPERATION_RESPONSES, api
from tests.conftest import ApiClient, World, read_sms
from tests.reliability.fuzz_support import (
    Figures,
    InProcessApp,
    KnownMismatch,
    app_session_token,
    fuzz_operation,
    load_spec,
    no_network,
)
from tests.security.access import finance, fund, outcomes, training, ventures

# Every role of the access rules: a participant, a trainer, a programme manager, a donor viewer
# and an admin (the last three sign in with a second factor), and no one at all.
API_ROLES = ["anonymous", "participant_a", "trainer", "manager", "donor", "admin"]
# allauth's endpoints behave the same for every role once signed in: one with a phone and a
# password, one with an email and a second factor, and no one.
ALLAUTH_ROLES = ["anonymous", "participant_a", "manager"]
MFA_ROLES = {"manager", "donor", "admin"}

# Where allauth's own spec (allauth 65.22) and allauth's own code disagree. Each entry skips
# one check for the responses that show the disagreement and nothing else; every other check
# still runs on those responses, and the server-error check is never skipped.
ACCOUNT_ENDPOINTS_OF_A_SIGNED_IN_USER = (
    "GET /_allauth/app/v1/auth/sessions",
    "GET /_allauth/app/v1/account/authenticators/totp",
    "PUT /_allauth/app/v1/account/email",
    "PATCH /_allauth/app/v1/account/email",
    "DELETE /_allauth/app/v1/account/email",
    "POST /_allauth/app/v1/auth/reauthenticate",
    "POST /_allauth/app/v1/auth/2fa/reauthenticate",
)
ALLAUTH_KNOWN = (
    KnownMismatch(
        operations=("GET /_allauth/app/v1/config",),
        statuses=(200,),
        checks=(response_schema_conformance,),
        why='the spec lists login methods "email" and "username" only; ours include "phone"',
    ),
    KnownMismatch(
        operations=("*",),
        statuses=(400,),
        checks=(content_type_conformance,),
        empty_body_only=True,
        why="a body that is not a JSON object gets Django's empty HttpResponseBadRequest "
        "(text/html) from allauth's REST layer, where the spec promises JSON",
    ),
    KnownMismatch(
        operations=ACCOUNT_ENDPOINTS_OF_A_SIGNED_IN_USER,
        statuses=(401,),
        checks=(status_code_conformance,),
        anonymous_only=True,
        why="these need a session and answer 401 without one, which the spec leaves out",
    ),
    KnownMismatch(
        operations=(
            "POST /_allauth/app/v1/account/authenticators/totp",
            "DELETE /_allauth/app/v1/account/authenticators/totp",
            "GET /_allauth/app/v1/account/authenticators/recovery-codes",
            "POST /_allauth/app/v1/account/authenticators/recovery-codes",
        ),
        statuses=(401,),
        checks=(response_schema_conformance,),
        anonymous_only=True,
        why="the spec's 401 body here is that of a pending reauthentication (with a user); "
        "without a session the body is the plain not-signed-in one",
    ),
    KnownMismatch(
        operations=("POST /_allauth/app/v1/auth/2fa/authenticate",),
        statuses=(401,),
        checks=(response_schema_conformance,),
        why="with no sign-in in progress meta.is_authenticated is null, the spec says boolean",
    ),
    KnownMismatch(
        operations=("DELETE /_allauth/app/v1/auth/sessions",),
        statuses=(400,),
        checks=(status_code_conformance,),
        why="a missing or unknown session id is refused with 400, which the spec leaves out",
    ),
)


def _token(world: World, role: str) -> str | None:
    user = world.role(role)
    if user is None:
        return None
    if user.email:
        return app_session_token(email=user.email, mfa=role in MFA_ROLES)
    return app_session_token(phone=str(user.phone))


def _path_values(world: World) -> dict[str, list[Any]]:
    """Ids of real objects, by the name of the path parameter that takes them."""
    extras: dict[str, Any] = {}
    for module in (finance, fund, outcomes, training, ventures):
        extras.update(module.build(world))
    erasure = account_services.request_erasure(user=world.participant_b)
    return {
        "programme_id": [world.programme_a.pk, world.programme_b.pk],
        "user_id": [world.participant_a.pk, world.participant_other.pk, world.trainer.pk],
        "venture_id": [extras["venture_a"].pk, extras["fund_venture_a"].pk],
        "entry_id": [extras["entry_a"].pk],
        "cohort_id": [extras["cohort_a"].pk],
        "session_id": [extras["session_a"].pk],
        "enrollment_id": [extras["enrollment_done"].pk, extras["enrollment_pending"].pk],
        "certificate_id": [extras["certificate_a"].pk],
        "lesson_id": [extras["fin_lesson"].pk],
        "code": ["core"],
        "goal_id": [extras["fin_goal_a"].pk],
        "grant_id": [extras["grant_a"].pk],
        "snapshot_id": [extras["manager_report"].pk],
        "request_id": [erasure.pk],
    }


@pytest.fixture
def fuzz_env(world: World, settings: Any, tmp_path: Path) -> Any:
    # Text messages go to a file, mail to the in-memory outbox, and the network is closed.
    settings.IMPULSA_SMS_BACKEND = "file"
    settings.IMPULSA_SMS_FILE = str(tmp_path / "sms.jsonl")
    with no_network():
        yield InProcessApp()


def _report(figures: Figures, tmp_path: Path, mailoutbox: list[Any]) -> None:
    sms = len(read_sms(tmp_path / "sms.jsonl"))
    print(f"{figures.summary()}; {sms} text messages to the test file, {len(mailoutbox)} mails")
    assert figures.failures == [], "\n\n".join(figures.failures)


@pytest.mark.parametrize("role", API_ROLES)
def test_fuzz_api(
    role: str, world: World, fuzz_env: InProcessApp, tmp_path: Path, mailoutbox: list[Any]
) -> None:
    schema = load_spec(api.get_openapi_schema())
    token = _token(world, role)
    headers = {"X-Session-Token": token} if token else {}
    path_values = _path_values(world)
    figures = Figures(f"/api/v1 as {role}")
    for result in schema.get_all_operations():
        fuzz_operation(
            result.ok(),
            app=fuzz_env,
            headers=headers,
            path_values=path_values,
            figures=figures,
        )
    _report(figures, tmp_path, mailoutbox)


@pytest.mark.parametrize("role", ALLAUTH_ROLES)
def test_fuzz_allauth_headless(
    role: str, world: World, fuzz_env: InProcessApp, tmp_path: Path, mailoutbox: list[Any]
) -> None:
    raw = json.loads(Client().get("/_allauth/openapi.json").content)
    schema = load_spec(raw)
    token = _token(world, role)
    headers = {"X-Session-Token": token} if token else {}
    figures = Figures(f"/_allauth as {role}")
    for result in schema.get_all_operations():
        fuzz_operation(
            result.ok(),
            app=fuzz_env,
            headers=headers,
            path_values={},
            figures=figures,
            known=ALLAUTH_KNOWN,
        )
    _report(figures, tmp_path, mailoutbox)


def test_every_extra_error_status_names_a_real_operation() -> None:
    operations = {
        f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    assert set(OPERATION_RESPONSES) - operations == set()


# Found by the fuzz run, and kept here so that they stay fixed.


def test_a_body_that_is_not_json_is_refused_in_the_callers_language(world: World) -> None:
    caller = ApiClient(world.participant_a)  # she keeps the default language, Spanish
    resp = caller.client.post(
        "/api/v1/ventures",
        data=b"\x89PNG",
        content_type="application/json",
        headers={"X-Session-Token": str(caller.token)},
    )
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "malformed_body"
    assert error["fields"][0]["loc"] == ["body"]
    assert error["message"] == "El cuerpo de la solicitud no es JSON válido."


def test_asking_for_a_sign_in_code_with_neither_phone_nor_email_is_invalid(db: Any) -> None:
    resp = Client().post(
        "/_allauth/app/v1/auth/code/request",
        data=json.dumps({"email": ""}),
        content_type="application/json",
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "required"
    page = Client().post("/accounts/login/code/", {"email": "", "phone": ""})
    assert page.status_code == 200
    assert "phone number" in page.content.decode() or "teléfono" in page.content.decode()


def test_a_sign_in_code_request_still_sends_the_code(world: World, sms_file: Path) -> None:
    resp = Client().post(
        "/_allauth/app/v1/auth/code/request",
        data=json.dumps({"phone": str(world.participant_a.phone)}),
        content_type="application/json",
    )
    assert resp.status_code == 401  # the sign-in now waits for the code
    assert [sms["to"] for sms in read_sms(sms_file)] == [str(world.participant_a.phone)]


def test_a_summary_of_dates_off_the_calendar_is_invalid_input(world: World) -> None:
    venture = ventures.build(world)["venture_a"]
    caller = ApiClient(world.participant_a)
    # The range before 0001-01-01, used for the trend, does not exist.
    resp = caller.get(f"ventures/{venture.pk}/summary", start="0001-01-01", end="0001-02-01")
    assert resp.status_code == 422
    assert [f["loc"] for f in resp.json()["error"]["fields"]] == [
        ["query", "start"],
        ["query", "end"],
    ]
    ok = caller.get(f"ventures/{venture.pk}/summary", start="1900-01-01", end="1900-01-31")
    assert ok.status_code == 200


def test_attendance_for_an_enrollment_id_no_database_can_hold_is_invalid(world: World) -> None:
    session = training.build(world)["session_a"]
    marks = [{"enrollment_id": 2**70, "status": "present"}]
    resp = ApiClient(world.trainer).post(f"sessions/{session.pk}/attendance", {"marks": marks})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "marks", "0", "enrollment_id"]


def test_a_password_reset_key_without_its_user_part_is_refused(db: Any) -> None:
    resp = Client().post(
        "/_allauth/app/v1/auth/password/reset",
        data=json.dumps({"key": "-abc", "password": "a-new-long-password-1"}),
        content_type="application/json",
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "invalid_password_reset"
    check = Client().get(
        "/_allauth/app/v1/auth/password/reset", headers={"X-Password-Reset-Key": "-abc"}
    )
    assert check.status_code == 400


def test_ending_a_session_by_an_id_no_database_can_hold_is_refused(world: World) -> None:
    token = app_session_token(phone=str(world.participant_a.phone))
    resp = Client().delete(
        "/_allauth/app/v1/auth/sessions",
        data=json.dumps({"sessions": [2**70]}),
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "invalid_choice"
    assert Client().get("/api/v1/me", headers={"X-Session-Token": token}).status_code == 200


# The outside probe's bad inputs (issue 26), sent to every operation of both specs: each must
# be answered with a status the spec declares, in JSON, never a server error.
HUGE = 10**25
NESTED = "[" * 30_000 + "]" * 30_000


def _bad_requests(spec: dict[str, Any], ids: dict[str, list[Any]]) -> Any:
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            params = [p for p in operation.get("parameters", []) if "in" in p and "schema" in p]
            url = path
            for p in params:
                if p["in"] == "path":
                    url = url.replace(f"{{{p['name']}}}", str((ids.get(p["name"]) or [1])[0]))
            integers = [
                p for p in params if p["schema"].get("type") == "integer" or "anyOf" in p["schema"]
            ]
            where = f"{method.upper()} {path}"
            for p in integers:
                if p["in"] == "path":
                    yield where, method, path.replace(f"{{{p['name']}}}", str(HUGE)), None, None
                elif p["in"] == "query":
                    yield where, method, f"{url}?{p['name']}={HUGE}", None, None
            if method == "get":
                yield where, method, f"{url}?q=a%00b", None, None
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "multipart/form-data" in content:
                yield where, method, url, b"--x\r\n", "multipart/form-data"
                continue
            yield where, method, url, b'{"a": 1}', "text/plain"
            yield where, method, url, b'{"name": "a\\u0000b"}', "application/json"
            yield where, method, url, NESTED.encode(), "application/json"


def _declared(operation: dict[str, Any], status: int) -> bool:
    responses = operation.get("responses", {})
    return str(status) in responses or status in responses or "default" in responses


@pytest.mark.parametrize("which", ["api", "allauth"])
def test_the_probes_bad_inputs_get_declared_json_answers(world: World, which: str) -> None:
    if which == "api":
        spec = api.get_openapi_schema()
        ids = _path_values(world)
        token = _token(world, "manager")
    else:
        spec = json.loads(Client().get("/_allauth/openapi.json").content)
        spec["paths"] = {p: m for p, m in spec["paths"].items() if p.startswith("/_allauth/app/")}
        ids = {}
        token = None
    client = Client(raise_request_exception=False)
    headers = {"X-Session-Token": token} if token else {}
    sent, wrong = 0, []
    for where, method, url, body, content_type in _bad_requests(spec, ids):
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs.update(data=body, content_type=content_type)
        resp = getattr(client, method)(url, **kwargs)
        sent += 1
        operation = spec["paths"][where.split(" ", 1)[1]][method]
        problems = []
        if resp.status_code >= 500:
            problems.append("server error")
        if which == "api" and not _declared(operation, resp.status_code):
            problems.append("status not in the spec")
        if resp.status_code >= 400 and not resp.get("Content-Type", "").startswith(
            "application/json"
        ):
            problems.append(f"not JSON ({resp.get('Content-Type')})")
        if problems:
            wrong.append(f"{where} {url[:80]} {content_type}: {resp.status_code} {problems}")
    print(f"{which}: {sent} bad requests, {len(wrong)} wrong answers")
    assert sent > 50
    assert wrong == [], "\n".join(wrong)
