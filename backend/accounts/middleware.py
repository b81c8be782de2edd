import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext as _

from backend.lib.errors import TooLarge
from backend.lib.http_errors import RETRY_AFTER_SECONDS
from backend.lib.images import MAX_BYTES
from backend.lib.sessions import past_absolute_lifetime

Handler = Callable[[HttpRequest], HttpResponse]


class UserLanguageMiddleware:
    """Portal pages speak the signed-in person's language unless they just picked another.

    The language switcher sets Django's language cookie, which LocaleMiddleware already
    honours; without that cookie the account's preferred language applies.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith("/api/")
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class AbsoluteSessionLifetimeMiddleware:
    """Ends a web session this long after sign-in, however active it is.

    App session tokens get the same limit where they are looked up
    (backend.lib.sessions.AppSessionTokenStrategy).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and hasattr(request, "session")
            and past_absolute_lifetime(request.session)
        ):
            logout(request)
            if not request.path.startswith(("/api/", "/_allauth/")):
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


RATE_LIMIT_CODES = {"too_many_login_attempts", "too_many_requests", "rate_limited"}


class HeadlessRateLimitStatusMiddleware:
    """allauth's app API reports a rate limit as a 400 form error; clients expect 429.

    The body stays as allauth wrote it (the message is already in the caller's language); only
    the status changes, with a Retry-After hint, so the app can back off instead of showing a
    validation error.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and request.path.startswith("/_allauth/"):
            # allauth's own 429 (password reset, e-mail and phone changes) carries no hint.
            response.headers.setdefault("Retry-After", RETRY_AFTER_SECONDS)
        if response.status_code == 400 and request.path.startswith("/_allauth/"):
            try:
                body = json.loads(response.content)
            except ValueError:
                return response
            codes = {e.get("code") for e in body.get("errors", []) if isinstance(e, dict)}
            if codes & RATE_LIMIT_CODES:
                body["status"] = 429
                response.content = json.dumps(body).encode()
                response.status_code = 429
                response["Retry-After"] = RETRY_AFTER_SECONDS
        return response


class RequestSizeLimitMiddleware:
    """Refuses an oversized request body with 413 before anything reads it.

    Django's own check (DATA_UPLOAD_MAX_MEMORY_SIZE) raises while a view parses the body and
    ends as a bare 400; here the declared length is compared first, and the answer says what
    the limit is, in the shape the caller reads: the API's error object, allauth's error list
    on its app endpoints, a short translated text on portal pages. Multipart bodies carry a
    picture (API uploads only) and may be as large as one picture (backend.lib.images.MAX_BYTES)
    plus framing, or a spreadsheet on the portal's import pages (IMPULSA_IMPORT_MAX_BYTES).
    """

    MULTIPART_FRAMING = 64 * 1024

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    @classmethod
    def limit_for(cls, request: HttpRequest) -> int:
        if request.path.startswith("/api/") and request.content_type == "multipart/form-data":
            return MAX_BYTES + cls.MULTIPART_FRAMING
        if request.path.endswith("/import/") and request.content_type == "multipart/form-data":
            return (
                int(settings.IMPULSA_IMPORT_MAX_BYTES) + cls.MULTIPART_FRAMING
            )  # a spreadsheet of participants
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.limit_for(request)
        if length > limit:
            return too_large_response(request, limit)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Bodies within the length limit whose form fields alone pass Django's limits (the
        # fields of a multipart body, their number, the number of files).
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            return too_large_response(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        return None


def too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    megabytes = floatformat(limit / (1024 * 1024), -1)  # "2.5", "2,5": the caller's way
    message = _("The request is too large: send at most %(mb)s MB.") % {"mb": megabytes}
    if request.path.startswith("/api/"):
        body = TooLarge(message, extra={"max_bytes": limit}).as_body()
    elif request.path.startswith("/_allauth/"):
        body = {"status": 413, "errors": [{"code": "too_large", "message": message}]}
    else:
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    return HttpResponse(json.dumps(body), status=413, content_type="application/json")
