"""Countries and regions by name in the page's language: {{ code|country }}, {{ code|region }}."""

from django import template
from django.utils import translation

from backend.lib.formats import country_name
from backend.lib.geography import region_name

register = template.Library()


@register.filter
def country(code: str | None) -> str:
    return country_name(code or "", translation.get_language())


@register.filter
def region(code: str | None) -> str:
    return region_name(code) if code else ""
