"""Export of everything kept about a person, and erasure of their identity."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from backend.accounts.models import AuditEvent, ErasureRequest, User
from backend.programmes.models import Membership
from tests.conftest import ApiClient, World

MARKER = "zqxmarker"
MARKER_PHONE = "+51987123456"


def fill_with_markers(api: ApiClient, user: User) -> None:
    User.objects.filter(pk=user.pk).update(email=f"{MARKER}@example.org", phone=MARKER_PHONE)
    resp = api.patch(
        "me",
        {
            "profile": {
                "display_name": f"{MARKER} name",
                "gender_identity": f"{MARKER} gender",
                "nationality": "VE",
                "sex": "female",
                "birth_year": 1991,
                "country": "PE",
                "region": "PE-TAC",
                "id_document_type": "pe_cpp",
                "id_document_expiry": "2027-05-01",
            }
        },
    )
    assert resp.status_code == 200, resp.content


def text_columns_containing(needle: str) -> list[str]:
    hits = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                lookup = f"{field.attname}__icontains"
                try:
                    found = model._default_manager.filter(**{lookup: needle}).exists()
                except Exception:  # a JSON field on a backend that cannot search it as text
                    found = any(
                        needle in str(v)
                        for v in model._default_manager.values_list(field.attname, flat=True)
                    )
                if found:
                    hits.append(f"{model._meta.label}.{field.name}")
    return hits


def files_containing(needle: bytes) -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    if not root.exists():
        return []
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_export_contains_account_profile_consent_and_memberships(world: World) -> None:
    api = ApiClient(world.participant_a)
    fill_with_markers(api, world.participant_a)
    data = api.get("me/export").json()
    assert data["account"]["phone"] == MARKER_PHONE
    assert data["profile"]["display_name"] == f"{MARKER} name"
    assert data["consents"][0]["notice_version"] == "test-1"
    assert data["memberships"] == [
        {
            "programme": world.programme_a.name,
            "role": "participant",
            "since": data["memberships"][0]["since"],
        }
    ]


def test_erasure_wipes_every_personal_field_and_keeps_aggregates(
    world: World, tmp_path: Any
) -> None:
    api = ApiClient(world.participant_a)
    fill_with_markers(api, world.participant_a)
    ApiClient(world.manager).get(
        f"programmes/{world.programme_a.pk}/participants/{world.participant_a.pk}"
    )
    participants_before = Membership.objects.filter(
        programme=world.programme_a, role="participant"
    ).count()
    assert text_columns_containing(MARKER), "the markers are there before erasure"

    request_id = api.post("me/erasure").json()["id"]
    resp = api.post(f"me/erasure/{request_id}/confirm", {"confirm": True})
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "confirmed"

    assert text_columns_containing(MARKER) == []
    assert text_columns_containing("987123456") == []
    assert files_containing(MARKER.encode()) == []
    user = User.objects.get(pk=world.participant_a.pk)
    assert (user.is_active, user.email, user.phone, user.has_usable_password()) == (
        False,
        None,
        None,
        False,
    )
    assert (
        Membership.objects.filter(programme=world.programme_a, role="participant").count()
        == participants_before
    )
    assert ErasureRequest.objects.get(pk=request_id).status == "done"
    assert api.get("me").status_code == 401  # every session and token ended


def test_erasure_needs_explicit_confirmation(world: World) -> None:
    api = ApiClient(world.participant_a)
    request_id = api.post("me/erasure").json()["id"]
    resp = api.post(f"me/erasure/{request_id}/confirm", {"confirm": False})
    assert resp.status_code == 422
    assert User.objects.get(pk=world.participant_a.pk).is_active


def test_managers_see_pending_requests_with_due_dates(world: World) -> None:
    ApiClient(world.participant_b).post("me/erasure")
    rows = (
        ApiClient(world.manager).get(f"programmes/{world.programme_a.pk}/erasure-requests").json()
    )
    assert rows["count"] == 1
    item = rows["items"][0]
    assert item["status"] == "pending"
    assert item["due_at"]
    assert item["overdue"] is False
    other = (
        ApiClient(world.other_manager)
        .get(f"programmes/{world.programme_b.pk}/erasure-requests")
        .json()
    )
    assert other["count"] == 0


def test_staff_reads_of_personal_data_are_audited(world: World) -> None:
    manager = ApiClient(world.manager)
    manager.get(f"programmes/{world.programme_a.pk}/participants")
    manager.get(f"programmes/{world.programme_a.pk}/participants/{world.participant_b.pk}")
    events = list(AuditEvent.objects.order_by("id").values_list("actor_id", "action", "subject_id"))
    assert events == [
        (world.manager.pk, "participant.list", None),
        (world.manager.pk, "participant.view", world.participant_b.pk),
    ]
    ApiClient(world.participant_b).get("me")
    assert AuditEvent.objects.count() == 2  # a person reading their own data is not audited
