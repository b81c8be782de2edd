"""The JSON API for the companion app and integrations: one NinjaAPI at /api/v1/.

Authentication is allauth's headless session token (X-Session-Token). Every error leaves
through one of the handlers below, so clients see one shape:
``{"error": {"code": ..., "message": ..., "fields": [{"loc": [...], "message": ...}]}}``.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from backend import __version__
from backend.accounts.api import router as accounts_router
from backend.finance.api import router as finance_router
from backend.finance.fund.api import router as fund_router
from backend.lib.api import router as core_router
from backend.lib.errors import DomainError
from backend.lib.openapi_links import add_links
from backend.lib.ratelimit import ClientAnonRateThrottle, ClientAuthRateThrottle
from backend.lib.validation import readable_errors
from backend.outcomes.api import router as outcomes_router
from backend.programmes.api import router as programmes_router
from backend.programmes.api_auth import session_auth
from backend.programmes.invitations_api import router as invitations_router
from backend.sync.api import router as sync_router
from backend.training.api import router as training_router
from backend.training.credential_api import router as credentials_router
from backend.ventures.api import router as ventures_router

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code"},
                "message": {
                    "type": "string",
                    "description": "Human message in the caller's language",
                },
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["loc", "message"],
                        "properties": {
                            "loc": {"type": "array", "items": {"type": "string"}},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
            "additionalProperties": True,
        }
    },
}
ERROR_RESPONSES = {
    401: "Not signed in, or the session token is invalid or expired",
    403: "Signed in but not allowed (for example: consent or two-factor setup needed)",
    404: "Missing, or not visible to the caller",
    422: "Invalid input; `fields` says where and why",
    429: "Too many requests",
}
# Answers that only operations with input can give.
INPUT_RESPONSES = {
    400: "The request cannot be read (a body that is not JSON, a missing upload) or its values "
    "contradict each other; `fields` says where",
}
BODY_RESPONSES = {
    413: "The request body is larger than allowed; `max_bytes` gives the limit",
    415: "The body is not sent as JSON (`Content-Type: application/json`)",
}
UPLOAD_RESPONSES = {
    415: "The file is not a JPEG, PNG or WebP image, or the body is not a multipart form"
}
# Statuses that the domain rules behind an operation can answer, beyond the common ones.
DOMAIN_RESPONSES = {
    409: "Conflicts with the current state (already done, closed, or changed meanwhile)",
    410: "The device must reset its local data and sync again",
    426: "The app is too old for this server; update it",
}
OPERATION_RESPONSES: dict[str, tuple[int, ...]] = {
    "DELETE /api/v1/me/consent": (409,),
    "POST /api/v1/me/erasure/{request_id}/confirm": (409,),
    "POST /api/v1/me/invitations/{invitation_id}/accept": (409,),
    "POST /api/v1/programmes/{programme_id}/participants": (409,),
    "POST /api/v1/programmes/{programme_id}/trainers": (409,),
    "POST /api/v1/ventures/{venture_id}/entries": (409,),
    "POST /api/v1/entries/{entry_id}/void": (409,),
    "POST /api/v1/entries/{entry_id}/receipt": (409,),
    "POST /api/v1/cohorts/{cohort_id}/sessions": (409,),
    "POST /api/v1/cohorts/{cohort_id}/enrollments": (409,),
    "PATCH /api/v1/enrollments/{enrollment_id}": (409,),
    "POST /api/v1/enrollments/{enrollment_id}/certificate": (409,),
    "POST /api/v1/certificates/{certificate_id}/revoke": (409,),
    "GET /api/v1/certificates/{certificate_id}/credential": (409,),
    "POST /api/v1/finance/modules/{code}/knowledge-test": (409,),
    "POST /api/v1/funds/{programme_id}/contributions": (409,),
    "POST /api/v1/funds/{programme_id}/grants": (409,),
    "POST /api/v1/grants/{grant_id}/disburse": (409,),
    "GET /api/v1/programmes/{programme_id}/iati-activity": (409,),
    "GET /api/v1/sync/pull": (410, 426),
    "POST /api/v1/sync/push": (409,),
}


class ImpulsaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """The generated spec, plus the one error shape and every error status an operation
        can really answer."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                codes = dict(ERROR_RESPONSES)
                if "security" not in operation:
                    del codes[401]  # public: no token is read, so none is refused
                body = operation.get("requestBody", {}).get("content", {})
                if body or operation.get("parameters"):
                    codes.update(INPUT_RESPONSES)
                if body:
                    codes.update(BODY_RESPONSES)
                elif method in {"post", "put", "patch"}:
                    # A body is refused unless it is JSON, also where none is read.
                    codes[415] = BODY_RESPONSES[415]
                if "multipart/form-data" in body:
                    codes.update(UPLOAD_RESPONSES)
                for code in OPERATION_RESPONSES.get(f"{method.upper()} {path}", ()):
                    codes[code] = DOMAIN_RESPONSES[code]
                responses = operation.setdefault("responses", {})
                for code, description in sorted(codes.items()):
                    responses.setdefault(code, {"description": description, **ref})
        add_links(schema)
        return schema


api = ImpulsaAPI(
    title="Impulsa API",
    version="1",
    description=(
        "JSON API of Impulsa for the companion mobile app. Sign in through the headless "
        "authentication endpoints under /_allauth/app/v1/ and send the session token in the "
        "X-Session-Token header. See mobile_api_spec/README.md."
    ),
    auth=session_auth,
    urls_namespace="api",
    docs_url="/docs",
    throttle=[
        ClientAnonRateThrottle(settings.IMPULSA_API_THROTTLE_ANON),
        ClientAuthRateThrottle(settings.IMPULSA_API_THROTTLE_USER),
    ],
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, **extra}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_body(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(
        request,
        422,
        "invalid",
        _("Some fields are not valid."),
        fields=readable_errors(list(exc.errors)),
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "unauthenticated", _("Sign in first: send a valid X-Session-Token.")
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_missing_object(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(
        request, 429, "throttled", _("Too many requests. Wait a moment and try again.")
    )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        # django-ninja's words for a body it cannot decode; say it in the caller's language.
        return _error(
            request,
            400,
            "malformed_body",
            _("The request body is not valid JSON."),
            fields=[{"loc": ["body"], "message": _("The request body is not valid JSON.")}],
        )
    return _error(request, exc.status_code, "error", str(exc.message))


def _mount_routers() -> None:
    api.add_router("/", core_router)
    api.add_router("/", accounts_router)
    api.add_router("/programmes", programmes_router)
    api.add_router("/", invitations_router)
    # Each domain router names its own paths (/ventures/..., /cohorts/..., /finance/...).
    api.add_router("/", ventures_router)
    api.add_router("/", training_router)
    api.add_router("/", credentials_router)
    api.add_router("/", finance_router)
    api.add_router("/", fund_router)
    api.add_router("/", sync_router)
    api.add_router("/", outcomes_router)


_mount_routers()
__all__ = ["__version__", "api", "session_auth"]
