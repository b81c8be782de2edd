import datetime as dt
import io

import pytest
from django.test import Client
from pypdf import PdfReader

from backend.ventures.models import BusinessRecord, Venture
from tests.conftest import ApiClient, World
from tests.ventures.conftest import record

pytestmark = pytest.mark.django_db


def test_the_owner_downloads_a_verifiable_record_in_their_language(
    world: World, venture_a: Venture
) -> None:
    for month in range(1, 7):
        record(venture_a, f"s{month}", f"{100 * month}.00", occurred_on=dt.date(2025, month, 3))
    record(venture_a, "w", "50.00", payment_method="mobile_wallet", wallet="plin")
    world.participant_a.preferred_language = "en"
    world.participant_a.save()
    resp = ApiClient(world.participant_a).get(f"ventures/{venture_a.pk}/record")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.content)).pages)
    code = BusinessRecord.objects.get().code
    assert code in text
    assert "Arepas" in text
    assert "Business record" in text
    assert "Months with records: 6" in text
    assert "2,150.00" in text or "2150.00" in text
    assert len(PdfReader(io.BytesIO(resp.content)).pages) <= 2


def test_only_the_owner_downloads_it(world: World, venture_a: Venture) -> None:
    assert ApiClient(world.manager).get(f"ventures/{venture_a.pk}/record").status_code == 403
    assert ApiClient(world.trainer).get(f"ventures/{venture_a.pk}/record").status_code == 404


def test_anyone_can_check_a_record_by_its_code(world: World, venture_a: Venture) -> None:
    record(venture_a, "s1", "120.00")
    assert ApiClient(world.participant_a).get(f"ventures/{venture_a.pk}/record").status_code == 200
    code = BusinessRecord.objects.get().code
    page = Client().get(f"/ventures/verify/{code.lower().replace('-', ' ')}")
    assert page.status_code == 200
    assert b"Arepas" in page.content
    assert b"120.00" in page.content
    assert Client().get("/ventures/verify/AAAA-BBBB-CC").status_code == 404
