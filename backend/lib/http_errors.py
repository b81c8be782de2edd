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
"""

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

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


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class JsonErrorMiddleware:
    """Refuses bodies that are not JSON or a form on API paths (415), and turns the
    exceptions of bad input that reach Django there into a 400.

    django-ninja and allauth read any body as JSON whatever its declared type, so a
    ``text/plain`` body would be accepted; the declared type is checked here first.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            wants_json(request)
            and request.method in {"POST", "PUT", "PATCH"}
            and request.content_type not in BODY_TYPES
            and _declared_length(request) > 0
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
        return None


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
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return json_error(
            request,
            500,
            "server_error",
            _("Something went wrong on the server. Try again later."),
        )
    return defaults.server_error(request)
