"""The trainer portal: cohorts, one-tap attendance, scores, certificates, CSV export."""

import csv
import io
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from backend.training.models import Attendance, Certificate, CohortSession, Enrollment
from tests.conftest import TOTP_SECRET, World


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(user)
    return client


def test_trainer_sees_own_cohorts_and_roster(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment
) -> None:
    client = _client(world.trainer)
    page = client.get("/training/").content.decode()
    assert "Piura · Inicia tu Negocio 1" in page
    detail = client.get(f"/training/cohorts/{enrollment_a.cohort_id}/")
    assert detail.status_code == 200
    assert "Participant A" in detail.content.decode()
    assert (
        _client(world.other_trainer).get(f"/training/cohorts/{enrollment_a.cohort_id}/").status_code
        == 404
    )


def test_one_tap_marks_a_person_and_a_repeat_changes_nothing(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment
) -> None:
    client = _client(world.trainer)
    url = f"/training/sessions/{sessions[0].pk}/"
    resp = client.post(url, {"enrollment": enrollment_a.pk, "status": "present"})
    assert resp.status_code == 302
    client.post(url, {"enrollment": enrollment_a.pk, "status": "present"})
    row = Attendance.objects.get(enrollment=enrollment_a)
    assert row.status == "present"
    assert row.history.count() == 1
    sheet = client.get(url).content.decode()
    assert 'value="present" aria-pressed="true"' in sheet


def test_marking_on_another_trainers_sheet_is_not_found(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment
) -> None:
    url = f"/training/sessions/{sessions[0].pk}/"
    resp = _client(world.other_trainer).post(
        url, {"enrollment": enrollment_a.pk, "status": "present"}
    )
    assert resp.status_code == 404
    assert not Attendance.objects.exists()


def test_score_entry_saves_valid_scores_and_explains_bad_ones(
    world: World, enrollment_a: Enrollment, enrollment_b: Enrollment
) -> None:
    client = _client(world.trainer)
    url = f"/training/cohorts/{enrollment_a.cohort_id}/scores/"
    data = {
        f"pre_{enrollment_a.pk}": "45", f"post_{enrollment_a.pk}": "72",
        f"pre_{enrollment_b.pk}": "", f"post_{enrollment_b.pk}": "140",
    }  # fmt: skip
    resp = client.post(url, data, follow=True)
    text = resp.content.decode()
    assert "Escribe una nota de 0 a 100." in text
    a, b = (Enrollment.objects.get(pk=e.pk) for e in (enrollment_a, enrollment_b))
    assert (a.pre_score, a.post_score) == (45, 72)
    assert (b.pre_score, b.post_score) == (None, None)


def test_issue_from_the_portal_and_export_the_roster_as_csv(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment, attend: Any
) -> None:
    Enrollment.objects.filter(pk=enrollment_a.pk).update(post_score=90)
    attend(Enrollment.objects.get(pk=enrollment_a.pk), sessions, "PPPPPPPPPP")
    TOTP.activate(world.trainer, TOTP_SECRET)  # phone numbers need a second factor
    client = _client(world.trainer)
    resp = client.post(f"/training/enrollments/{enrollment_a.pk}/certificate/", follow=True)
    certificate = Certificate.objects.get(enrollment=enrollment_a)
    assert certificate.serial in resp.content.decode()
    export = client.get(f"/training/cohorts/{enrollment_a.cohort_id}/roster.csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:2] == ["Nombre", "Teléfono"]
    assert rows[1][0] == "Participant A"
    assert rows[1][1] == "'+51987000101"  # a leading + would make a spreadsheet formula
    assert rows[1][3:8] == ["Completado", "10", "10", "0", "0"]
    assert rows[1][-1] == certificate.serial
    pdf = client.get(f"/training/certificates/{certificate.pk}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_participant_sees_own_training_and_downloads_the_certificate(
    world: World, sessions: list[CohortSession], enrollment_a: Enrollment, attend: Any
) -> None:
    Enrollment.objects.filter(pk=enrollment_a.pk).update(post_score=90)
    attend(Enrollment.objects.get(pk=enrollment_a.pk), sessions, "PPPPPPPPPP")
    from backend.training import services

    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=enrollment_a)
    client = _client(world.participant_a)
    page = client.get("/training/mine/").content.decode()
    assert "Inicia tu Negocio" in page
    assert f"/training/certificates/{certificate.pk}/pdf" in page
    assert client.get(f"/training/certificates/{certificate.pk}/pdf").status_code == 200
    other = _client(world.participant_b)
    assert "Inicia tu Negocio" not in other.get("/training/mine/").content.decode()
    assert other.get(f"/training/certificates/{certificate.pk}/pdf").status_code == 404
