"""Two of allauth's endpoints made stricter, so that bad input is refused instead of crashing.

Asking for a sign-in code needs a phone number or an email address: allauth makes both fields
optional when both are sign-in methods and then, given neither, fails with a server error when
it looks up the person to send the code to (web form and app endpoint).

A password-reset key is "<user id in base 36>-<token>": allauth fails with a server error on a
key whose user-id part is empty (app endpoint; the web URL cannot carry such a key).

Ending sessions by id: allauth passes any number to the database, which fails with a server
error on one too large for an integer column; such an id is refused like any unknown one.
"""

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.headless.account.inputs import RequestLoginCodeInput as AllauthRequestLoginCodeInput
from allauth.headless.account.inputs import ResetPasswordInput as AllauthResetPasswordInput
from allauth.headless.account.inputs import (
    ResetPasswordKeyInput as AllauthResetPasswordKeyInput,
)
from allauth.headless.account.views import RequestLoginCodeView as AllauthRequestLoginCodeView
from allauth.headless.account.views import ResetPasswordView as AllauthResetPasswordView
from allauth.headless.internal.restkit.response import ErrorResponse
from allauth.headless.usersessions.inputs import SelectSessionsInput as AllauthSelectSessionsInput
from allauth.headless.usersessions.views import SessionsView as AllauthSessionsView
from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from backend.lib.validation import MAX_ID


class _PhoneOrEmail:
    """For allauth's form and its app input alike: one of the two is required."""

    errors: Any

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}  # type: ignore[misc]
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise forms.ValidationError(
                _("Give a phone number (with its country code) or an email address."),
                code="required",
            )
        return dict(data)


class RequestLoginCodeForm(_PhoneOrEmail, AllauthRequestLoginCodeForm):
    pass


class RequestLoginCodeInput(_PhoneOrEmail, AllauthRequestLoginCodeInput):
    pass


class RequestLoginCodeView(AllauthRequestLoginCodeView):
    input_class = RequestLoginCodeInput


class _KeyShape:
    """A reset key is refused unless it has both parts, before allauth decodes it."""

    cleaned_data: dict[str, Any]

    def _clean_key_link(self) -> str:
        user_part, _dash, token = self.cleaned_data["key"].partition("-")
        if not user_part or not token:
            raise get_adapter().validation_error("invalid_password_reset")
        return str(super()._clean_key_link())  # type: ignore[misc]


class ResetPasswordKeyInput(_KeyShape, AllauthResetPasswordKeyInput):
    pass


class ResetPasswordInput(_KeyShape, AllauthResetPasswordInput):
    pass


class ResetPasswordView(AllauthResetPasswordView):
    input_class = ResetPasswordInput

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (self.process and self.process.user):  # a key from an emailed link
            checked = ResetPasswordKeyInput(
                {"key": request.headers.get("X-Password-Reset-Key", "")}
            )
            if not checked.is_valid():
                return ErrorResponse(request, input=checked)
        return super().get(request, *args, **kwargs)


class _SessionIdField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                in_range = 1 <= int(pk) <= MAX_ID
            except (TypeError, ValueError):
                continue  # left to Django, which refuses it as an invalid choice
            if not in_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in the stubs


class SelectSessionsInput(AllauthSelectSessionsInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allauth_field = self.fields["sessions"]
        self.fields["sessions"] = _SessionIdField(queryset=allauth_field.queryset)


class SessionsView(AllauthSessionsView):
    input_class = {"DELETE": SelectSessionsInput}
