"""Errors that escape the views, answered in the JSON shape of the API that was called.

django-ninja's handlers (backend/api.py) shape every error a view raises on purpose. What is
left reaches Django: a body Django cannot parse (a multipart body without a boundary), an
exception nobody expected, a 404 from the URL resolver. Django would answer those with an
HTML page, which an app cannot read; here the paths of the API (`/api/`) and of allauth's app
endpoints (`/_allauth/`) get JSON instead, in the shape each one documents:

- `/api/`: ``{"error": {"code": ..., "message": ...}}``;
- `/_allauth/`: ``{"status": ..., "errors": [{"code": ..., "message": ...}]}``.

Portal pages keep Django's pages. A body nested so deeply that parsing it exhausts the stack
(`RecursionError`) is the client's fault and answered 400, not 500.

The middleware here also refuses, on every path, text with a NUL character (PostgreSQL
cannot store it; 422 on the API, 400 elsewhere), and on API paths a body declared as anything
but JSON or a multipart form (415): django-ninja and allauth would read a ``text/plain`` body
as JSON.
"""

import json
import logging
from collections.abc import Callable
from typing import Any

from allauth.core.exceptions import RateLimited
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from backend.lib.validation import has_nul

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "60"  # the shortest window of the sign-in and SMS rate limits

Handler = Callable[[HttpRequest], HttpResponse]
JSON_PREFIXES = ("/api/", "/_allauth/")


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES)


def json_error(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    """An error in the shape of the API the request was sent to."""
    if request.path.startswith("/_allauth/"):
        body: dict[str, Any] = {"status": status, "errors": [{"code": code, "message": message}]}
    else:
        body = {"error": {"code": code, "message": message, **extra}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _malformed(request: HttpRequest) -> HttpResponse:
    message = _("The request body cannot be read: it is not well-formed.")
    fields = [{"loc": ["body"], "message": message}]
    if request.path.startswith("/_allauth/"):
        return json_error(request, 400, "malformed_body", message)
    return json_error(request, 400, "malformed_body", message, fields=fields)


# What a body on the API's paths may be: JSON, or a multipart form carrying a picture.
BODY_TYPES = {"application/json", "multipart/form-data"}


def _nul_in(request: HttpRequest) -> list[str] | None:
    """Where a NUL character was sent, if anywhere: PostgreSQL cannot store one in text, and
    no person types one. The path, the query string, a form and a JSON body are looked at."""
    if "\x00" in request.path:
        return ["path"]
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in v for v in values):
            return ["query", name.replace("\x00", "")]
    if request.method not in {"POST", "PUT", "PATCH"}:
        return None
    form = request.content_type == "application/x-www-form-urlencoded" or (
        request.content_type == "multipart/form-data" and not wants_json(request)
    )  # an API upload carries a picture, no text
    if form:
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return ["body", name.replace("\x00", "")]
    elif request.content_type == "application/json" and _declared_length(request) > 0:
        body = request.body
        # Cheap first: JSON can only carry a NUL as an escape (a raw one is not valid JSON).
        if b"\\u0000" in body.lower():
            try:
                decoded = json.loads(body)
            except (ValueError, RecursionError):
                return None  # not JSON: the parser that reads it says so
            if has_nul(decoded):
                return ["body"]
    return None


def _nul_refused(request: HttpRequest, where: list[str]) -> HttpResponse:
    message = _("Text cannot contain the NUL character. Remove it and try again.")
    if not wants_json(request):
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    if request.path.startswith("/_allauth/"):
        return json_error(request, 400, "nul_character", message)
    return json_error(request, 422, "invalid", message, fields=[{"loc": where, "message": message}])


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# Where a JSON body declared as text/plain is read as JSON all the same (see below).
TEXT_JSON_PATHS = frozenset({"/api/v1/sync/push"})


class JsonErrorMiddleware:
    """Refuses bodies that are not JSON or a form on API paths (415), and turns the
    exceptions of bad input that reach Django there into a 400.

    django-ninja and allauth read any body as JSON whatever its declared type, so a
    ``text/plain`` body would be accepted; the declared type is checked here first. The one
    exception is the sync push: WatermelonDB's example app posts ``JSON.stringify(changes)``
    with fetch's default ``text/plain`` type, and its body is still parsed strictly as JSON
    (docs/sync.md, "Accepted shapes").
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _nul_in(request)
        if where is not None:
            return _nul_refused(request, where)
        if (
            wants_json(request)
            and request.method in {"POST", "PUT", "PATCH"}
            and request.content_type not in BODY_TYPES
            and _declared_length(request) > 0
            and not (request.path in TEXT_JSON_PATHS and request.content_type == "text/plain")
        ):
            return json_error(
                request,
                415,
                "unsupported_media_type",
                _("Send the request body as JSON (Content-Type: application/json)."),
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if wants_json(request) and isinstance(exception, RecursionError):
            log.warning("Refused a request body nested too deeply on %s", request.path)
            return _malformed(request)
        if isinstance(exception, RateLimited):
            # allauth raises this from a sign-in stage (sending the SMS code that verifies a
            # new phone number) instead of answering it: a page that says to wait, not a 500.
            return rate_limited(request)
        return None


def rate_limited(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        response = json_error(
            request, 429, "too_many_requests", _("Too many requests. Wait a moment and try again.")
        )
    else:
        response = render(request, "429.html", status=429)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return _malformed(request)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return json_error(request, 403, "forbidden", _("You may not do this."))
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return json_error(request, 404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return json_error(
            request,
            500,
            "server_error",
            _("Something went wrong on the server. Try again later."),
        )
    return defaults.server_error(request)
