"""A programme's results as an IATI activity file (version 2.03), for its funders to publish.

One ``iati-activity`` per programme. Its ``result`` elements carry the indicators a funder's
results framework asks for most: REACH and M1 (outputs: people), M2 (an outcome: ventures that
kept or grew their sales) and M6 (an output: ventures funded with seed capital), each with one
``period`` (the period asked for) holding the total as an ``actual`` and one ``actual`` per
category of sex, age band and population group, named by a ``dimension``.

The figures are those of a donor's report (``report.build`` with disclosure control), one build
per breakdown: an IATI file is meant to be published, so nothing in it is less protected than
what a donor sees. IATI's rules want a value on every ``actual`` of a counted indicator, so a
withheld figure has no ``actual``; the indicator's description names the categories withheld
and why, so a reader knows they exist but not how many they hold.

Element order and attributes follow the 2.03 schema; the codes come from IATI's codelists
(OrganisationType, OrganisationRole, ActivityStatus, ActivityDateType, ResultType,
IndicatorMeasure, DescriptionType).
"""

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.audit import audit
from backend.accounts.models import User
from backend.lib.dbrouter import on_replica_or_primary
from backend.lib.errors import DomainError, NotFound
from backend.programmes import access as programme_access
from backend.programmes.models import Funding, Programme

from . import report
from .definitions import DEFINITIONS, NAMES
from .disclosure import TOTAL
from .params import M2Params, ReportParams

VERSION = "2.03"
CODES = ("REACH", "M1", "M2", "M6")
DIMENSIONS = ("sex", "age_band", "population_group")
# ResultType: 1 output, 2 outcome.
RESULT_TYPE = {"REACH": "1", "M1": "1", "M2": "2", "M6": "1"}
MEASURE_UNIT = "1"  # IndicatorMeasure: unit (a count)
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"  # OrganisationRole
DATE_PLANNED_START, DATE_ACTUAL_START, DATE_PLANNED_END = "1", "2", "3"  # ActivityDateType
STATUS_IMPLEMENTATION, STATUS_COMPLETION = "2", "3"  # ActivityStatus
DESCRIPTION_GENERAL = "1"  # DescriptionType
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclasses.dataclass(frozen=True)
class IatiResults:
    """The figures of one programme and period: a donor's report per breakdown."""

    programme: Programme
    period_start: dt.date
    period_end: dt.date
    reports: dict[str, dict[str, Any]]  # "" for the totals, else the dimension


def results(programme: Programme, period_start: dt.date, period_end: dt.date) -> IatiResults:
    """Computes the figures, under disclosure control, as a donor of the programme gets them.

    M2 compares each venture before and after its owner's training (the "training" design),
    which needs no windows chosen by hand and is what a results framework reports.
    """
    if period_end < period_start:
        raise DomainError(
            _("The period ends before it starts."), field="query.period_end", status=422
        )
    base = ReportParams(
        programme_ids=(programme.pk,),
        period_start=period_start,
        period_end=period_end,
        m2=M2Params(design="training"),
    )
    k = settings.IMPULSA_DISCLOSURE_K
    reports = {"": report.build(base, suppress=True, k=k, codes=CODES)}
    for dimension in DIMENSIONS:
        params = dataclasses.replace(base, breakdown=(dimension,))
        reports[dimension] = report.build(params, suppress=True, k=k, codes=CODES)
    return IatiResults(programme, period_start, period_end, reports)


def activity_identifier(programme: Programme) -> str:
    """The organisation's registered identifier, then the programme's own code."""
    prefix = programme.organisation.iati_identifier.strip()
    if not prefix:
        raise DomainError(
            _(
                "The organisation running this programme has no IATI identifier yet. An "
                "administrator sets it on the organisation before results can be exported."
            ),
            code="iati_identifier_missing",
            status=409,
        )
    return f"{prefix}-{programme.code.upper()}"


