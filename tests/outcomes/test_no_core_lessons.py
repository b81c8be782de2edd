"""A programme set up without the core lessons still gets its report: M3 shows 0 and says
why, instead of the whole report failing."""

import io
from typing import Any

import pypdf
import time_machine
from django.utils import translation

from backend.finance.models import Lesson
from backend.outcomes import report
from backend.outcomes.models import ReportSnapshot
from backend.outcomes.present import detail_rows
from tests.conftest import World

from .conftest import calendar
from .test_dashboard import NOW, dashboard, main_text


def test_m3_without_core_lessons_is_zero_with_a_note(world: World, m2_world: Any) -> None:
    Lesson.objects.filter(module__code="core").delete()
    for suppress in (False, True):
        data = report.build(calendar(world), suppress=suppress, k=5)
        m3 = next(i for i in data["indicators"] if i["code"] == "M3")
        assert m3["table"]["total"] == 0
        assert m3["details"]["no_core_lessons"] is True
        with translation.override("en"):
            rows = dict(detail_rows("M3", m3["details"], 5))
        assert rows["People with both tests"] == "0"
        assert any("no core lessons" in text for text in rows.values())


def test_the_dashboard_and_pdf_render_without_core_lessons(
    world: World, m2_world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Lesson.objects.filter(module__code="core").delete()
    client.force_login(world.manager)
    # The whole visit on the dashboard's day: a session made then has expired on a far later
    # day the suite may run at (IMPULSA_TEST_NOW).
    with time_machine.travel(NOW, tick=False):
        text = main_text(dashboard(client, django_capture_on_commit_callbacks))
        assert "no hay lecciones básicas" in text
        snapshot = ReportSnapshot.objects.filter(requested_by=world.manager, status="done").first()
        assert snapshot is not None
        pdf = client.get(f"/reports/{snapshot.pk}/report.pdf")
        assert pdf.status_code == 200
        page = client.get(f"/reports/{snapshot.pk}/").content.decode()
    pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    assert "no hay lecciones básicas" in " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert 'id="ind-M3"' in page
