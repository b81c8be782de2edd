import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation

Handler = Callable[[HttpRequest], HttpResponse]
SESSION_STARTED_KEY = "impulsa_session_started"


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
    """Ends a web session this long after sign-in, however active it is."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(timezone.now().timestamp())
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - int(started) > settings.IMPULSA_SESSION_ABSOLUTE_SECONDS:
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
                response["Retry-After"] = "60"
        return response
