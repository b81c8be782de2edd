from typing import Any

from backend.accounts.models import Consent, ParticipantProfile, User
from tests.conftest import ApiClient, World, make_user


def test_participant_fills_profile_and_reads_it_back(world: World) -> None:
    api = ApiClient(world.participant_a)
    resp = api.patch(
        "me",
        {
            "profile": {
                "display_name": "Ana Pérez",
                "sex": "female",
                "birth_year": 1990,
                "nationality": "VE",
                "population_group": "refugee_migrant",
                "country": "PE",
                "region": "PE-PIU",
                "wg_walking": "a_lot_of_difficulty",
                "id_document_type": "pe_cpp",
                "id_document_expiry": "2027-03-17",
            }
        },
    )
    assert resp.status_code == 200, resp.content
    profile = resp.json()["profile"]
    assert profile["region"] == "PE-PIU"
    assert profile["has_disability"] is True
    assert profile["id_document_expiry"] == "2027-03-01"  # only the month is kept
    assert profile["education_level"] is None  # not asked is not the same as "prefer not to say"
    assert ParticipantProfile.objects.get(user=world.participant_a).birth_year == 1990


def test_prefer_not_to_say_is_accepted_everywhere(world: World) -> None:
    fields = [
        "sex",
        "population_group",
        "wg_seeing",
        "education_level",
        "id_document_type",
        "nationality",
    ]
    resp = ApiClient(world.participant_a).patch(
        "me", {"profile": dict.fromkeys(fields, "prefer_not_to_say")}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["profile"]["has_disability"] is None


def test_region_must_belong_to_the_country(world: World) -> None:
    resp = ApiClient(world.participant_a).patch(
        "me", {"profile": {"country": "PE", "region": "CO-DC"}}
    )
    assert resp.status_code == 422
    fields = resp.json()["error"]["fields"]
    assert fields == [
        {
            "loc": ["body", "profile", "region"],
            "message": "Esta región no está en el país de residencia.",
        }
    ]
    assert ParticipantProfile.objects.get(user=world.participant_a).region == ""


def test_birth_year_out_of_range_and_bad_codes_are_refused(world: World) -> None:
    api = ApiClient(world.participant_a, language=None)
    resp = api.patch("me", {"profile": {"birth_year": 2024, "nationality": "ZZZ", "sex": "x"}})
    assert resp.status_code == 422
    locs = [f["loc"][-1] for f in resp.json()["error"]["fields"]]
    assert "sex" in locs  # the fixed list is checked first by the schema
    resp = api.patch("me", {"profile": {"birth_year": 2024, "nationality": "ZZ"}})
    assert resp.status_code == 422
    assert {f["loc"][-1] for f in resp.json()["error"]["fields"]} == {"birth_year", "nationality"}


def test_unknown_document_type_is_refused(world: World) -> None:
    resp = ApiClient(world.participant_a).patch(
        "me", {"profile": {"id_document_type": "library_card"}}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"][-1] == "id_document_type"


def test_profile_needs_consent_first(db: Any, world: World) -> None:
    newcomer = make_user(phone="+51987000555")
    resp = ApiClient(newcomer).patch("me", {"profile": {"display_name": "Luis"}})
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "consent_required"
    assert not ParticipantProfile.objects.filter(user=newcomer).exists()


def test_role_and_staff_fields_cannot_be_set_through_me(world: World) -> None:
    api = ApiClient(world.participant_a)
    for body in ({"is_staff": True}, {"roles": ["manager"]}, {"profile": {"programme": 1}}):
        resp = api.patch("me", body)
        assert resp.status_code == 422, body
    user = User.objects.get(pk=world.participant_a.pk)
    assert not user.is_staff
    assert not user.is_superuser
    assert list(user.memberships.values_list("role", flat=True)) == ["participant"]


def test_consent_records_notice_channel_and_purposes(world: World) -> None:
    newcomer = make_user(phone="+51987000556")
    api = ApiClient(newcomer)
    notice = api.get("consent/notice", lang="en").json()
    assert notice["version"] == "test-1"
    assert notice["text"] == "Notice"
    resp = api.post("me/consent", {"notice_version": "test-1", "purposes": ["programme_delivery"]})
    assert resp.status_code == 201
    consent = Consent.objects.get(user=newcomer)
    assert (consent.channel, consent.purposes, consent.notice.version) == (
        "app",
        ["programme_delivery"],
        "test-1",
    )
    assert api.patch("me", {"profile": {"display_name": "Luis"}}).status_code == 200


def test_consent_with_unknown_purpose_or_version_is_refused(world: World) -> None:
    api = ApiClient(make_user(phone="+51987000557"))
    assert (
        api.post("me/consent", {"notice_version": "test-1", "purposes": ["marketing"]}).status_code
        == 422
    )
    assert (
        api.post(
            "me/consent", {"notice_version": "v9", "purposes": ["programme_delivery"]}
        ).status_code
        == 422
    )
    assert not Consent.objects.filter(notice__version="v9").exists()


def test_notice_in_an_unknown_language_is_refused(world: World) -> None:
    resp = ApiClient(None).get("consent/notice", lang="fr")
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["query", "lang"]


def test_withdrawn_consent_blocks_profile_changes(world: World) -> None:
    api = ApiClient(world.participant_a)
    assert api.delete("me/consent").status_code == 204
    assert api.get("me").json()["consent"] is None
    assert api.patch("me", {"profile": {"display_name": "X"}}).status_code == 403
