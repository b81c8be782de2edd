from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.headless.adapter import DefaultHeadlessAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from backend.lib.ratelimit import client_ip

from .models import User
from .phones import normalize_phone
from .sms import send_sms


def _as_user(user: AbstractBaseUser) -> User:
    assert isinstance(user, User)
    return user


class AccountAdapter(DefaultAccountAdapter):
    """Phone-number accounts: stored on the User row itself, codes sent by our SMS sender."""

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins per "host:login"; the host is whatever the request
        # names, so each accepted host name or port (two app nodes on two ports, www and
        # bare domain) had its own five tries for the same account. One account, one count.
        login = credentials.get("email") or credentials.get("username") or ""
        phone = credentials.get("phone") or ""
        return f"login:{str(login or phone).lower()}"

    def get_client_ip(self, request: HttpRequest) -> str:
        # Sign-in and SMS-code limits count per client, like the API throttle and public pages.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            message = _(
                "Your Impulsa code is %(code)s. It expires in 10 minutes. Never share it."
            ) % {"code": code}
        send_sms(phone, message)

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        send_sms(
            phone, _("Someone asked for an Impulsa code for this number, but it has no account.")
        )

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        u = _as_user(user)
        u.phone = phone
        u.phone_verified = verified
        if u.pk:
            u.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        u = _as_user(user)
        return (u.phone, u.phone_verified) if u.phone else None

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        return User.objects.filter(Q(phone=phone), is_active=True).first()

    def save_user(
        self, request: Any, user: AbstractBaseUser, form: Any, commit: bool = True
    ) -> Any:
        u = _as_user(user)
        language = translation.get_language() or "es"
        if language.lower().startswith("pt"):
            u.preferred_language = "pt-br"
        elif language[:2] in {"es", "en"}:
            u.preferred_language = language[:2]
        return super().save_user(request, user, form, commit=commit)


class HeadlessAdapter(DefaultHeadlessAdapter):
    def serialize_user(self, user: AbstractBaseUser) -> dict[str, Any]:
        data = super().serialize_user(user)
        u = _as_user(user)
        data["phone"] = u.phone
        data["preferred_language"] = u.preferred_language
        return data
