"""Report snapshots through the API and the portal: access, suppression, exports agree."""

import csv
import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from openpyxl import load_workbook

from backend.outcomes.models import ReportSnapshot
from tests.conftest import ApiClient, World

BODY = {
    "period_start": "2026-01-01",
    "period_end": "2026-09-30",
    "breakdown": ["sex"],
    "m2": {
        "design": "calendar",
        "baseline_start": "2026-01-01",
        "baseline_end": "2026-02-28",
        "followup_start": "2026-07-01",
        "followup_end": "2026-08-31",
    },
}


def ask(api: ApiClient, programme_id: int, capture: Any, **extra: Any) -> Any:
    with capture(execute=True):
        resp = api.post("reports", {**BODY, "programme_ids": [programme_id], **extra})
    return resp


def test_manager_gets_unsuppressed_figures(
    world: World, m2_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resp = ask(ApiClient(world.manager), world.programme_a.pk, django_capture_on_commit_callbacks)
    assert resp.status_code == 202, resp.content
    snapshot = ApiClient(world.manager).get(f"reports/{resp.json()['id']}").json()
    assert snapshot["status"] == "done"
    assert snapshot["suppressed"] is False
    m2 = next(i for i in snapshot["data"]["indicators"] if i["code"] == "M2")
    assert m2["table"]["total"] == 3
    assert {c["row"]: c["value"] for c in m2["table"]["cells"]} == {
        "female": 2,
        "male": 1,
        "__total__": 3,
    }


def test_donor_gets_suppressed_figures(
    world: World, m2_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resp = ask(ApiClient(world.donor), world.programme_a.pk, django_capture_on_commit_callbacks)
    snapshot = ApiClient(world.donor).get(f"reports/{resp.json()['id']}").json()
    assert snapshot["suppressed"] is True
    for ind in snapshot["data"]["indicators"]:
        for cell in ind["table"]["cells"]:
            assert cell["value"] is None or not 0 < cell["value"] < 5, (ind["code"], cell)
    m2 = next(i for i in snapshot["data"]["indicators"] if i["code"] == "M2")
    assert m2["table"]["total"] is None  # 3 ventures: withheld
    assert m2["details"]["classes"] == {
        "improved": None,
        "maintained": None,
        "declined": None,
        "insufficient_data": None,
    }


def test_donor_of_another_funder_gets_404(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    resp = ask(
        ApiClient(world.other_donor), world.programme_a.pk, django_capture_on_commit_callbacks
    )
    assert resp.status_code == 404
    assert not ReportSnapshot.objects.exists()
    resp = ask(ApiClient(world.donor), world.programme_b.pk, django_capture_on_commit_callbacks)
    assert resp.status_code == 404


def test_snapshot_belongs_to_its_requester(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    resp = ask(ApiClient(world.manager), world.programme_a.pk, django_capture_on_commit_callbacks)
    assert ApiClient(world.donor).get(f"reports/{resp.json()['id']}").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"breakdown": ["sex", "age_band", "region"]}, "breakdown"),
        ({"breakdown": ["shoe_size"]}, "breakdown"),
        ({"period_end": "2025-01-01"}, "period_end"),
        ({"m2": {"design": "calendar"}}, "m2"),
    ],
)
def test_bad_requests_say_where(
    world: World, change: dict[str, Any], field: str, django_capture_on_commit_callbacks: Any
) -> None:
    resp = ask(
        ApiClient(world.manager), world.programme_a.pk, django_capture_on_commit_callbacks, **change
    )
    assert resp.status_code == 422
    assert field in str(resp.json()["error"]["fields"][0]["loc"])
    assert not ReportSnapshot.objects.exists()


