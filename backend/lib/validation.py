"""Turns pydantic's validation errors into messages a person can read, in their language."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BeforeValidator, Field

# An id sent in a body: a positive number that a database integer column can hold (a larger
# one would be refused by the database driver instead of simply matching nothing).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A sync counter (last_pulled_at, schema_version): never negative, within a database integer.
Counter = Annotated[int, Field(ge=0, le=MAX_ID)]


# Dates a person can mean in this service: a venture started, a sale made, a session held, a
# goal set. An earlier or later one is a typing mistake (or a probe), refused with 422.
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
Date = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


class DateOutOfRange(ValueError):
    pass


def date_from_text(value: str) -> dt.date:
    """A date typed in a portal form (YYYY-MM-DD) within the range above, or ValueError."""
    day = dt.date.fromisoformat(value.strip())
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise DateOutOfRange(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()}
        )
    return day


# An amount as people type it: ASCII digits, an optional point and decimals. Not "1e3", not
# "Infinity", not Arabic-Indic or full-width digits (which Decimal() would read silently).
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]{1,20}(\.[0-9]{1,20})?", re.ASCII)


def is_plain_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return PLAIN_NUMBER.fullmatch(repr(value)) is not None
    if isinstance(value, Decimal):
        return value.is_finite() and PLAIN_NUMBER.fullmatch(format(value, "f")) is not None
    return isinstance(value, str) and PLAIN_NUMBER.fullmatch(value.strip()) is not None


def _plain_number(value: object) -> object:
    if not is_plain_number(value):
        raise ValueError(_("Enter a number such as 12.50."))
    return value


Amount = Annotated[Decimal, BeforeValidator(_plain_number)]


def has_nul(value: object) -> bool:
    """True if a NUL character is anywhere in a decoded JSON value (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def parse_id(value: object) -> int | None:
    """An id typed as text (a form field, a sync record, a list of ids), or None if it is not one.

    Only ASCII digits count: ``str.isdigit()`` also accepts "²" and other digits that ``int()``
    refuses, and Arabic-Indic or full-width digits that ``int()`` would read. Ids out of the
    database's range are no id either.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_message(text: object) -> str:
    """Why a typed date was refused: written right but not on the calendar, or written wrong."""
    if isinstance(text, str) and _DATE_SHAPE.fullmatch(text.strip()):
        return _("This date does not exist: check the day and the month.")
    return _("Enter a date as YYYY-MM-DD.")


def parse_date(text: str | None) -> dt.date | None:
    """A date typed in a form (empty is None), or a ValueError carrying a readable message."""
    text = (text or "").strip()
    if not text:
        return None
    if _DATE_SHAPE.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            if not EARLIEST_DATE <= day <= LATEST_DATE:
                raise DateOutOfRange(
                    _("Enter a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()}
                )
            return day
    raise ValueError(date_message(text))


def _date_error(err: dict[str, Any]) -> str:
    # The API drops the input from its errors; pydantic's reason still tells a day or month
    # outside the calendar ("day value is outside expected range") from a wrong shape.
    reason = str((err.get("ctx") or {}).get("error", ""))
    if "outside expected range" in reason:
        return _("This date does not exist: check the day and the month.")
    return date_message(err.get("input"))


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    messages = {
        "missing": lambda: _("This field is required."),
        "extra_forbidden": lambda: _("This field is not accepted here."),
        "string_too_long": lambda: (
            _("Use at most %(n)s characters.") % {"n": ctx.get("max_length")}
        ),
        "string_too_short": lambda: (
            _("Use at least %(n)s characters.") % {"n": ctx.get("min_length")}
        ),
        "string_type": lambda: _("Enter text."),
        "int_parsing": lambda: _("Enter a whole number."),
        "int_type": lambda: _("Enter a whole number."),
        "decimal_parsing": lambda: _("Enter a number such as 12.50."),
        "decimal_type": lambda: _("Enter a number such as 12.50."),
        "decimal_max_places": lambda: (
            _("Use at most %(n)s decimal places.") % {"n": ctx.get("decimal_places")}
        ),
        "decimal_max_digits": lambda: _("This number is too large."),
        "greater_than": lambda: _("Enter a value greater than %(v)s.") % {"v": ctx.get("gt")},
        "greater_than_equal": lambda: _("Enter a value of at least %(v)s.") % {"v": ctx.get("ge")},
        "less_than": lambda: _("Enter a value less than %(v)s.") % {"v": ctx.get("lt")},
        "less_than_equal": lambda: _("Enter a value of at most %(v)s.") % {"v": ctx.get("le")},
        "date_from_datetime_parsing": lambda: _date_error(err),
        "date_parsing": lambda: _date_error(err),
        "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
        "datetime_parsing": lambda: _("Enter a date and time in ISO 8601 format."),
        "bool_parsing": lambda: _("Enter true or false."),
        "literal_error": lambda: _("Choose one of: %(v)s.") % {"v": ctx.get("expected")},
        "enum": lambda: _("Choose one of: %(v)s.") % {"v": ctx.get("expected")},
        "json_invalid": lambda: _("The request body is not valid JSON."),
        "model_attributes_type": lambda: _("The request body must be a JSON object."),
        "dict_type": lambda: _("Enter a JSON object."),
        "list_type": lambda: _("Enter a list."),
        "too_long": lambda: (
            _("This list has too many items (at most %(n)s).") % {"n": ctx.get("max_length")}
        ),
    }
    if kind in messages:
        return messages[kind]()
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return _("Invalid value: %(detail)s") % {"detail": err.get("msg", "")}


def _location(loc: Any) -> list[str]:
    parts = [str(p) for p in loc or ()]
    # ninja puts the view's parameter name after "body" ("payload", "filters"); clients know
    # fields by their names in the request, so that part is dropped.
    if len(parts) > 2 and parts[0] in {"body", "query"} and parts[1] in {"payload", "filters"}:
        del parts[1]
    return parts


def readable_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"loc": _location(e.get("loc")), "message": _message(e)} for e in errors]
