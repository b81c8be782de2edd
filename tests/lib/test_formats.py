"""Numbers, money and percentages are written the reader's way and read back the local way."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from backend.lib.errors import DomainError
from backend.lib.formats import (
    format_money,
    format_number,
    format_percent_value,
    parse_local_amount,
)

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        ("1500000", "COP", "es", "$1.500.000"),
        ("1500000.00", "COP", "es", "$1.500.000"),  # pesos have no cents here
        ("1500.5", "PEN", "es", f"S/{NBSP}1,500.50"),  # Peru writes a decimal point
        ("12", "USD", "es", "$12,00"),
        ("1500000", "COP", "en", "COP1,500,000"),
        ("1500.5", "PEN", "pt-br", f"PEN{NBSP}1.500,50"),
        ("-1500.5", "PEN", "es", f"-S/{NBSP}1,500.50"),
    ],
)
def test_money_is_written_with_the_locale_separators_and_the_currency_minor_units(
    amount: str, currency: str, language: str, expected: str
) -> None:
    assert format_money(Decimal(amount), currency, language=language) == expected


def test_money_can_carry_the_iso_code_where_currencies_sit_side_by_side() -> None:
    assert format_money(Decimal("30390000"), "COP", language="es", code=True) == (
        f"COP{NBSP}30.390.000"
    )
    assert format_money(Decimal("-2.5"), "PEN", language="en", code=True) == f"-PEN{NBSP}2.50"


def test_numbers_and_percentages_follow_the_language_and_round_half_up() -> None:
    assert format_number(30390000, language="es") == "30.390.000"
    assert format_number(30390000, language="en") == "30,390,000"
    assert format_number(Decimal("2.25"), decimals=1, language="es") == "2,3"
    assert format_percent_value(Decimal("0.525"), language="es") == "52,5%"
    assert format_percent_value(Decimal("0.525"), language="en") == "52.5%"
    assert format_percent_value(Decimal("679.0573"), decimals=2, language="pt-br") == "67.905,73%"
    assert format_money(None, "COP") == ""


def test_template_filters_use_the_active_language() -> None:
    template = Template("{% load formats %}{{ a|money:'COP' }} | {{ b|number }} | {{ c|percent }}")
    with translation.override("es"):
        assert template.render(Context({"a": 30390000, "b": 1029249, "c": 0.525})) == (
            "$30.390.000 | 1.029.249 | 52,5%"
        )
    with translation.override("en"):
        assert template.render(Context({"a": 30390000, "b": 1029249, "c": 0.525})) == (
            "COP30,390,000 | 1,029,249 | 52.5%"
        )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.500.000", "1500000"),
        ("1,500,000", "1500000"),
        ("1500.50", "1500.50"),
        ("1.500,50", "1500.50"),
        ("1,500.50", "1500.50"),
        ("1,5", "1.5"),
        ("1.500", "1500"),
        ("$ 1.500.000", "1500000"),
        ("S/ 12.50", "12.50"),
        (" 15 000 ", "15000"),
    ],
)
def test_amounts_typed_the_local_way_are_understood(typed: str, expected: str) -> None:
    assert parse_local_amount(typed, "PEN") == Decimal(expected)


@pytest.mark.parametrize("typed", ["1e3", "١٢٣", "12a", "-5", "1..5", "", "1.2.3,4,5x"])
def test_anything_but_digits_and_separators_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_local_amount(typed, "COP", field="amount")
    assert caught.value.field == "amount"
