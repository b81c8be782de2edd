"""Phones are stored in E.164 (+573001234567): one spelling per phone, so uniqueness holds."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    """Returns the E.164 form of a phone number given with its country code, or raises."""
    text = (raw or "").strip()
    if not text.startswith("+"):
        raise ValidationError(
            _("Write the phone number with its country code, for example +573001234567."),
            code="phone_country_code",
        )
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a valid phone number."), code="phone_invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."), code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
