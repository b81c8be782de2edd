"""Machinery of the API fuzz run (tests/reliability/test_fuzz.py).

Requests are generated from an OpenAPI spec, sent in-process to the real Django WSGI stack
(every middleware, the URL resolver, the error handlers) and checked against that spec. Each
example runs inside a savepoint that is rolled back afterwards, so every example starts from the
same database and none can make a later one fail.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD, TOTP_SECRET

# Examples per operation, per role and per generation mode (valid and invalid input).
# CI keeps the default; a deeper run is documented in docs/reliability.md.
EXAMPLES = int(os.environ.get("IMPULSA_FUZZ_EXAMPLES", "4"))

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Figures:
    """What one fuzz test did: printed at its end, and the failures it saw."""

    label: str
    operations: int = 0
    examples: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    known: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        known = f", {self.known} with a known third-party mismatch skipped" if self.known else ""
        return (
            f"fuzz {self.label}: {self.operations} operations, {self.examples} examples, "
            f"{len(self.failures)} failures{known} (responses by status: {statuses})"
        )


class InProcessApp:
    """Django's WSGI handler, run the way the test client runs it.

    Django closes the database connection when a request starts and ends; inside a test that
    would drop the test's transaction, so those receivers are held back during each request
    (the response is read whole and closed before they come back). Exceptions that reach
    Django's last-resort handler (a 500) are kept so the failure report shows their traceback.
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.last_exception: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        # A server always knows the peer's address (the rate limits key on it); the in-process
        # client does not set one.
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        got_request_exception.connect(self._on_exception)
        try:
            response = self.handler(environ, start_response)
            try:
                content = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
            return [content]
        finally:
            got_request_exception.disconnect(self._on_exception)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    def _on_exception(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        self.last_exception = traceback.format_exc()


@contextmanager
def no_network() -> Iterator[None]:
    """Any attempt to open a network connection fails the example (Stripe, SMS, mail...).

    The database driver connects below Python's socket module and is already connected.
    """

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the fuzz run tried to open a network connection: {args!r}")

    original_connect, original_create = socket.socket.connect, socket.create_connection
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.create_connection = original_create


def app_session_token(
    *, email: str | None = None, phone: str | None = None, mfa: bool = False
) -> str:
    """Signs in through the headless app endpoints, as the phone does, and returns the token.

    Staff and donor viewers then pass the second factor with a code from the fixture's secret.
    """
    client = Client()
    login = {"email": email} if email else {"phone": phone}
    resp = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({**login, "password": PASSWORD}),
        content_type="application/json",
    )
    token = str(resp.json()["meta"]["session_token"])
    if mfa:
        assert resp.status_code == 401, resp.content
        pending = [f["id"] for f in resp.json()["data"]["flows"] if f.get("is_pending")]
        assert pending == ["mfa_authenticate"], resp.content
        # allauth refuses a code used twice by the same user id; an earlier test in this
        # process may have used this one for its own world, whose user had the same id.
        cache.clear()
        counter = next(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(TOTP_SECRET, counter))
        resp = client.post(
            "/_allauth/app/v1/auth/2fa/authenticate",
            data=json.dumps({"code": code}),
            content_type="application/json",
            headers={"X-Session-Token": token},
        )
    assert resp.status_code == 200, resp.content
    return str(resp.json()["meta"].get("session_token", token))


def strategy_for(
    operation: Any, path_values: dict[str, list[Any]], mode: GenerationMode
) -> st.SearchStrategy[Any]:
    """Generated cases, half of them aimed at objects that exist.

    Path parameters drawn at random almost never name a real venture or cohort, so only the
    "not found" branch would be fuzzed; the other half of the examples use the ids of the
    world's objects, so that the bodies and queries reach the code behind the access checks.
    """
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters if path_values.get(p.name)]
    if not names:
        return generated
    real = st.fixed_dictionaries({name: st.sampled_from(path_values[name]) for name in names})
    aimed = real.flatmap(
        lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
    )
    return st.one_of(generated, aimed)


@dataclass(frozen=True)
class KnownMismatch:
    """A check that a third-party spec is known to fail, skipped only where it fails.

    It applies to the named operations ("*" for all), to responses with one of the statuses,
    optionally only to callers without a token or to responses with an empty body.
    """

    operations: tuple[str, ...]
    statuses: tuple[int, ...]
    checks: tuple[Any, ...]
    why: str
    anonymous_only: bool = False
    empty_body_only: bool = False

    def skips(self, label: str, response: Any, anonymous: bool) -> tuple[Any, ...]:
        applies = (
            ("*" in self.operations or label in self.operations)
            and response.status_code in self.statuses
            and (anonymous or not self.anonymous_only)
            and (not response.content or not self.empty_body_only)
        )
        return self.checks if applies else ()


def fuzz_operation(
    operation: Any,
    *,
    app: InProcessApp,
    headers: dict[str, str],
    path_values: dict[str, list[Any]],
    figures: Figures,
    known: tuple[KnownMismatch, ...] = (),
) -> None:
    """Runs the examples of one operation, valid input then invalid input, and records them."""
    figures.operations += 1
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            _fuzz_mode(operation, mode, app, headers, path_values, figures, known)
        except Unsatisfiable:
            # An operation without parameters or body has no invalid input to send.
            if mode is GenerationMode.POSITIVE:
                raise


def _fuzz_mode(
    operation: Any,
    mode: GenerationMode,
    app: InProcessApp,
    headers: dict[str, str],
    path_values: dict[str, list[Any]],
    figures: Figures,
    known: tuple[KnownMismatch, ...],
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    anonymous = "X-Session-Token" not in headers
    seen: set[str] = set()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy_for(operation, path_values, mode))
    def run(case: Any) -> None:
        figures.examples += 1
        app.last_exception = None
        # The rate limits would soon answer 429 to everything; they are kept on, but each
        # example starts with an empty cache, as the database starts from the same state.
        cache.clear()
        try:
            with transaction.atomic():
                response = case.call(app=app, headers=headers)
                transaction.set_rollback(True)
        except Exception:
            figures.failures.append(f"{label} [{mode}]: {traceback.format_exc()}")
            return
        if response.headers.get("content-encoding") == ["gzip"]:
            # Read the body as any HTTP client does: compressed on the wire, JSON inside.
            response.content = gzip.decompress(response.content)
        figures.statuses[response.status_code] = figures.statuses.get(response.status_code, 0) + 1
        skipped = {check for k in known for check in k.skips(label, response, anonymous)}
        if skipped:
            figures.known += 1
        checks = [check for check in CHECKS if check not in skipped]
        try:
            case.validate_response(response, checks=checks)
        except (FailureGroup, Failure) as exc:
            key = f"{response.status_code} {type(exc).__name__} {str(exc)[:200]}"
            if key in seen:
                return
            seen.add(key)
            detail = f"{label} [{mode}]: {exc}"
            if app.last_exception:
                detail += f"\n{app.last_exception}"
            figures.failures.append(detail)

    run()


def load_spec(raw: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(raw)
    # The session token is the caller's real one, sent on every example; schemathesis would
    # otherwise drop it from the invalid-input examples, which the anonymous run covers.
    schema.config.generation.update(with_security_parameters=False)
    return schema
