"""The advanced report form: managers choose nominal or real terms; donor viewers are taken to
their dashboard, whatever they send."""

import io
from typing import Any

import pypdf
import pytest
from django.test import Client

from backend.outcomes.models import ReportSnapshot
from tests.conftest import World

from .raw import raw_bits
from .test_dashboard import main_text
from .test_real_terms import _load_index, dataset  # noqa: F401 - the fixture

FORM = {
    "period_start": "2026-01-01",
    "period_end": "2026-09-30",
    "baseline_start": "2026-01-01",
    "baseline_end": "2026-02-28",
    "followup_start": "2026-07-01",
    "followup_end": "2026-08-31",
}


def _client(user: Any, language: str = "es") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.usefixtures("dataset")
def test_a_manager_asks_for_real_terms_and_reads_them_on_the_page_and_pdf(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _load_index()
    client = _client(world.manager)
    form = client.get("/reports/").content.decode()
    assert 'name="terms" value="real"' in form
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            "/reports/", {**FORM, "programme_ids": [world.programme_a.pk], "terms": "real"}
        )
    assert resp.status_code == 302, resp.content.decode()
    snapshot = ReportSnapshot.objects.get(requested_by=world.manager)
    assert snapshot.params["terms"] == "real"
    text = main_text(client.get(resp["Location"]).content.decode())
    assert raw_bits(text) == []
    # Two ventures that grew 5% and 6% in money sold less in real terms (Peru's index).
    assert "En términos reales: emprendimientos cuyas ventas bajaron 2" in text
    assert "Ventas en términos reales (PEN)" in text
    assert "Términos" in text
    assert "precios de enero de 2026 a febrero de 2026" in text
    pdf = client.get(f"/reports/{snapshot.pk}/report.pdf").content
    pdf_text = " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Fuente del índice de precios, PE INEI" in pdf_text


@pytest.mark.usefixtures("dataset")
def test_real_terms_without_calendar_windows_is_an_error_next_to_the_field(
    world: World,
) -> None:
    client = _client(world.manager)
    resp = client.post(
        "/reports/",
        {**FORM, "programme_ids": [world.programme_a.pk], "terms": "real", "design": "training"},
    )
    assert resp.status_code == 422
    html = resp.content.decode()
    fieldset = html[html.index('id="terms"') : html.index("</fieldset>", html.index('id="terms"'))]
    assert 'id="terms-error"' in fieldset
    assert "diseño de calendario" in fieldset
    # What was chosen stays chosen.
    assert 'value="real" checked' in fieldset
    assert not ReportSnapshot.objects.exists()


@pytest.mark.usefixtures("dataset")
def test_a_missing_index_month_is_said_in_the_report(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _load_index({1: "100", 2: "102", 3: "105", 4: "108", 6: "115", 7: "120", 8: "126", 9: "130"})
    world.manager.preferred_language = "pt-br"
    world.manager.save()
    client = _client(world.manager, "pt-br")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            "/reports/", {**FORM, "programme_ids": [world.programme_a.pk], "terms": "real"}
        )
    text = main_text(client.get(resp["Location"]).content.decode())
    assert "sem termos reais, pe" in text.lower()
    assert "maio de 2026" in text.lower()


def test_a_donor_typing_the_address_is_taken_to_the_dashboard(world: World) -> None:
    client = _client(world.donor)
    resp = client.get("/reports/")
    assert resp.status_code == 302
    assert resp["Location"] == "/reports/dashboard/"
    resp = client.post("/reports/", {**FORM, "programme_ids": [world.programme_a.pk]})
    assert resp.status_code == 302
    assert resp["Location"] == "/reports/dashboard/"
    assert not ReportSnapshot.objects.filter(requested_by=world.donor).exists()
    assert _client(world.manager).get("/reports/").status_code == 200
