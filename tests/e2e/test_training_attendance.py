"""A trainer marks a session on a phone-sized screen and sees a participant complete; the
certificate's QR code leads to a page that says it is valid."""

import datetime as dt
from typing import Any

import pytest

from backend.training import services
from backend.training.models import Certificate, Course
from tests.conftest import PASSWORD, World
from tests.training.pdfs import pdf_text, qr_texts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_trainer_marks_attendance_and_the_certificate_verifies(
    live_server: Any, page: Any, world: World, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    course = Course.objects.create(
        code="siyb-start", title_es="Inicia tu Negocio", title_en="Start Your Business",
        title_pt="Inicie o seu Negócio", stage="start", planned_hours=30,
    )  # fmt: skip
    cohort = services.create_cohort(
        actor=world.manager, programme=world.programme_a, course=course,
        name="Piura · Inicia tu Negocio", trainer_ids=[world.trainer.pk],
        start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 2, 27), capacity=10, city="Piura",
    )  # fmt: skip
    sessions = [
        services.add_session(
            actor=world.trainer, cohort=cohort, date=dt.date(2026, 1, 5) + dt.timedelta(days=7 * i)
        )
        for i in range(5)
    ]
    ana = services.enroll(actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk)
    services.record_scores(actor=world.trainer, enrollment=ana, post_score=75)
    for session in sessions[:3]:
        services.mark_attendance(actor=world.trainer, session=session, marks=[(ana.pk, "present")])

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "trainer@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/training/")
    page.click("text=Piura · Inicia tu Negocio")
    page.click("#sessions >> text=2 feb 2026")
    person = page.locator(f"#e{ana.pk}")
    assert "Inscrito" in person.inner_text()
    assert "Asistencia 3 de 5" in person.inner_text()
    person.locator("button[value=present]").click()
    person = page.locator(f"#e{ana.pk}")
    assert person.locator("button[value=present]").get_attribute("aria-pressed") == "true"
    assert "Completado" in person.inner_text()
    assert "Asistencia 4 de 5" in person.inner_text()

    page.click(f"text={cohort.name}")
    page.locator(f"#e{ana.pk} button[type=submit]").click()
    certificate = Certificate.objects.get(enrollment=ana)
    assert certificate.serial in page.locator(".messages").inner_text()
    href = page.locator(f"#e{ana.pk} a").get_attribute("href")
    pdf = page.request.get(f"{base}{href}").body()

    text = pdf_text(pdf)
    assert "Participant A" in text
    assert certificate.code in text
    (url,) = qr_texts(pdf)
    assert url == f"{base}/verify/{certificate.code}"
    page.goto(url)
    assert page.locator("#verdict").inner_text() == "Este certificado es válido"
    assert "Participant A." in page.content()
