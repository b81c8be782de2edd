"""Issuing, rendering, verifying and revoking certificates."""

from typing import Any

import pytest
from django.test import Client

from backend.accounts import services as account_services
from backend.training import services
from backend.training.models import Certificate, CohortSession, Course, Enrollment
from tests.conftest import ApiClient, World

from .pdfs import pdf_text, qr_texts


@pytest.fixture
def completed(
    world: World,
    course: Course,
    enrollment_a: Enrollment,
    sessions: list[CohortSession],
    attend: Any,
) -> Enrollment:
    services.record_scores(actor=world.trainer, enrollment=enrollment_a, post_score=80)
    attend(enrollment_a, sessions, "PPPPPPPPPP")
    return Enrollment.objects.get(pk=enrollment_a.pk)


def test_issuing_to_someone_who_has_not_completed_is_refused(
    world: World, enrollment_b: Enrollment
) -> None:
    resp = ApiClient(world.trainer).post(f"enrollments/{enrollment_b.pk}/certificate")
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "not_completed"
    assert not Certificate.objects.exists()


def test_issuing_twice_returns_the_same_certificate(world: World, completed: Enrollment) -> None:
    api = ApiClient(world.trainer)
    first = api.post(f"enrollments/{completed.pk}/certificate")
    assert first.status_code == 201
    body = first.json()
    assert body["serial"].startswith("IMP-")
    assert body["verify_url"].endswith(f"/verify/{body['code']}")
    second = api.post(f"enrollments/{completed.pk}/certificate")
    assert (second.status_code, second.json()["id"]) == (200, body["id"])
    assert Certificate.objects.count() == 1


