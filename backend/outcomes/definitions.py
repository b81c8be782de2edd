"""Names and definitions of the indicators and the labels of breakdown values, translatable."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.lib.formats import country_name
from backend.lib.geography import COUNTRIES, REGIONS, region_name

NAMES = {
    "REACH": _("Participants reached"),
    "M1": _("People who strengthened business-management skills"),
    "M2": _("Ventures that improved or maintained their sales"),
    "M3": _("Participants who completed the core financial-literacy lessons"),
    "M4": _("Ventures with digital sales"),
    "M5": _("Participants saving toward a goal"),
    "M6": _("Ventures whose seed-capital grant was disbursed"),
}

DEFINITIONS = {
    "REACH": _(
        "Unique participants with any activity in the period: enrolled in a cohort running in "
        "it, a month with ledger entries, or a lesson completed."
    ),
    "M1": _(
        "Unique participants who completed a business-skills course in the period (attendance "
        "and, where the course has tests, the post-test, by the course's rule)."
    ),
    "M2": _(
        "A venture is compared with itself, in its own currency, between a baseline and a "
        "follow-up window. It is eligible when each window has sales in at least the minimum "
        "number of weeks; fewer is insufficient data, never a decline. Improved: follow-up "
        "monthly mean above the baseline by more than the tolerance; maintained: within it; "
        "declined: below it. Voided entries never count."
    ),
    "M3": _(
        "Unique participants whose last core lesson was completed in the period; knowledge gain "
        "is the mean of post-test minus pre-test scores (points), with the number of learners."
    ),
    "M4": _(
        "Share of sales value received through non-cash methods (bank transfer, mobile wallet, "
        "card), per currency; ventures with at least one digital sale in the period."
    ),
    "M5": _(
        "Participants with a savings goal and a deposit in the period; amounts saved (deposits "
        "minus withdrawals) per currency."
    ),
    "M6": _(
        "Donations received net of refunds, institutional contributions, grants disbursed (paid "
        "out, not only awarded) and the ventures they went to, per currency (currencies are "
        "never added together)."
    ),
}

DIMENSION_NAMES = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "population_group": _("Population group"),
    "country": _("Country"),
    "region": _("Region"),
    "disability": _("Disability"),
}

VALUE_LABELS = {
    "female": _("Female"),
    "male": _("Male"),
    "other": _("Other"),
    "not_stated": _("Not stated"),
    "refugee_migrant": _("Refugee or migrant from Venezuela"),
    "returnee": _("Returnee"),
    "host_community": _("Host community"),
    "yes": _("With disability"),
    "no": _("Without disability"),
    "not_asked": _("Not asked"),
    "__total__": _("Total"),
    "all": _("All"),
    "under_18": _("Under 18"),
    "improved": _("Improved"),
    "maintained": _("Maintained"),
    "declined": _("Declined"),
    "insufficient_data": _("Insufficient data"),
}

# HXL hashtags for the CSV export's second header row.
HXL = {
    "indicator_code": "#indicator+code",
    "indicator_name": "#indicator+name",
    "period_start": "#date+start",
    "period_end": "#date+end",
    "sex": "#sex",
    "age_band": "#age+band",
    "population_group": "#population+group",
    "country": "#country+code",
    "region": "#adm1+code",
    "disability": "#meta+disability",
    "value": "#value+num",
    "display": "#value+text",
    "suppressed": "#meta+suppressed",
}


def label(value: str) -> str:
    """A breakdown value as people read it: countries and regions by name, not by code."""
    if value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if value in COUNTRIES:
        return country_name(value, get_language())
    if "-" in value and value.split("-", 1)[0] in REGIONS:
        return region_name(value)
    return value
