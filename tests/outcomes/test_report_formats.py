"""The report a donor downloads, in every format and language: labelled, localised figures that
say whose they are, never the program's internal structure."""

import csv
import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from openpyxl import load_workbook

from tests.conftest import ApiClient, World

from .raw import raw_bits
from .test_reports import ask


def _snapshot(world: World, user: Any, capture: Any) -> str:
    resp = ask(ApiClient(user), world.programme_a.pk, capture)
    assert resp.status_code == 202
    return resp.json()["id"]


@pytest.mark.parametrize("language", ["es", "en", "pt-br"])
@pytest.mark.parametrize("who", ["donor", "manager"])
def test_pdf_xlsx_and_page_carry_words_and_numbers_only(
    world: World,
    m2_world: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
    language: str,
    who: str,
) -> None:
    user = getattr(world, who)
    user.preferred_language = language
    user.save()
    snapshot_id = _snapshot(world, user, django_capture_on_commit_callbacks)
    client.force_login(user)
    pdf = pypdf.PdfReader(io.BytesIO(client.get(f"/reports/{snapshot_id}/report.pdf").content))
    pages = [page.extract_text() for page in pdf.pages]
    for number, text in enumerate(pages, start=1):
        assert raw_bits(text) == [], (number, text)
    # A cover that says whose figures they are, then a summary, then the indicators.
    assert world.programme_a.name in pages[0]
    assert world.funder_1.name in pages[0]
    assert world.programme_a.organisation.name in pages[0]
    assert len(pages) <= 5  # seven indicators on a few full pages, not one page each
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/{snapshot_id}/report.xlsx").content))
    numbers = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert raw_bits(cell.value) == [], (sheet.title, cell.coordinate, cell.value)
                    assert not cell.value.replace(".", "").replace(",", "").isdigit(), (
                        "a number stored as text",
                        sheet.title,
                        cell.coordinate,
                    )
                elif isinstance(cell.value, int | float):
                    numbers += 1
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)
    assert numbers > 10
    summary = workbook.worksheets[0]
    assert world.programme_a.name in [c for row in summary.iter_rows(values_only=True) for c in row]


def test_csv_carries_the_details_and_keeps_value_a_number(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot_id = _snapshot(world, world.manager, django_capture_on_commit_callbacks)
    client.force_login(world.manager)
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/{snapshot_id}/report.csv").text)))
    header, tags = rows[0], rows[1]
    value = header.index("value")
    assert tags[value] == "#value+num"
    for row in rows[2:]:
        assert row[value] == "" or float(row[value]) == float(row[value]), row
        assert "__total__" not in row
    figures = {r[header.index("figure")]: r for r in rows[2:]}
    # M2's classes, M3's gain and the money figures are in the CSV too, with their labels.
    assert figures["classes.improved"][value] == "1"
    assert figures["classes.maintained"][value] == "2"
    assert figures["eligible"][value] == "4"
    assert "gain_n" in figures
    assert "mean_gain" in figures
    sales = figures["PEN.sales"]
    assert sales[header.index("currency")] == "PEN"
    assert sales[value] == "4700.00"


def test_a_withheld_figure_leaves_value_empty_and_says_why(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot_id = _snapshot(world, world.donor, django_capture_on_commit_callbacks)
    client.force_login(world.donor)
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/{snapshot_id}/report.csv").text)))
    header = rows[0]
    value, mark, why = header.index("value"), header.index("mark"), header.index("suppressed")
    improved = next(r for r in rows[2:] if r[header.index("figure")] == "classes.improved")
    assert (improved[value], improved[mark], improved[why]) == ("", "<5", "primary")
    hidden = [r for r in rows[2:] if r[why] != "no"]
    assert hidden
    assert all(r[value] == "" for r in hidden)
    assert {r[mark] for r in hidden if r[why] in ("primary", "complementary")} <= {"<5", "x"}


def test_report_page_writes_dates_and_design_in_words(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from .test_dashboard import main_text

    snapshot_id = _snapshot(world, world.donor, django_capture_on_commit_callbacks)
    client.force_login(world.donor)
    text = main_text(client.get(f"/reports/{snapshot_id}/").content.decode())
    assert raw_bits(text) == []
    assert "1 de enero de 2026 al 30 de septiembre de 2026" in text
    assert dt.date.today().isoformat() not in text
    assert "Ventas en los mismos meses para todos los emprendimientos" in text
