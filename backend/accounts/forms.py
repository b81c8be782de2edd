from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupRequirements(forms.Form):
    """Mixed into allauth's sign-up (web and app): a phone number or an email is required.

    allauth treats both as optional because staff accounts, made by admins, have no phone.
    """

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise forms.ValidationError(
                _("Give a phone number (with its country code) or an email address."),
                code="required",
            )
        return data

    def signup(self, request: HttpRequest, user: User) -> None:
        """Nothing beyond what allauth saves."""
