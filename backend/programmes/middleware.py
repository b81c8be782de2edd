from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .access import requires_mfa

# Pages a person who still has to set up TOTP may open: the allauth pages (sign-in, MFA
# setup, sign-out), the language switcher, static files and the public pages.
ALLOWED_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/api/",
    "/_allauth/",
    "/verify/",
    "/tools/",
)


class RequireMFAMiddleware:
    """Staff, programme managers and donor viewers see no data until TOTP is set up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.IMPULSA_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and requires_mfa(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
