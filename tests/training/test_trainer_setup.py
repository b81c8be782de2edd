"""A trainer sets up her own cohort from the portal: creates and edits it, and enrols the
programme's people through a narrow search (three characters at least, twenty results at
most, a hint instead of contact details, audited) or a pasted list of phone numbers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import AuditEvent, ParticipantProfile
from backend.programmes.models import Membership
from backend.training.models import Cohort, Course, Enrollment
from tests.conftest import World, make_user

from .test_manage_pages import client_for, form_error, people


def test_a_trainer_creates_a_cohort_and_stays_one_of_its_trainers(
    world: World, course: Course
) -> None:
    colleague = make_user("colleague@example.org")
    Membership.objects.create(user=colleague, programme=world.programme_a, role="trainer")
    ParticipantProfile.objects.create(user=colleague, display_name="Colega Ruiz")
    client = client_for(world.trainer)
    assert (
        f"/training/programmes/{world.programme_a.pk}/cohorts/new/"
        in client.get("/training/").content.decode()
    )
    url = f"/training/programmes/{world.programme_a.pk}/cohorts/new/"
    page = client.get(url).content.decode()
    assert f'name="trainers" value="{world.trainer.pk}"' in page
    assert f'name="trainers" value="{colleague.pk}"' in page
    assert f'name="trainers" value="{world.other_trainer.pk}"' not in page  # programme B's
    data = {
        "course": course.pk, "name": "Sullana 2", "trainers": [world.other_trainer.pk],
        "start_date": "2026-03-02", "end_date": "2026-04-30", "capacity": "20",
    }  # fmt: skip
    resp = client.post(url, data)
    assert resp.status_code == 400
    assert "no es una de las opciones" in form_error(resp, "trainers")
    resp = client.post(url, {**data, "trainers": [colleague.pk]})
    assert resp.status_code == 302
    cohort = Cohort.objects.get()
    assert set(cohort.trainers.all()) == {world.trainer, colleague}

    # She edits it; leaving herself unticked does not hand the cohort away.
    edit = f"/training/cohorts/{cohort.pk}/edit/"
    assert client.get(edit).status_code == 200
    resp = client.post(edit, {**data, "name": "Sullana 2B", "trainers": [colleague.pk]})
    assert resp.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Sullana 2B"
    assert set(cohort.trainers.all()) == {world.trainer, colleague}
    assert client.get(f"/training/cohorts/{cohort.pk}/enrol/").status_code == 200


def test_a_trainer_of_another_programme_reaches_none_of_it(world: World, cohort: Cohort) -> None:
    client = client_for(world.other_trainer)
    assert (
        f"/programmes/{world.programme_a.pk}/cohorts/new/"
        not in client.get("/training/").content.decode()
    )
    for url in (
        f"/training/programmes/{world.programme_a.pk}/cohorts/new/",
        f"/training/cohorts/{cohort.pk}/edit/",
        f"/training/cohorts/{cohort.pk}/enrol/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/training/cohorts/{cohort.pk}/enrol/", {"person": [1]}).status_code == 404
    # A trainer of programme A who does not train this cohort does not reach it either.
    peer = make_user("peer@example.org")
    Membership.objects.create(user=peer, programme=world.programme_a, role="trainer")
    assert client_for(peer).get(f"/training/cohorts/{cohort.pk}/enrol/").status_code == 404


def test_a_trainers_search_is_narrow_capped_hinted_and_audited(
    world: World, cohort: Cohort
) -> None:
    crowd = people(world, 25)
    ParticipantProfile.objects.filter(user=crowd[3]).update(id_document_type="pe_cpp")
    other = make_user(phone="+51987339999")
    Membership.objects.create(user=other, programme=world.programme_b, role="participant")
    ParticipantProfile.objects.create(user=other, display_name="Persona de B")
    client = client_for(world.trainer)
    url = f"/training/cohorts/{cohort.pk}/enrol/"

    # No browsing: an empty or short query, or a document type alone, lists nobody.
    for query in ({"q": ""}, {"q": "Pe"}, {"q": "", "document": "pe_cpp"}):
        resp = client.get(url, query)
        assert resp.status_code == 400, query
        assert 'name="person"' not in resp.content.decode()
        assert "al menos 3" in form_error(resp, "q")

    resp = client.get(url, {"q": "Persona"})
    html = resp.content.decode()
    assert html.count('name="person"') == 20  # 25 match; the first 20 are shown
    assert "Persona de B" not in html  # programme B's people never appear
    assert "··000" in html  # the phone ending
    assert "98722" not in html  # never the number, with or without its country code
    assert (
        client.get(url, {"q": "Persona", "document": "pe_cpp"})
        .content.decode()
        .count('name="person"')
        == 1
    )
    event = AuditEvent.objects.filter(action="training.enrol.search", actor=world.trainer).first()
    assert event is not None
    assert event.object_id == str(cohort.pk)
    assert event.detail["shown"] == 1
    assert "Persona" not in str(event.detail)  # the query is not kept

    def cost(q: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"q": q}).status_code == 200
        return len(ctx.captured_queries)

    assert cost("Persona 1") == cost("Persona")  # 11 rows and 20 rows

    # She ticks some, pastes others; then withdraws and restores one.
    resp = client.post(url, {"person": [crowd[0].pk, crowd[1].pk]})
    assert resp.status_code == 302
    resp = client.post(url, {"phones": "987220002\n987220003\n+51987339999"})
    assert resp.status_code == 400  # programme B's number names nobody here
    assert "nadie en este programa" in form_error(resp, "phones")
    assert set(Enrollment.objects.values_list("participant_id", flat=True)) == {
        p.pk for p in crowd[:4]
    }
    enrollment = Enrollment.objects.get(participant=crowd[0])
    client.post(f"/training/enrollments/{enrollment.pk}/withdraw/")
    enrollment.refresh_from_db()
    assert enrollment.status == "dropped_out"
    client.post(f"/training/enrollments/{enrollment.pk}/withdraw/", {"undo": "1"})
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"


def test_a_manager_still_browses_the_whole_list(world: World, cohort: Cohort) -> None:
    people(world, 25)
    client = client_for(world.manager)
    url = f"/training/cohorts/{cohort.pk}/enrol/"
    resp = client.get(url, {"q": ""})
    assert resp.status_code == 200
    # participant_a and participant_b have no profile name; everyone of programme A is listed.
    assert resp.content.decode().count('name="person"') == 27
    assert 'id="narrow"' not in resp.content.decode()
