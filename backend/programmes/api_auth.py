"""Who is calling the API: the app's session token, and the portal's session where allowed.

The API is the app's, authenticated by allauth's session token. A few operations also accept
the portal's session cookie so that a page's script can use them (the books' outbox posts the
sales typed without coverage to the idempotent create). A cookie is sent by the browser on its
own, so such a call must carry the CSRF token as well: otherwise another site could post in the
person's name. A call without the cookie is left to the token check (an app's 401 stays a 401).
"""

from typing import Any

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from backend.lib.errors import DomainError

from .access import requires_mfa


def _require_second_factor(user: Any) -> None:
    """Staff, managers and donor viewers see no programme data before they set up TOTP."""
    if (
        settings.IMPULSA_MFA_REQUIRED
        and requires_mfa(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        raise DomainError(
            _("Set up two-factor authentication before you can see programme data."),
            code="mfa_required",
            status=403,
        )


class SessionTokenAuth(XSessionTokenAuth):
    """allauth's token check, described properly in the OpenAPI security scheme.

    It also refuses closed accounts, applies the person's chosen language to the response,
    and keeps staff and donor viewers out until they have set up a second factor.
    """

    openapi_in = "header"
    openapi_name = "X-Session-Token"

    def __call__(self, request: HttpRequest) -> Any:
        user = super().__call__(request)
        if user is None or not getattr(user, "is_active", False):
            return None
        # The language the person chose in the app wins over the phone's Accept-Language.
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = user.preferred_language
        _require_second_factor(user)
        return user


session_auth = SessionTokenAuth()


class PortalSessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if not key:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, _("The page is too old: reload it and send again."))
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        _require_second_factor(user)
        return user


portal_session_auth = PortalSessionAuth()
