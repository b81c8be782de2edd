"""Template filters for numbers, money and percentages in the reader's language.

{% load formats %}
{{ goal.target|money:goal.currency }}      $1.500.000 (Spanish, COP)
{{ total|money_code:"PEN" }}               PEN 1,500.50 (ISO code, for tables of currencies)
{{ people|number }}  {{ mean|number:1 }}   30.390.000  2,5
{{ share|percent }}  {{ rate|percent:2 }}  52,5%  (the value is a fraction: 0.525)
{{ "67905.73"|percent_points }}            67.905,73%  (the value is already in percent)
{{ "52.5"|percent_beside:"PEN" }}          52.5%  (written as money in that currency is: Peru)
"""

from typing import Any

from django import template

from backend.lib import formats

register = template.Library()


@register.filter
def money(value: Any, currency: str) -> str:
    return formats.format_money(value, currency)


@register.filter
def money_code(value: Any, currency: str) -> str:
    return formats.format_money(value, currency, code=True)


@register.filter
def number(value: Any, decimals: Any = None) -> str:
    return formats.format_number(value, decimals=None if decimals is None else int(decimals))


@register.filter
def percent(value: Any, decimals: Any = 1) -> str:
    return formats.format_percent_value(value, decimals=int(decimals))


@register.filter
def percent_points(value: Any, decimals: Any = None) -> str:
    return formats.format_percent_points(
        value, decimals=None if decimals is None else int(decimals)
    )


@register.filter
def percent_beside(value: Any, currency: str) -> str:
    """A percentage in a sentence about money: the same decimal mark as the amounts beside it."""
    return formats.format_percent_points(value, country=formats.currency_country(currency))
