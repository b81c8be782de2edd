"""The cohort-management pages: the rules of the API, errors next to their field in the
user's language, and lists whose cost does not grow with their rows."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import AuditEvent, ParticipantProfile, User
from backend.programmes.models import Membership
from backend.training import services
from backend.training.models import Certificate, Cohort, CohortSession, Course, Enrollment
from tests.conftest import World, consent

from .conftest import END, START, add_sessions


def client_for(user: User, language: str = "es") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def people(world: World, n: int, name: str = "Persona") -> list[User]:
    out = []
    for i in range(n):
        user = User.objects.create_user(phone=f"+5198722{i:04d}", phone_verified=True)
        Membership.objects.create(user=user, programme=world.programme_a, role="participant")
        consent(user, world.notice)
        ParticipantProfile.objects.create(user=user, display_name=f"{name} {i}")
        out.append(user)
    return out


def form_error(resp: Any, field: str) -> str:
    """The error shown in the field group of `field` (Django renders it by the input)."""
    html = resp.content.decode()
    start = html.index(f'id="id_{field}_error"')
    return html[start : html.index("</ul>", start)]


def test_a_manager_creates_a_cohort_and_a_bad_date_is_refused_next_to_its_field(
    world: World, course: Course
) -> None:
    client = client_for(world.manager)
    url = f"/training/programmes/{world.programme_a.pk}/cohorts/new/"
    data = {
        "course": course.pk, "name": "Tacna 3", "trainers": [world.trainer.pk],
        "start_date": "2026-02-30", "end_date": "2026-04-30", "capacity": "15", "city": "Tacna",
    }  # fmt: skip
    resp = client.post(url, data)
    assert resp.status_code == 400
    assert "Esta fecha no existe" in form_error(resp, "start_date")
    resp = client.post(url, {**data, "start_date": "2026-03-02", "trainers": [world.manager.pk]})
    assert resp.status_code == 400
    assert "no es una de las opciones" in form_error(resp, "trainers")
    assert not Cohort.objects.exists()
    resp = client.post(url, {**data, "start_date": "2026-03-02"})
    cohort = Cohort.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == f"/training/cohorts/{cohort.pk}/sessions/"
    assert (cohort.name, cohort.capacity, cohort.country) == ("Tacna 3", 15, "PE")


@pytest.mark.parametrize("role", ["other_trainer", "other_manager", "donor", "participant_a"])
def test_only_managers_and_trainers_of_the_programme_create_cohorts_and_enrol(
    world: World, cohort: Cohort, role: str
) -> None:
    client = client_for(getattr(world, role))
    assert (
        client.get(f"/training/programmes/{world.programme_a.pk}/cohorts/new/").status_code == 404
    )
    assert client.get(f"/training/cohorts/{cohort.pk}/enrol/").status_code == 404
    assert client.get(f"/training/cohorts/{cohort.pk}/edit/").status_code == 404


def test_editing_refuses_dates_that_leave_a_session_outside(world: World, cohort: Cohort) -> None:
    add_sessions(cohort, 2)  # START and START + 7
    client = client_for(world.manager)
    data = {
        "name": "Renamed", "trainers": [world.trainer.pk],
        "start_date": str(START + dt.timedelta(days=3)), "end_date": str(END), "capacity": "20",
    }  # fmt: skip
    resp = client.post(f"/training/cohorts/{cohort.pk}/edit/", data)
    assert resp.status_code == 400
    assert START.isoformat() in form_error(resp, "start_date")
    resp = client.post(f"/training/cohorts/{cohort.pk}/edit/", {**data, "start_date": str(START)})
    assert resp.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Renamed"


def test_a_trainer_adds_moves_and_cancels_sessions(world: World, cohort: Cohort) -> None:
    client = client_for(world.trainer)
    url = f"/training/cohorts/{cohort.pk}/sessions/"
    resp = client.post(url, {"date": str(START), "repeat": "30", "module": ""})
    assert resp.status_code == 400
    assert "26" in form_error(resp, "repeat")
    resp = client.post(url, {"date": str(START), "repeat": "3", "module": "Idea"})
    assert resp.status_code == 302
    sessions = list(cohort.sessions.order_by("date"))
    assert [s.date for s in sessions] == [START + dt.timedelta(days=7 * i) for i in range(3)]
    # A series that runs past the cohort's end keeps what fits and says why it stopped.
    resp = client.post(url, {"date": str(END - dt.timedelta(days=7)), "repeat": "3"})
    assert resp.status_code == 400
    assert "dentro de las fechas" in form_error(resp, "date")
    assert cohort.sessions.count() == 5

    move = f"/training/sessions/{sessions[1].pk}/move/"
    resp = client.post(move, {"date": "2030-01-01"})
    assert resp.status_code == 400
    assert "dentro de las fechas" in form_error(resp, "date")
    assert client.post(move, {"date": str(START + dt.timedelta(days=9))}).status_code == 302
    sessions[1].refresh_from_db()
    assert sessions[1].date == START + dt.timedelta(days=9)

    e = services.enroll(actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk)
    services.mark_attendance(actor=world.trainer, session=sessions[0], marks=[(e.pk, "present")])
    client.post(f"/training/sessions/{sessions[0].pk}/cancel/")
    client.post(f"/training/sessions/{sessions[2].pk}/cancel/")
    assert CohortSession.objects.filter(pk=sessions[0].pk).exists()  # attendance was taken
    assert not CohortSession.objects.filter(pk=sessions[2].pk).exists()
    assert client.get(url).status_code == 200


def test_other_trainers_reach_no_session_page(world: World, cohort: Cohort) -> None:
    (session,) = add_sessions(cohort, 1)
    client = client_for(world.other_trainer)
    assert client.get(f"/training/cohorts/{cohort.pk}/sessions/").status_code == 404
    assert client.get(f"/training/sessions/{session.pk}/move/").status_code == 404
    assert client.post(f"/training/sessions/{session.pk}/cancel/").status_code == 404


def test_enrol_search_finds_by_name_phone_and_document_at_a_constant_cost(
    world: World, cohort: Cohort
) -> None:
    crowd = people(world, 12)
    ParticipantProfile.objects.filter(user=crowd[5]).update(id_document_type="pe_cpp")
    client = client_for(world.manager)
    url = f"/training/cohorts/{cohort.pk}/enrol/"
    resp = client.get(url, {"q": "Persona"})
    assert resp.content.decode().count('name="person"') == 12
    assert "··011" in resp.content.decode()
    assert client.get(url, {"q": "220005"}).content.decode().count('name="person"') == 1
    resp = client.get(url, {"q": "", "document": "pe_cpp"})
    assert resp.content.decode().count('name="person"') == 1
    assert AuditEvent.objects.filter(action="training.enrol.search", actor=world.manager).exists()

    def cost(q: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"q": q}).status_code == 200
        return len(ctx.captured_queries)

    assert cost("Persona 1") == cost("Persona")  # 3 rows and 12 rows


def test_several_people_are_enrolled_at_once_and_refusals_name_the_person(
    world: World, cohort: Cohort
) -> None:
    crowd = people(world, 3)
    Membership.objects.filter(user=crowd[2]).delete()  # no longer in the programme
    client = client_for(world.manager)
    url = f"/training/cohorts/{cohort.pk}/enrol/"
    resp = client.post(
        url, {"person": [crowd[0].pk, crowd[1].pk, crowd[2].pk, "x", "99999999999999999999"]}
    )
    assert resp.status_code == 400
    assert "Persona 2: Esta persona no es participante" in resp.content.decode()
    assert set(Enrollment.objects.values_list("participant_id", flat=True)) == {
        crowd[0].pk, crowd[1].pk,
    }  # fmt: skip
    resp = client.post(url, {"person": []})
    assert "Marca una o más personas" in resp.content.decode()


def test_pasted_phones_enrol_people_of_the_programme_only(world: World, cohort: Cohort) -> None:
    crowd = people(world, 2)
    client = client_for(world.manager)
    text = f"{crowd[0].phone}\n987 22 0001\n{world.participant_other.phone}\nhola"
    resp = client.post(f"/training/cohorts/{cohort.pk}/enrol/", {"phones": text})
    assert resp.status_code == 400
    error = form_error(resp, "phones")
    assert f"{world.participant_other.phone}: nadie en este programa" in error
    assert "hola: este no es un número de teléfono válido" in error
    assert set(Enrollment.objects.values_list("participant_id", flat=True)) == {
        crowd[0].pk, crowd[1].pk,
    }  # fmt: skip


def test_withdraw_and_restore_an_enrolment(world: World, cohort: Cohort) -> None:
    e = services.enroll(actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk)
    client = client_for(world.trainer)
    assert client.post(f"/training/enrollments/{e.pk}/withdraw/").status_code == 302
    e.refresh_from_db()
    assert e.status == "dropped_out"
    assert AuditEvent.objects.filter(
        action="training.withdraw", subject=world.participant_a
    ).exists()
    client.post(f"/training/enrollments/{e.pk}/withdraw/", {"undo": "1"})
    e.refresh_from_db()
    assert e.status == "enrolled"
    assert (
        client_for(world.other_trainer).post(f"/training/enrollments/{e.pk}/withdraw/").status_code
        == 404
    )


def _certified(world: World, cohort: Cohort) -> Certificate:
    (session,) = add_sessions(cohort, 1)
    e = services.enroll(actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk)
    services.record_scores(actor=world.trainer, enrollment=e, post_score=80)
    services.mark_attendance(actor=world.trainer, session=session, marks=[(e.pk, "present")])
    e.refresh_from_db()
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=e)
    return certificate


def test_a_manager_revokes_a_certificate_with_a_reason(world: World, cohort: Cohort) -> None:
    certificate = _certified(world, cohort)
    url = f"/training/certificates/{certificate.pk}/revoke/"
    assert client_for(world.trainer).get(url).status_code == 404
    client = client_for(world.manager)
    resp = client.post(url, {"reason": "   "})
    assert resp.status_code == 400
    assert "obligatorio" in form_error(resp, "reason")
    resp = client.post(url, {"reason": "Asistencia registrada por error"})
    assert resp.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoke_reason == "Asistencia registrada por error"
    page = client.get(f"/training/cohorts/{cohort.pk}/summary/").content.decode()
    assert "Asistencia registrada por error" in page


def test_summary_counts_and_searches_the_roster_at_a_constant_cost(
    world: World, cohort: Cohort
) -> None:
    add_sessions(cohort, 2)
    crowd = people(world, 10)
    for p in crowd:
        services.enroll(actor=world.manager, cohort=cohort, participant_id=p.pk)
    first = Enrollment.objects.get(participant=crowd[0])
    services.set_dropped_out(actor=world.trainer, enrollment=first, dropped_out=True)
    client = client_for(world.trainer)
    url = f"/training/cohorts/{cohort.pk}/summary/"
    page = client.get(url).content.decode()
    assert page.count('class="tr-person"') == 10
    assert "<dd>10</dd>" in page
    assert "<dd>1</dd>" in page
    assert client.get(url, {"q": "003"}).content.decode().count('class="tr-person"') == 1
    # This trainer has no second factor: a longer run of digits finds nobody, so the search
    # cannot confirm a phone number the sheet hides; a manager (with one) finds the person.
    assert client.get(url, {"q": "220003"}).content.decode().count('class="tr-person"') == 0
    page = client_for(world.manager).get(url, {"q": "220003"}).content.decode()
    assert page.count('class="tr-person"') == 1

    def cost(q: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"q": q}).status_code == 200
        return len(ctx.captured_queries)

    assert cost("Persona 1") == cost("Persona")


def test_the_pages_speak_english_and_portuguese(world: World, cohort: Cohort) -> None:
    add_sessions(cohort, 1)
    for language, words in (("en", "Add sessions"), ("pt-br", "Adicionar sessões")):
        User.objects.filter(pk=world.trainer.pk).update(preferred_language=language)
        page = client_for(world.trainer, language).get(f"/training/cohorts/{cohort.pk}/sessions/")
        assert words in page.content.decode()


def test_all_present_marks_only_the_unmarked_and_keeps_the_exceptions(
    world: World, cohort: Cohort
) -> None:
    (session,) = add_sessions(cohort, 1)
    crowd = people(world, 4)
    es = [services.enroll(actor=world.manager, cohort=cohort, participant_id=p.pk) for p in crowd]
    services.mark_attendance(actor=world.trainer, session=session, marks=[(es[0].pk, "absent")])
    services.set_dropped_out(actor=world.trainer, enrollment=es[1], dropped_out=True)
    client_for(world.trainer).post(f"/training/sessions/{session.pk}/", {"all_present": "1"})
    marks = dict(session.marks.values_list("enrollment_id", "status"))
    assert marks == {es[0].pk: "absent", es[2].pk: "present", es[3].pk: "present"}


def test_two_people_with_one_name_are_told_apart_on_every_sheet(
    world: World, cohort: Cohort
) -> None:
    (session,) = add_sessions(cohort, 1)
    twins = people(world, 2, name="Ana")
    ParticipantProfile.objects.filter(user__in=twins).update(display_name="Ana Rojas")
    for p in twins:
        services.enroll(actor=world.manager, cohort=cohort, participant_id=p.pk)
    client = client_for(world.trainer)
    for path in (
        f"/training/cohorts/{cohort.pk}/",
        f"/training/sessions/{session.pk}/",
        f"/training/cohorts/{cohort.pk}/scores/",
        f"/training/cohorts/{cohort.pk}/summary/",
    ):
        page = client.get(path).content.decode()
        assert "··000" in page, path
        assert "··001" in page, path
        assert twins[0].phone not in page  # this trainer has no second factor


def test_the_sessions_page_costs_the_same_for_two_or_twelve_sessions(
    world: World, cohort: Cohort
) -> None:
    client = client_for(world.trainer)
    url = f"/training/cohorts/{cohort.pk}/sessions/"

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_sessions(cohort, 2)
    small = cost()
    for i in range(2, 12):
        services.add_session(
            actor=world.trainer, cohort=cohort, date=START + dt.timedelta(days=20 + i)
        )
    assert cost() == small
    assert client.get(url).content.decode().count('<li id="s') == 12


HUGE = str(10**25)


def test_out_of_range_numbers_and_nul_characters_are_form_errors(
    world: World, cohort: Cohort
) -> None:
    client = client_for(world.manager)
    client.raise_request_exception = False
    new = f"/training/programmes/{world.programme_a.pk}/cohorts/new/"
    data = {
        "course": HUGE, "name": "X", "trainers": [HUGE], "start_date": "2026-03-02",
        "end_date": "2026-04-30", "capacity": HUGE,
    }  # fmt: skip
    resp = client.post(new, data)
    assert resp.status_code == 400
    for field in ("course", "trainers", "capacity"):
        assert form_error(resp, field)
    assert client.post(new, {**data, "name": "X\x00"}).status_code == 400
    sessions = f"/training/cohorts/{cohort.pk}/sessions/"
    assert client.post(sessions, {"date": "2026-01-05", "repeat": HUGE}).status_code == 400
    enrol = f"/training/cohorts/{cohort.pk}/enrol/"
    assert client.post(enrol, {"person": [HUGE]}).status_code == 400
    assert client.get(enrol, {"q": "a\x00"}).status_code == 400
    assert client.get(f"/training/cohorts/{cohort.pk}/summary/", {"q": "\x00"}).status_code == 400
    assert client.get(f"/training/cohorts/{HUGE}/summary/").status_code == 404
    ventures = f"/programmes/{world.programme_a.pk}/ventures/"
    assert client.get(ventures, {"q": "\x00"}).status_code == 400
    assert client.get(ventures, {"page": HUGE}).status_code == 200
    export = f"/programmes/{world.programme_a.pk}/participants/export/"
    assert client.get(export, {"columns": [HUGE], "format": "csv"}).status_code == 400