def test_pdf_csv_json_carry_the_same_figures(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resp = ask(ApiClient(world.manager), world.programme_a.pk, django_capture_on_commit_callbacks)
    snapshot_id = resp.json()["id"]
    data = ApiClient(world.manager).get(f"reports/{snapshot_id}").json()["data"]
    client.force_login(world.manager)
    csv_text = client.get(f"/reports/{snapshot_id}/report.csv").content.decode()
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[1][:4] == ["#indicator+code", "#indicator+name", "#date+start", "#date+end"]
    assert "#sex" in rows[1]
    totals_csv = {r[0]: r[-3] for r in rows[2:] if r[4] == "total"}
    assert not any("__total__" in cell for r in rows for cell in r)
    totals_json = {i["code"]: str(i["table"]["total"]) for i in data["indicators"]}
    assert totals_csv == totals_json
    pdf = client.get(f"/reports/{snapshot_id}/report.pdf").content
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for code in totals_json:
        assert code in text
    headline = text.split("Definiciones")[0]
    for total in totals_json.values():
        assert total in headline
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/{snapshot_id}/report.xlsx").content))
    assert workbook.sheetnames == ["Resumen", "REACH", "M1", "M2", "M3", "M4", "M5", "M6"]


def test_dashboard_makes_and_shows_a_report(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.manager)
    assert client.get("/reports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            "/reports/",
            {
                "programme_ids": [world.programme_a.pk],
                "period_start": "2026-01-01",
                "period_end": "2026-09-30",
                "dim1": "sex",
                "baseline_start": "2026-01-01",
                "baseline_end": "2026-02-28",
                "followup_start": "2026-07-01",
                "followup_end": "2026-08-31",
            },
        )
    assert resp.status_code == 302
    page = client.get(resp["Location"]).content.decode()
    assert 'id="ind-M2"' in page
    assert "<svg" in page


def test_donor_exports_mark_complementary_cells_apart(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A cell withheld only to protect another is "x", not "<5", in the JSON, the CSV, the
    XLSX, the PDF and the page, and each says what the marks mean."""
    from .conftest import JAN, person, sales, venture_of

    for _ in range(4):
        sales(venture_of(person(world, "female"), world), JAN, ["10"])
    resp = ask(ApiClient(world.donor), world.programme_a.pk, django_capture_on_commit_callbacks)
    snapshot_id = resp.json()["id"]
    data = ApiClient(world.donor).get(f"reports/{snapshot_id}").json()["data"]
    assert data["legend"] == {"<5": "primary", "x": "complementary"}
    reach = next(i for i in data["indicators"] if i["code"] == "REACH")
    marks = {(c["row"], c["display"], c["mark"]) for c in reach["table"]["cells"]}
    # 7 women and 2 men: the 2 is "<5"; the 7 is withheld with it, as "x"; the total of 9
    # would pin the 7 within 5 to 8 (fewer than 5 values), so it goes too.
    assert ("male", "<5", "primary") in marks
    assert ("female", "x", "complementary") in marks
    assert reach["table"]["total_display"] == "x"
    client.force_login(world.donor)
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/{snapshot_id}/report.csv").text)))
    reach_rows = {(r[4], r[-2], r[-1]) for r in rows[2:] if r[0] == "REACH"}
    assert ("female", "x", "complementary") in reach_rows
    assert ("male", "<5", "primary") in reach_rows
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/{snapshot_id}/report.xlsx").content))
    sheet = [
        [c for c in row if c is not None] for row in workbook["REACH"].iter_rows(values_only=True)
    ]
    assert ["Mujer", "x"] in sheet  # the donor reads Spanish by default
    assert any("x:" in str(cell) for row in sheet for cell in row)
    pdf = client.get(f"/reports/{snapshot_id}/report.pdf").content
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "x:" in text
    page = client.get(f"/reports/{snapshot_id}/").content.decode()
    assert 'id="suppression-note"' in page


def test_a_donor_cannot_difference_two_periods(
    world: World, m2_world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The same donor asks for January to September, then January to October; one more woman
    kept books in October. Shown side by side the two totals would differ by 1: the second
    report withholds it ("x"), and a manager still sees every figure."""
    from .conftest import JAN, person, sales, venture_of

    for _ in range(8):
        sales(venture_of(person(world, "female"), world), JAN, ["10"])
    donor = ApiClient(world.donor)

    def reach(api: ApiClient, **extra: Any) -> dict[str, Any]:
        resp = ask(
            api, world.programme_a.pk, django_capture_on_commit_callbacks, breakdown=[], **extra
        )
        data = api.get(f"reports/{resp.json()['id']}").json()["data"]
        return next(i for i in data["indicators"] if i["code"] == "REACH")["table"]

    first = reach(donor)
    assert first["total"] is not None
    assert first["total"] >= 5
    sales(venture_of(person(world, "female"), world), dt.date(2026, 10, 1), ["10"])
    second = reach(donor, period_end="2026-10-31")
    assert second["total"] is None
    assert second["total_display"] == "x"
    assert reach(ApiClient(world.manager), period_end="2026-10-31")["total"] == first["total"] + 1


def _report_queries(world: World, extra_people: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.outcomes.params import M2Params, ReportParams
    from backend.outcomes.report import build

    from .conftest import FEB, JAN, JUL, person, sales, venture_of

    for _ in range(extra_people):
        v = venture_of(person(world, "female"), world)
        sales(v, JAN, ["10", "10"])
        sales(v, JUL, ["10", "10"], method="card")
    params = ReportParams(
        programme_ids=(world.programme_a.pk,),
        period_start=JAN,
        period_end=dt.date(2026, 9, 30),
        breakdown=("sex", "age_band"),
        m2=M2Params(
            design="calendar",
            baseline_start=JAN,
            baseline_end=FEB,
            followup_start=JUL,
            followup_end=dt.date(2026, 8, 31),
        ),
    )
    with CaptureQueriesContext(connection) as queries:
        build(params, suppress=True, k=5)
    return len(queries)


def test_the_report_runs_a_fixed_number_of_queries(world: World, m2_world: Any) -> None:
    """The whole donor report (seven indicators, two breakdowns, disclosure control) takes the
    same number of queries for 5 ventures as for 17: none per row."""
    few = _report_queries(world, 0)
    assert few <= 40
    assert _report_queries(world, 12) == few


def test_the_list_of_reports_runs_a_fixed_number_of_queries(
    world: World,
    m2_world: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    api = ApiClient(world.donor)
    for _ in range(3):
        ask(api, world.programme_a.pk, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(8):
        listed = api.get("reports").json()
    assert listed["count"] == 3
    snapshot_id = listed["items"][0]["id"]
    with django_assert_max_num_queries(8):
        assert api.get(f"reports/{snapshot_id}").status_code == 200
