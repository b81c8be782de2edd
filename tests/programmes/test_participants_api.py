from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import ParticipantProfile, User
from backend.programmes.models import Invitation, Membership
from tests.conftest import ApiClient, World, read_sms


def test_manager_lists_exactly_the_participants_of_the_programme(world: World) -> None:
    body = ApiClient(world.manager).get(f"programmes/{world.programme_a.pk}/participants").json()
    assert sorted(item["id"] for item in body["items"]) == sorted(
        [world.participant_a.pk, world.participant_b.pk]
    )
    assert body["count"] == 2
    assert all(item["has_consent"] for item in body["items"])


def test_search_by_name_and_phone(world: World) -> None:
    api = ApiClient(world.manager)
    url = f"programmes/{world.programme_a.pk}/participants"
    assert [i["id"] for i in api.get(url, q="Participant B").json()["items"]] == [
        world.participant_b.pk
    ]
    assert [i["id"] for i in api.get(url, q="000101").json()["items"]] == [world.participant_a.pk]


def test_page_size_is_bounded(world: World) -> None:
    resp = ApiClient(world.manager).get(
        f"programmes/{world.programme_a.pk}/participants", limit=1000
    )
    assert resp.status_code == 422


def test_list_runs_a_fixed_number_of_queries(world: World) -> None:
    for n in range(30):
        user = User.objects.create_user(phone=f"+5198700{n:04d}")
        Membership.objects.create(user=user, programme=world.programme_a, role="participant")
        ParticipantProfile.objects.create(user=user, display_name=f"P{n}")
    api = ApiClient(world.manager)
    url = f"programmes/{world.programme_a.pk}/participants"
    with CaptureQueriesContext(connection) as small:
        assert len(api.get(url, limit=2).json()["items"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(url, limit=30).json()["items"]) == 30
    assert len(large) == len(small)


def test_invite_by_phone_creates_a_pending_invitation_and_texts_them(
    world: World, sms_file: Any
) -> None:
    api = ApiClient(world.manager)
    resp = api.post(f"programmes/{world.programme_a.pk}/participants", {"phone": "+51987654000"})
    assert resp.status_code == 202
    user = User.objects.get(phone="+51987654000")
    assert Invitation.objects.get(user=user, programme=world.programme_a).pending
    assert not Membership.objects.filter(user=user, programme=world.programme_a).exists()
    assert read_sms(sms_file)[-1]["to"] == "+51987654000"
    again = api.post(f"programmes/{world.programme_a.pk}/participants", {"phone": "+51987654000"})
    assert again.status_code == 202
    assert again.json() == resp.json()
    assert len(read_sms(sms_file)) == 1


def test_invite_with_a_bad_phone_is_refused(world: World, sms_file: Any) -> None:
    resp = ApiClient(world.manager).post(
        f"programmes/{world.programme_a.pk}/participants", {"phone": "12345"}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "phone"]
    assert read_sms(sms_file) == []


def test_programmes_list_shows_my_roles(world: World) -> None:
    rows = ApiClient(world.donor).get("programmes").json()
    assert [(r["id"], r["my_roles"]) for r in rows] == [(world.programme_a.pk, ["donor_viewer"])]
    rows = ApiClient(world.trainer).get("programmes").json()
    assert [(r["id"], r["my_roles"]) for r in rows] == [(world.programme_a.pk, ["trainer"])]
    assert len(ApiClient(world.admin).get("programmes").json()) == 2


def test_manager_without_totp_sees_no_data(world: World) -> None:
    world.manager.authenticator_set.all().delete()
    resp = ApiClient(world.manager).get(f"programmes/{world.programme_a.pk}/participants")
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "mfa_required"


def test_portal_sends_manager_without_totp_to_setup(world: World, client: Any) -> None:
    world.manager.authenticator_set.all().delete()
    client.force_login(world.manager)
    resp = client.get(f"/programmes/{world.programme_a.pk}/participants/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/2fa/totp/activate")


def test_portal_participant_list_is_404_for_other_managers(world: World, client: Any) -> None:
    client.force_login(world.other_manager)
    assert client.get(f"/programmes/{world.programme_a.pk}/participants/").status_code == 404
    client.force_login(world.manager)
    page = client.get(f"/programmes/{world.programme_a.pk}/participants/")
    assert page.status_code == 200
    assert "Participant A" in page.content.decode()
