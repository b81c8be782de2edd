"""Money is Decimal in one currency, rounded to that currency's minor units. Never add across."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .errors import DomainError
from .geography import CURRENCIES
from .validation import is_plain_number

# The largest single amount accepted anywhere (a ledger entry, a deposit, a grant): beyond this
# a micro-enterprise figure is a typing mistake, not a sale.
MAX_AMOUNT = Decimal("999999999999")


def minor_units(currency: str) -> int:
    return CURRENCIES[currency].minor_units


def parse_amount(value: object, currency: str, *, field: str = "body.amount") -> Decimal:
    """A positive amount in the currency's minor units, or a 422 DomainError.

    Any value that is unchanged when rounded to the currency's units is accepted, however it is
    written ("15000", "15000.00" and "1.5E+4" for COP); only real extra precision ("15000.5"
    for COP, "12.505" for PEN) is refused.
    """
    if currency not in CURRENCIES:
        raise DomainError(_("Unknown currency."), field="body.currency", status=422)
    try:
        if not is_plain_number(value):
            raise ValueError(value)  # "1e3", "NaN", digits of other scripts
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter a number such as 12.50."), field=field, status=422) from exc
    if not amount.is_finite() or amount <= 0:
        raise DomainError(_("The amount must be greater than zero."), field=field, status=422)
    if amount > MAX_AMOUNT:
        raise DomainError(_("This amount is too large."), field=field, status=422)
    places = minor_units(currency)
    unit = Decimal(1).scaleb(-places)
    if amount.quantize(unit) != amount:
        raise DomainError(
            _("%(currency)s amounts have at most %(n)s decimal places.")
            % {"currency": currency, "n": places},
            field=field,
            status=422,
        )
    return amount.quantize(unit)


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def to_string(amount: Decimal, currency: str) -> str:
    """Money on the wire: a decimal string with the currency's minor units ("12.50")."""
    return format(quantize(amount, currency), "f")


def sum_by_currency(items: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Totals kept apart per currency: the only way this codebase adds money."""
    totals: dict[str, Decimal] = {}
    for currency, amount in items:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return totals
