"""Inviting a person into a programme: nothing about them shows until they accept with consent,
and the manager's answer is the same whether the number has an account or not."""

import datetime as dt
from typing import Any

import pytest

from backend.accounts.models import User
from backend.lib.errors import DomainError
from backend.programmes.models import Invitation, Membership, Programme
from backend.training import services as training
from backend.training.models import Course
from tests.conftest import ApiClient, World, consent, make_programme, read_sms

OTHER_PHONE = "+573005000103"  # participant_other, of programme B (another manager's)


def _invite(world: World, phone: str) -> Any:
    return ApiClient(world.manager).post(
        f"programmes/{world.programme_a.pk}/participants", {"phone": phone}
    )


def _manager_sees(world: World, user: User) -> dict[str, Any]:
    api = ApiClient(world.manager)
    base = f"programmes/{world.programme_a.pk}/participants"
    return {
        "list": user.pk in [i["id"] for i in api.get(base, limit=100).json()["items"]],
        "search": api.get(base, q=user.phone).json()["count"] > 0,
        "detail": api.get(f"{base}/{user.pk}").status_code,
    }


def _cohort_a(world: World) -> Any:
    course = Course.objects.create(
        code="inv-course", title_es="Curso", title_en="Course", title_pt="Curso",
        stage="start", planned_hours=10, has_tests=False,
    )  # fmt: skip
    return training.create_cohort(
        actor=world.manager, programme=world.programme_a, course=course, name="Cohort A",
        trainer_ids=[world.trainer.pk], start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 2, 27), capacity=10, city="Piura",
    )  # fmt: skip


def test_inviting_an_existing_account_shows_the_manager_nothing(
    world: World, sms_file: Any
) -> None:
    other = world.participant_other
    assert _invite(world, OTHER_PHONE).status_code == 202
    assert _manager_sees(world, other) == {"list": False, "search": False, "detail": 404}
    assert not Membership.objects.filter(user=other, programme=world.programme_a).exists()
    with pytest.raises(DomainError):
        training.enroll(actor=world.manager, cohort=_cohort_a(world), participant_id=other.pk)
    # She is told, and only she can answer.
    assert read_sms(sms_file)[-1]["to"] == OTHER_PHONE
    assert Invitation.objects.get(user=other).pending


def test_new_and_existing_numbers_get_the_same_answer(world: World, sms_file: Any) -> None:
    world.participant_b.is_active = False  # a closed account
    world.participant_b.save()
    answers = {
        "new": _invite(world, "+51987654000"),
        "existing elsewhere": _invite(world, OTHER_PHONE),
        "already a participant": _invite(world, world.participant_a.phone),
        "closed": _invite(world, world.participant_b.phone),
        "new, again": _invite(world, "+51987654000"),
    }
    phones = {
        "new": "+51987654000",
        "existing elsewhere": OTHER_PHONE,
        "already a participant": world.participant_a.phone,
        "closed": world.participant_b.phone,
        "new, again": "+51987654000",
    }
    for case, resp in answers.items():
        assert resp.status_code == 202, case
        assert resp.json() == {"phone": phones[case], "status": "invited"}, case
    # One SMS each to the two people newly invited, none to the others.
    assert sorted(m["to"] for m in read_sms(sms_file)) == sorted(["+51987654000", OTHER_PHONE])


def test_accepting_with_consent_makes_her_a_participant(world: World) -> None:
    other = world.participant_other  # has consent on file
    _invite(world, OTHER_PHONE)
    mine = ApiClient(other).get("me/invitations").json()
    assert [(i["programme_id"], i["status"]) for i in mine] == [(world.programme_a.pk, "pending")]
    resp = ApiClient(other).post(f"me/invitations/{mine[0]['id']}/accept")
    assert resp.status_code == 200
    assert resp.json()["status"] == "accepted"
    assert _manager_sees(world, other) == {"list": True, "search": True, "detail": 200}
    assert (
        ApiClient(world.manager)
        .get(f"programmes/{world.programme_a.pk}/participants/{other.pk}")
        .json()["profile"]["display_name"]
        == "Participant Other"
    )
    enrollment = training.enroll(
        actor=world.manager, cohort=_cohort_a(world), participant_id=other.pk
    )
    assert enrollment.participant_id == other.pk
    assert ApiClient(other).get("me/invitations").json() == []


def test_a_new_person_must_consent_before_accepting(world: World) -> None:
    _invite(world, "+51987654000")
    person = User.objects.get(phone="+51987654000")
    api = ApiClient(person)
    invitation_id = api.get("me/invitations").json()[0]["id"]
    refused = api.post(f"me/invitations/{invitation_id}/accept")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "consent_required"
    assert _manager_sees(world, person)["detail"] == 404
    assert (
        api.post(
            "me/consent",
            {"notice_version": world.notice.version, "purposes": ["programme_delivery"]},
        ).status_code
        == 201
    )
    assert api.post(f"me/invitations/{invitation_id}/accept").status_code == 200
    assert _manager_sees(world, person)["detail"] == 200


def test_declined_invitation_stays_invisible_and_is_not_resent(world: World, sms_file: Any) -> None:
    other = world.participant_other
    _invite(world, OTHER_PHONE)
    invitation_id = ApiClient(other).get("me/invitations").json()[0]["id"]
    declined = ApiClient(other).post(f"me/invitations/{invitation_id}/decline")
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert _invite(world, OTHER_PHONE).status_code == 202
    assert len(read_sms(sms_file)) == 1
    assert _manager_sees(world, other)["detail"] == 404
    assert ApiClient(other).get("me/invitations").json() == []
    # An answered invitation cannot be answered again.
    assert ApiClient(other).post(f"me/invitations/{invitation_id}/accept").status_code == 404