def test_pdf_shows_name_and_code_and_its_qr_points_to_the_verification_page(
    world: World, completed: Enrollment, settings: Any
) -> None:
    settings.SITE_URL = "https://impulsa.example.org"
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    resp = ApiClient(world.participant_a).get(f"certificates/{certificate.pk}/pdf")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    text = pdf_text(resp.content)
    assert "Participant A" in text
    assert certificate.code in text
    assert "Inicia tu Negocio" in text
    assert "Certificado de finalización" in text
    assert qr_texts(resp.content) == [f"https://impulsa.example.org/verify/{certificate.code}"]
    page = Client().get(f"/verify/{certificate.code}", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert "Este certificado es válido" in page.content.decode()


def test_pdf_is_in_the_holders_language_and_keeps_the_facts_of_its_issue(
    world: World, completed: Enrollment
) -> None:
    world.participant_a.preferred_language = "en"
    world.participant_a.save()
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    profile = world.participant_a.profile
    profile.display_name = "Renamed Later"
    profile.save()
    text = pdf_text(services.render_certificate_pdf(certificate))
    assert "Certificate of completion" in text
    assert "Start Your Business" in text
    assert "Participant A" in text
    assert "Renamed Later" not in text


def test_verification_page_shows_first_name_and_initial_only(
    world: World, completed: Enrollment
) -> None:
    profile = world.participant_a.profile
    profile.display_name = "María Fernanda Pérez"
    profile.save()
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    html = Client().get(f"/verify/{certificate.code.lower()}", HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "This certificate is valid" in text
    assert "María P." in text
    assert "Fernanda" not in text
    assert "Pérez" not in text
    assert world.participant_a.phone not in text
    assert "Start Your Business" in text


def test_revoked_certificate_says_so_and_unknown_codes_are_not_found(
    world: World, completed: Enrollment
) -> None:
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    resp = ApiClient(world.manager).post(
        f"certificates/{certificate.pk}/revoke", {"reason": "Issued by mistake"}
    )
    assert resp.status_code == 200
    assert resp.json()["revoked_at"]
    page = Client().get(f"/verify/{certificate.code}", HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert "Este certificado fue revocado" in text
    assert "mistake" not in text
    missing = Client().get("/verify/ZZZZ-ZZZZ-ZZ", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert "Certificate not found" in missing.content.decode()


def test_revoking_needs_a_reason_and_a_manager(world: World, completed: Enrollment) -> None:
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    blank = ApiClient(world.manager).post(f"certificates/{certificate.pk}/revoke", {"reason": " "})
    assert blank.status_code == 422
    by_trainer = ApiClient(world.trainer).post(
        f"certificates/{certificate.pk}/revoke", {"reason": "x"}
    )
    assert by_trainer.status_code == 403
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None


def test_verification_page_is_rate_limited_per_address(world: World) -> None:
    client = Client()
    codes = [client.get("/verify/AAAA-BBBB-CC").status_code for _ in range(31)]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429
    other = Client(REMOTE_ADDR="10.0.0.9").get("/verify/AAAA-BBBB-CC")
    assert other.status_code == 404


def test_whole_cohort_issue_runs_as_a_task_and_skips_those_not_completed(
    world: World, completed: Enrollment, enrollment_b: Enrollment
) -> None:
    resp = ApiClient(world.trainer).post(f"cohorts/{completed.cohort_id}/certificates")
    assert resp.status_code == 202
    assert resp.json() == {"queued": 1}
    assert list(Certificate.objects.values_list("enrollment_id", flat=True)) == [completed.pk]
    again = ApiClient(world.trainer).post(f"cohorts/{completed.cohort_id}/certificates")
    assert again.json() == {"queued": 0}


def test_export_and_erasure_of_training_records(world: World, completed: Enrollment) -> None:
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    data = account_services.export_user_data(world.participant_a)["training"]
    (record,) = data["enrollments"]
    assert record["status"] == "completed"
    assert len(record["attendance"]) == 10
    assert record["certificates"][0]["code"] == certificate.code
    account_services.erase_identity(user=world.participant_a)
    certificate.refresh_from_db()
    assert certificate.facts["holder_name"] == ""
    assert Enrollment.objects.get(pk=completed.pk).status == "completed"  # still counts
    page = Client().get(f"/verify/{certificate.code}", HTTP_ACCEPT_LANGUAGE="en")
    assert "Participant" not in page.content.decode()


def test_pdf_names_the_country_in_the_holders_language(world: World, completed: Enrollment) -> None:
    cohort = completed.cohort
    cohort.city, cohort.country, cohort.is_virtual = "Tacna", "PE", False
    cohort.save()
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    text = pdf_text(services.render_certificate_pdf(certificate))
    assert "Tacna, Perú" in text
    assert ", PE" not in text


def _pdftotext(pdf: bytes, tmp_path: Any) -> str:
    import subprocess

    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"],  # noqa: S607
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout


def test_pdf_prints_trainers_by_name_never_by_email_or_phone(
    world: World, completed: Enrollment, tmp_path: Any
) -> None:
    from backend.accounts.models import ParticipantProfile

    ParticipantProfile.objects.update_or_create(
        user=world.trainer, defaults={"display_name": "Lucía Fernández"}
    )
    unnamed = world.other_trainer
    unnamed.phone = "+573009998877"
    unnamed.save()
    completed.cohort.trainers.add(unnamed)  # a co-trainer who never gave a name
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    text = _pdftotext(services.render_certificate_pdf(certificate), tmp_path)
    trainers_line = next(line for line in text.splitlines() if "Formadores" in line)
    assert "Lucía Fernández" in trainers_line
    assert "@" not in text
    assert "+57" not in text
    assert "3009998877" not in text


def test_pdf_of_an_old_certificate_hides_trainer_emails_frozen_in_its_facts(
    world: World, completed: Enrollment, tmp_path: Any
) -> None:
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    certificate.facts["trainers"] = ["trainer@example.org", "+573001112233", "Ana Gómez"]
    certificate.save(update_fields=["facts"])
    text = _pdftotext(services.render_certificate_pdf(certificate), tmp_path)
    assert "Ana Gómez" in text
    assert "trainer@example.org" not in text
    assert "+573001112233" not in text


@pytest.mark.parametrize("path", ["/verify/", "/verify"])
def test_verify_without_a_code_offers_a_form_to_type_one_in(path: str) -> None:
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="es", follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="code"' in html
    assert "Comprobar un certificado" in html
    assert "URLconf" not in html  # never the debug page listing every URL pattern


def test_a_code_typed_from_paper_leads_to_its_verification(
    world: World, completed: Enrollment
) -> None:
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=completed)
    typed = certificate.code.lower().replace("-", " ")
    resp = Client().get("/verify/", {"code": typed}, HTTP_ACCEPT_LANGUAGE="es")
    assert resp.status_code == 302
    assert resp["Location"] == f"/verify/{certificate.code}"
    page = Client().get(resp["Location"], HTTP_ACCEPT_LANGUAGE="es")
    assert "Este certificado es válido" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "No encontramos ningún certificado con el código"),
        ("pt-br", "Não encontramos nenhum certificado com o código"),
        ("en", "We found no certificate with the code"),
    ],
)
def test_an_unknown_code_is_explained_in_the_visitors_language_with_the_form_again(
    db: None, language: str, message: str
) -> None:
    page = Client().get("/verify/ZZZZ-ZZZZ-ZZ", HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert page.status_code == 404
    assert message in html
    assert "ZZZZ-ZZZZ-ZZ" in html
    assert 'name="code"' in html
    assert 'value="ZZZZ-ZZZZ-ZZ"' in html
    assert "URLconf" not in html
