"""The IATI 2.03 activity file of a programme: structure, codelists, the same figures as a
donor's report, and the same disclosure control."""

import datetime as dt
import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from backend.outcomes import iati, report
from backend.outcomes.definitions import NAMES
from backend.outcomes.params import M2Params, ReportParams
from backend.programmes.models import Programme
from tests.conftest import ApiClient, World

from .conftest import JAN, person, sales, venture_of

START, END = "2026-01-01", "2026-06-30"
PATH = "programmes/{}/iati-activity?period_start={}&period_end={}"
# The order of iati-activity's children in the 2.03 schema (those this file can hold).
ACTIVITY_ORDER = [
    "iati-identifier", "reporting-org", "title", "description", "participating-org",
    "activity-status", "activity-date", "recipient-country", "result",
]  # fmt: skip
ORGANISATION_TYPES = {"10", "21", "22", "23", "40", "60", "70", "80"}
ROLES = {"1", "2", "3", "4"}


@pytest.fixture
def programme_people(world: World) -> None:
    """14 people with a sale in January: 6 women, 6 men and 2 who gave no sex."""
    org = world.programme_a.organisation
    org.iati_identifier = "XX-TEST-7"
    org.save()
    for sex in ["female"] * 6 + ["male"] * 6 + [""] * 2:
        sales(venture_of(person(world, sex), world), JAN, ["50.00"])


def _file(world: World, user: Any, language: str = "es") -> ET.Element:
    resp = ApiClient(user, language).get(PATH.format(world.programme_a.pk, START, END))
    assert resp.status_code == 200, resp.content
    assert resp["Content-Type"].startswith("application/xml")
    assert "attachment" in resp["Content-Disposition"]
    return ET.fromstring(resp.content)  # noqa: S314 - the file this server just wrote


def _actuals(root: ET.Element, code: str) -> dict[tuple[tuple[str, str], ...], str | None]:
    for result in root.iter("result"):
        if result.find("indicator/reference").get("code") == code:  # type: ignore[union-attr]
            period = result.find("indicator/period")
            assert period is not None
            return {
                tuple((d.get("name"), d.get("value")) for d in a.findall("dimension")): a.get(
                    "value"
                )
                for a in period.findall("actual")
            }
    raise AssertionError(code)


def _donor_report(world: World, breakdown: list[str], capture: Any) -> dict[str, Any]:
    body = {
        "programme_ids": [world.programme_a.pk], "period_start": START, "period_end": END,
        "breakdown": breakdown, "m2": {"design": "training"},
    }  # fmt: skip
    with capture(execute=True):
        snapshot_id = ApiClient(world.donor).post("reports", body).json()["id"]
    data = ApiClient(world.donor).get(f"reports/{snapshot_id}").json()["data"]
    return {i["code"]: i["table"] for i in data["indicators"]}