def to_xml(data: IatiResults, language: str) -> bytes:
    """The activity file, with narratives in the given language (es, en or pt-br)."""
    programme = data.programme
    organisation = programme.organisation
    identifier = activity_identifier(programme)
    now = timezone.now().replace(microsecond=0).isoformat()
    lang = language.split("-")[0]
    with translation.override(language):
        root = ET.Element("iati-activities", {"version": VERSION, "generated-datetime": now})
        activity = ET.SubElement(
            root,
            "iati-activity",
            {
                "last-updated-datetime": now,
                XML_LANG: lang,
                "default-currency": programme.currency,
                "hierarchy": "1",
            },
        )
        ET.SubElement(activity, "iati-identifier").text = identifier
        _org(activity, "reporting-org", organisation.iati_identifier, organisation.iati_type,
             organisation.name)  # fmt: skip
        _narrative(ET.SubElement(activity, "title"), programme.name)
        description = ET.SubElement(activity, "description", {"type": DESCRIPTION_GENERAL})
        _narrative(
            description,
            _(
                "Entrepreneurship and financial-inclusion programme for refugees, migrants and "
                "host communities. Results from %(start)s to %(end)s, under disclosure control."
            )
            % {"start": data.period_start.isoformat(), "end": data.period_end.isoformat()},
        )
        for funder in _funders(programme):
            _org(activity, "participating-org", funder.iati_identifier, funder.iati_type,
                 funder.name, role=ROLE_FUNDING)  # fmt: skip
        _org(activity, "participating-org", organisation.iati_identifier, organisation.iati_type,
             organisation.name, role=ROLE_IMPLEMENTING)  # fmt: skip
        today = programme.today()
        ended = programme.end_date is not None and programme.end_date < today
        ET.SubElement(
            activity,
            "activity-status",
            {"code": STATUS_COMPLETION if ended else STATUS_IMPLEMENTATION},
        )
        start_type = DATE_ACTUAL_START if programme.start_date <= today else DATE_PLANNED_START
        ET.SubElement(
            activity,
            "activity-date",
            {"iso-date": programme.start_date.isoformat(), "type": start_type},
        )
        if programme.end_date:
            ET.SubElement(
                activity,
                "activity-date",
                {"iso-date": programme.end_date.isoformat(), "type": DATE_PLANNED_END},
            )
        ET.SubElement(
            activity, "recipient-country", {"code": programme.country, "percentage": "100"}
        )
        for code in CODES:
            _result(activity, code, data)
        ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _funders(programme: Programme) -> list[Any]:
    seen: dict[int, Any] = {}
    for funding in Funding.objects.filter(programme=programme).select_related("funder"):
        seen.setdefault(funding.funder_id, funding.funder)
    return sorted(seen.values(), key=lambda f: f.name)


def _org(
    parent: ET.Element, tag: str, ref: str, kind: str, name: str, role: str | None = None
) -> None:
    attrs = {"ref": ref} if ref else {}
    attrs["type"] = kind
    if role:
        attrs["role"] = role
    _narrative(ET.SubElement(parent, tag, attrs), name)


def _narrative(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "narrative").text = str(text)


def _indicator(reports: dict[str, dict[str, Any]], key: str, code: str) -> dict[str, Any]:
    return next(i for i in reports[key]["indicators"] if i["code"] == code)


def _result(activity: ET.Element, code: str, data: IatiResults) -> None:
    result = ET.SubElement(
        activity, "result", {"type": RESULT_TYPE[code], "aggregation-status": "1"}
    )
    _narrative(ET.SubElement(result, "title"), str(NAMES[code]))
    _narrative(ET.SubElement(result, "description"), str(DEFINITIONS[code]))
    indicator = ET.SubElement(result, "indicator", {"measure": MEASURE_UNIT, "ascending": "1"})
    _narrative(ET.SubElement(indicator, "title"), str(NAMES[code]))
    description = ET.SubElement(indicator, "description")
    ET.SubElement(indicator, "reference", {"vocabulary": "99", "code": code})
    period = ET.SubElement(indicator, "period")
    ET.SubElement(period, "period-start", {"iso-date": data.period_start.isoformat()})
    ET.SubElement(period, "period-end", {"iso-date": data.period_end.isoformat()})
    withheld: list[str] = []
    total = _indicator(data.reports, "", code)["table"]["total"]
    if total is None:
        withheld.append(_("total"))
    else:
        _actual(period, total, ())
    for dimension in DIMENSIONS:
        table = _indicator(data.reports, dimension, code)["table"]
        for cell in table["cells"]:
            if cell["row"] in (TOTAL, report.ALL):
                continue
            if cell["value"] is None:
                withheld.append(f"{dimension}={cell['row']}")
            else:
                _actual(period, cell["value"], ((dimension, cell["row"]),))
    text = str(NAMES[code])
    if withheld:
        text += ". " + _(
            "Withheld to protect the people counted (fewer than %(k)s, or a figure that would "
            "reveal one): %(cells)s."
        ) % {"k": data.reports[""]["k"], "cells": ", ".join(withheld)}
    _narrative(description, text)


def _actual(period: ET.Element, value: int, dimensions: tuple[tuple[str, str], ...]) -> None:
    actual = ET.SubElement(period, "actual", {"value": str(value)})
    for name, category in dimensions:
        ET.SubElement(actual, "dimension", {"name": name, "value": category})


def download(
    user: User, programme_id: int, period_start: dt.date, period_end: dt.date
) -> HttpResponse:
    """The file as a download for a manager of the programme (404 for anyone else); the API
    and the portal both answer with it. Narratives are in the active language."""
    programme = (
        programme_access.managed_programmes(user)
        .select_related("organisation")
        .filter(pk=programme_id)
        .first()
    )
    if programme is None:
        raise NotFound(_("Not found."))
    figures = on_replica_or_primary(results, programme, period_start, period_end)
    body = to_xml(figures, translation.get_language() or "es")
    audit(user, "outcomes.iati_export", obj=programme)
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    name = f"iati-{programme.code}-{period_start.isoformat()}-{period_end.isoformat()}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
