"""How numbers, money and percentages are written for people, and read back from what they type.

One path for every page, PDF and human-readable export: Babel's CLDR data for the reader's
language and the country the figure belongs to. Spanish differs by country (Colombia writes
"1.500.000", Peru "1,500.50"), so money is written the way its currency's home country writes
it when the reader reads Spanish; Brazilian Portuguese and English have one convention each.
The number of decimals of money is always the currency's own minor units
(`backend.lib.geography.CURRENCIES`), never Babel's.

Machine formats (the API, sync, CSV value columns) keep plain decimal strings: see
`backend.lib.money.to_string`.
"""

import copy
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import DomainError
from .geography import COUNTRIES, CURRENCIES
from .money import minor_units

Number = int | float | Decimal

# The country whose way of writing a currency is used in Spanish.
_CURRENCY_HOME = {c.currency: c.code for c in COUNTRIES.values()}


def locale_for(language: str | None = None, country: str | None = None) -> str:
    """The Babel locale for a language code ("es", "en", "pt-br") and an optional country."""
    language = (language or translation.get_language() or "es").lower()
    if language.startswith("pt"):
        return "pt_BR"
    if language.startswith("en"):
        return "en"
    if country and country.upper() in COUNTRIES:
        return f"es_{country.upper()}"
    return "es"


def country_name(code: str, language: str | None = None) -> str:
    """A country's name in the language ("Perú" in Spanish, "Peru" in English), else the code."""
    if not code:
        return ""
    return Locale.parse(locale_for(language)).territories.get(code.upper(), code)


def _money_locale(currency: str, language: str | None, country: str | None) -> str:
    return locale_for(language, country or _CURRENCY_HOME.get(currency))


def format_money(
    amount: Number | str | None,
    currency: str,
    *,
    language: str | None = None,
    country: str | None = None,
    code: bool = False,
    missing: str = "",
) -> str:
    """ "$1.500.000" (COP, Spanish), "S/ 1,500.50" (PEN, Spanish), "COP1,500,000" (English)."""
    if amount is None or amount == "":
        return missing
    value = Decimal(str(amount))
    places = minor_units(currency) if currency in CURRENCIES else 2
    locale = Locale.parse(_money_locale(currency, language, country))
    # The locale's own pattern places the symbol and spaces; the decimals are the currency's.
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (places, places)
    if code:  # the ISO code instead of the symbol, where several currencies sit side by side
        pattern.prefix = tuple(_code(p, before_number=True) for p in pattern.prefix)
        pattern.suffix = tuple(_code(p, before_number=False) for p in pattern.suffix)
    return pattern.apply(value, locale, currency=currency, currency_digits=False)


def _code(affix: str, *, before_number: bool) -> str:
    """An affix with the ISO code for the symbol, spaced from the digits ("COP 1.500")."""
    if "¤" not in affix:
        return affix
    affix = affix.replace("¤", "¤¤")
    if before_number and not affix.endswith("\xa0"):
        affix += "\xa0"
    if not before_number and not affix.startswith("\xa0"):
        affix = "\xa0" + affix
    return affix


def format_number(
    value: Number | str | None,
    *,
    decimals: int | None = None,
    language: str | None = None,
    country: str | None = None,
    missing: str = "",
) -> str:
    """A count or measure with the locale's separators; `decimals` fixes the decimals shown."""
    if value is None or value == "":
        return missing
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # already a text, such as a withheld "<5"
        return str(value)
    locale = locale_for(language, country)
    if decimals is None:
        return format_decimal(number, locale=locale, decimal_quantization=False)
    # Half up, as people round (and as the indicators are defined), not Babel's half even.
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(number, format=pattern, locale=locale)


def format_percent_value(
    fraction: Number | str | None,
    *,
    decimals: int = 1,
    language: str | None = None,
    country: str | None = None,
    missing: str = "",
) -> str:
    """A share given as a fraction (0.525) written as a percentage ("52,5 %", "52.5%")."""
    if fraction is None or fraction == "":
        return missing
    share = Decimal(str(fraction)).quantize(Decimal(1).scaleb(-decimals - 2), ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(share, format=pattern, locale=locale_for(language, country))


def currency_country(currency: str) -> str | None:
    """The country whose way of writing figures goes with a currency in Spanish (PEN: Peru)."""
    return _CURRENCY_HOME.get(currency)


def format_percent_points(
    percent: Number | str | None,
    *,
    decimals: int | None = None,
    language: str | None = None,
    country: str | None = None,
    missing: str = "",
) -> str:
    """A value already in percent ("67905.73") written for the reader ("67.905,73 %").

    Without `decimals`, as many decimals as the value carries, so a rate computed to four
    places keeps them.
    """
    if percent is None or percent == "":
        return missing
    value = Decimal(str(percent))
    if decimals is None:
        exponent = value.as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_percent_value(
        value / 100, decimals=decimals, language=language, country=country, missing=missing
    )


# --- reading what people type ---------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_SHAPE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def parse_local_amount(
    text: object, currency: str, *, field: str = "amount", language: str | None = None
) -> Decimal:
    """Reads an amount typed the local way: "1.500.000", "1,500,000", "1500.50", "1.500,50".

    A separator followed by exactly three digits is a thousands separator (no currency here has
    three minor units); when both "." and "," appear, the last one is the decimal mark. Only
    ASCII digits are read; anything else (letters, exponents, signs) is refused with a message
    naming the field. The result still goes through `backend.lib.money.parse_amount`, which
    checks the currency's decimals and range.
    """
    raw = _SPACES.sub("", str(text or ""))
    for symbol in ("S/", "R$", "US$", "$", currency):
        if raw.upper().startswith(symbol.upper()):
            raw = raw[len(symbol) :]
    if not raw:
        raise DomainError(_("Enter an amount."), field=field, status=422)
    if not raw.isascii() or not _SHAPE.fullmatch(raw):
        raise DomainError(
            _("Write the amount with digits only, for example 15000 or 1.500,50."),
            field=field,
            status=422,
        )
    marks = [ch for ch in raw if ch in ".,"]
    if marks:
        last = raw.rfind(marks[-1])
        tail = raw[last + 1 :]
        decimal_mark = len(set(marks)) == 2 or (marks.count(marks[-1]) == 1 and len(tail) != 3)
        if decimal_mark:
            whole = raw[:last].replace(".", "").replace(",", "")
            raw = f"{whole}.{tail}"
        else:
            raw = raw.replace(".", "").replace(",", "")
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only digits
        raise DomainError(_("Enter an amount."), field=field, status=422) from exc