def test_the_file_has_the_2_03_structure_and_codelist_values(
    world: World, programme_people: None
) -> None:
    root = _file(world, world.manager)
    assert (root.tag, root.get("version")) == ("iati-activities", "2.03")
    dt.datetime.fromisoformat(root.get("generated-datetime", ""))
    [activity] = root.findall("iati-activity")
    tags = [child.tag for child in activity]
    assert [t for t in ACTIVITY_ORDER if t in tags] == list(dict.fromkeys(tags))
    assert activity.findtext("iati-identifier") == "XX-TEST-7-PROG-A"
    assert activity.get("default-currency") == "PEN"
    reporting = activity.find("reporting-org")
    assert reporting is not None
    assert (reporting.get("ref"), reporting.get("type") in ORGANISATION_TYPES) == (
        "XX-TEST-7",
        True,
    )
    roles = {
        (o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")
    }
    assert ("1", "Funder One") in roles  # the programme's funder funds
    assert ("4", world.programme_a.organisation.name) in roles  # its partner implements
    assert {r for r, _name in roles} <= ROLES
    assert activity.find("activity-status").get("code") in {"1", "2", "3", "4"}  # type: ignore[union-attr]
    assert activity.find("recipient-country").get("code") == "PE"  # type: ignore[union-attr]
    results = activity.findall("result")
    assert [r.find("indicator/reference").get("code") for r in results] == [  # type: ignore[union-attr]
        "REACH", "M1", "M2", "M6",
    ]  # fmt: skip
    for result in results:
        assert result.get("type") in {"1", "2"}
        assert [c.tag for c in result] == ["title", "description", "indicator"]
        indicator = result.find("indicator")
        assert [c.tag for c in indicator][:3] == ["title", "description", "reference"]  # type: ignore[union-attr]
        assert indicator is not None
        assert indicator.get("measure") == "1"
        period = indicator.find("period")
        assert period is not None
        assert [c.tag for c in period][:2] == ["period-start", "period-end"]
        assert period.find("period-start").get("iso-date") == START  # type: ignore[union-attr]
        assert period.find("period-end").get("iso-date") == END  # type: ignore[union-attr]
        for actual in period.findall("actual"):
            assert {c.tag for c in actual} <= {"dimension"}


def test_the_figures_are_a_donors_figures(
    world: World, programme_people: None, django_capture_on_commit_callbacks: Any
) -> None:
    root = _file(world, world.manager)
    totals = _donor_report(world, [], django_capture_on_commit_callbacks)
    by_sex = _donor_report(world, ["sex"], django_capture_on_commit_callbacks)
    by_age = _donor_report(world, ["age_band"], django_capture_on_commit_callbacks)
    for code in ("REACH", "M1", "M2", "M6"):
        actuals = _actuals(root, code)
        shown = totals[code]["total"]
        assert actuals.get(()) == (None if shown is None else str(shown)), code
        for dimension, table in (("sex", by_sex[code]), ("age_band", by_age[code])):
            for cell in table["cells"]:
                if cell["row"] == "__total__":
                    continue
                value = actuals.get(((dimension, cell["row"]),))
                assert value == (None if cell["value"] is None else str(cell["value"])), cell
    reach = _actuals(root, "REACH")
    assert reach[()] == "14"


def test_small_categories_are_withheld_with_a_reason(world: World, programme_people: None) -> None:
    root = _file(world, world.manager)
    reach = _actuals(root, "REACH")
    # Two people gave no sex: withheld; the total is shown, so a second cell goes too.
    shown_sex = [k for k in reach if k and k[0][0] == "sex"]
    assert (("sex", "not_stated"),) not in reach
    assert len(shown_sex) <= 1  # with the total shown, hiding one cell hides another
    reach_result = next(
        r for r in root.iter("result") if r.find("indicator/reference[@code='REACH']") is not None
    )
    note = reach_result.findtext("indicator/description/narrative") or ""
    assert "sex=not_stated" in note
    for actual in root.iter("actual"):
        value = actual.get("value")
        assert value is not None  # IATI wants a value on every counted actual
        assert int(value) == 0 or int(value) >= 5


def test_narratives_follow_the_callers_language(world: World, programme_people: None) -> None:
    for language in ("es", "pt-br", "en"):
        world.manager.preferred_language = language  # the app's choice wins over the phone's
        world.manager.save()
        root = _file(world, world.manager, language)
        activity = root.find("iati-activity")
        assert activity is not None
        assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == language[:2]
        with translation.override(language):
            assert root.find("iati-activity/result/title/narrative").text == str(  # type: ignore[union-attr]
                NAMES["REACH"]
            )


def test_who_may_export_and_what_a_bad_request_gets(world: World, programme_people: None) -> None:
    path = PATH.format(world.programme_a.pk, START, END)
    for outsider in (world.donor, world.other_manager, world.trainer, world.participant_a):
        assert ApiClient(outsider).get(path).status_code == 404
    backwards = ApiClient(world.manager).get(PATH.format(world.programme_a.pk, END, START))
    assert backwards.status_code == 422
    assert backwards.json()["error"]["fields"][0]["loc"] == ["query", "period_end"]
    org = world.programme_a.organisation
    org.iati_identifier = ""
    org.save()
    missing = ApiClient(world.manager).get(path)
    assert missing.status_code == 409
    assert missing.json()["error"]["code"] == "iati_identifier_missing"


def test_the_export_costs_the_same_queries_for_few_or_many_people(
    world: World, programme_people: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(100) as few:
        _file(world, world.manager)
    for sex in ["female"] * 10:
        sales(venture_of(person(world, sex), world), JAN, ["50.00"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        _file(world, world.manager)


def test_a_manager_downloads_the_file_from_the_portal(world: World, programme_people: None) -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    browser.force_login(world.manager)
    assert "/reports/iati/" in browser.get("/reports/").content.decode()
    form = browser.get("/reports/iati/")
    assert form.status_code == 200
    query = {"programme": world.programme_a.pk, "period_start": START, "period_end": END}
    got = browser.get("/reports/iati/", {**query, "download": "1"})
    assert got["Content-Type"].startswith("application/xml")
    assert ET.fromstring(got.content).get("version") == "2.03"  # noqa: S314 (our own file)
    wrong = browser.get("/reports/iati/", {**query, "period_start": "2026-02-30", "download": "1"})
    assert wrong.status_code == 422
    page = wrong.content.decode()
    assert 'id="iati-error"' in page
    assert 'value="2026-02-30"' in page  # what was typed stays
    donor = Client(HTTP_ACCEPT_LANGUAGE="es")
    donor.force_login(world.donor)
    assert donor.get("/reports/iati/", {**query, "download": "1"}).status_code == 404


@pytest.mark.django_db
def test_the_demo_programmes_export_their_results_with_non_zero_figures() -> None:
    """The demo's data, end to end: every demo programme exports, REACH is shown, and every
    figure equals a donor's report of the same programme and period."""
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    today = dt.date.today()
    start, end = today.replace(day=1) - dt.timedelta(days=365), today
    for programme in Programme.objects.select_related("organisation"):
        data = iati.results(programme, start, end)
        root = ET.fromstring(iati.to_xml(data, "es"))  # noqa: S314 (our own file)
        reach = _actuals(root, "REACH")
        assert int(reach.get(()) or 0) > 0, programme.code
        donor = report.build(
            ReportParams(
                programme_ids=(programme.pk,), period_start=start, period_end=end,
                breakdown=("population_group",), m2=M2Params(design="training"),
            ),
            suppress=True, k=settings.IMPULSA_DISCLOSURE_K, codes=iati.CODES,
        )  # fmt: skip
        for indicator in donor["indicators"]:
            actuals = _actuals(root, indicator["code"])
            for cell in indicator["table"]["cells"]:
                if cell["row"] != "__total__":
                    key = (("population_group", cell["row"]),)
                    expected = None if cell["value"] is None else str(cell["value"])
                    assert actuals.get(key) == expected, (programme.code, indicator["code"], cell)