def test_nobody_else_can_accept_an_invitation(world: World) -> None:
    _invite(world, OTHER_PHONE)
    invitation = Invitation.objects.get(user=world.participant_other)
    for intruder in (world.participant_a, world.manager, world.admin):
        resp = ApiClient(intruder).post(f"me/invitations/{invitation.pk}/accept")
        assert resp.status_code == 404
    assert _manager_sees(world, world.participant_other)["detail"] == 404


def test_my_invitations_run_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        Invitation.objects.create(
            user=world.participant_other, programme=make_programme(f"inv-{n}")
        )
    api = ApiClient(world.participant_other)
    with django_assert_max_num_queries(8):
        assert len(api.get("me/invitations").json()) == 12


def test_my_export_lists_my_invitations(world: World) -> None:
    _invite(world, OTHER_PHONE)
    rows = ApiClient(world.participant_other).get("me/export").json()["invitations"]
    assert [(r["programme"], r["accepted_at"]) for r in rows] == [(world.programme_a.name, None)]


def _make_trainer(world: World, user_id: Any) -> Any:
    return ApiClient(world.manager).post(
        f"programmes/{world.programme_a.pk}/trainers", {"user_id": user_id}
    )


def test_only_the_organisations_staff_can_be_made_trainers_by_id(world: World) -> None:
    """A donor, a participant, another organisation's trainer and a missing id look alike."""
    outsiders = {
        "donor viewer": world.donor.pk,
        "participant elsewhere": world.participant_other.pk,
        "another organisation's trainer": world.other_trainer.pk,
        "another organisation's manager": world.other_manager.pk,
        "no such user": User.objects.order_by("-pk")[0].pk + 1000,
    }
    answers = {case: _make_trainer(world, user_id) for case, user_id in outsiders.items()}
    bodies = {case: (r.status_code, r.json()) for case, r in answers.items()}
    assert len({repr(b) for b in bodies.values()}) == 1, bodies
    status, body = bodies["donor viewer"]
    assert status == 422
    assert body["error"]["fields"][0]["loc"] == ["body", "user_id"]
    assert (
        not Membership.objects.filter(role="trainer", programme=world.programme_a)
        .exclude(user=world.trainer)
        .exists()
    )
    # The donor still reads no cohort.
    assert ApiClient(world.donor).get("cohorts").json()["items"] == []


def test_a_trainer_of_the_organisation_can_train_in_another_of_its_programmes(
    world: World,
) -> None:
    sibling = Programme.objects.create(
        organisation=world.programme_a.organisation, code="prog-a2", name="Programme A2",
        country="PE", regions=["PE-PIU"], currency="PEN", time_zone="America/Lima",
        start_date=dt.date(2025, 1, 1), end_date=dt.date(2027, 12, 31),
    )  # fmt: skip
    Membership.objects.create(user=world.manager, programme=sibling, role="manager")
    resp = ApiClient(world.manager).post(
        f"programmes/{sibling.pk}/trainers", {"user_id": world.trainer.pk}
    )
    assert resp.status_code == 201
    assert Membership.objects.filter(user=world.trainer, programme=sibling, role="trainer").exists()


def _invite_trainer(world: World, phone: str) -> Any:
    return ApiClient(world.manager).post(
        f"programmes/{world.programme_a.pk}/trainer-invitations", {"phone": phone}
    )


def test_a_trainer_is_invited_by_phone_and_trains_only_after_saying_yes(
    world: World, sms_file: Any
) -> None:
    assert _invite_trainer(world, "+51987654321").json() == {
        "phone": "+51987654321",
        "status": "invited",
    }
    person = User.objects.get(phone="+51987654321")
    consent(person, world.notice)
    assert not Membership.objects.filter(user=person).exists()
    api = ApiClient(person)
    [invitation] = api.get("me/invitations").json()
    assert (invitation["role"], invitation["programme_id"]) == ("trainer", world.programme_a.pk)
    assert api.get("cohorts").json()["items"] == []
    assert api.post(f"me/invitations/{invitation['id']}/accept").status_code == 200
    assert Membership.objects.filter(
        user=person, programme=world.programme_a, role="trainer"
    ).exists()
    assert not Membership.objects.filter(user=person, role="participant").exists()
    assert read_sms(sms_file)[-1]["to"] == "+51987654321"


def test_a_donor_viewer_is_never_invited_to_train(world: World, sms_file: Any) -> None:
    world.donor.phone = "+51987654322"
    world.donor.save()
    assert _invite_trainer(world, "+51987654322").json() == {
        "phone": "+51987654322",
        "status": "invited",
    }
    assert not Invitation.objects.filter(user=world.donor).exists()
    assert read_sms(sms_file) == []
    # An invitation made before they became a donor viewer cannot be accepted either.
    invitation = Invitation.objects.create(
        user=world.donor, programme=world.programme_a, role="trainer"
    )
    consent(world.donor, world.notice)
    resp = ApiClient(world.donor).post(f"me/invitations/{invitation.pk}/accept")
    assert resp.status_code == 409
    assert not Membership.objects.filter(user=world.donor).exists()
