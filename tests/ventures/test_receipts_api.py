import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import ApiClient, World
from tests.ventures.conftest import record
from tests.ventures.test_images import bomb_png, jpeg_with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def upload(user: Any, path: str, data: bytes, name: str = "r.jpg") -> Any:
    api = ApiClient(user)
    file = io.BytesIO(data)
    file.name = name
    return api.client.post(
        f"/api/v1/{path}", {"file": file}, headers={"X-Session-Token": api.token or ""}
    )


def test_a_receipt_is_cleaned_stored_and_served(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1")
    resp = upload(world.participant_a, "entries/e1/receipt", jpeg_with_everything(), "Ana.jpg")
    assert resp.status_code == 200, resp.content
    assert resp.json()["has_receipt"] is True
    entry = LedgerEntry.objects.get(sync_id="e1")
    assert "Ana" not in entry.receipt.name
    assert entry.receipt.name.startswith("receipts/")
    served = ApiClient(world.participant_a).get("entries/e1/receipt")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"] == 'inline; filename="receipt-e1.jpg"'
    body = served.content
    assert b"xmpmeta" not in body
    assert b"Ayacucho" not in body
    with Image.open(io.BytesIO(body)) as img:
        assert not img.getexif()
    thumb = ApiClient(world.participant_a).get("entries/e1/receipt?thumbnail=true")
    assert thumb.status_code == 200
    assert len(thumb.content) <= len(body)
    assert ApiClient(world.manager).get("entries/e1/receipt").status_code == 200
    for user in (world.participant_b, world.trainer, world.donor, world.other_manager):
        assert ApiClient(user).get("entries/e1/receipt").status_code == 404


def test_bad_receipts_are_refused_and_nothing_is_stored(
    world: World, venture_a: Venture, media: Path
) -> None:
    record(venture_a, "e1")
    html = upload(world.participant_a, "entries/e1/receipt", b"<html>hi</html>", "r.jpg")
    assert html.status_code == 415
    bomb = upload(world.participant_a, "entries/e1/receipt", bomb_png(30_000, 30_000))
    assert bomb.status_code == 422
    assert bomb.json()["error"]["code"] == "too_many_pixels"
    assert not LedgerEntry.objects.get(sync_id="e1").receipt
    assert not any(media.rglob("*.jpg"))


def test_an_oversized_upload_is_413(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1")
    resp = upload(world.participant_a, "entries/e1/receipt", b"\xff\xd8\xff" + b"0" * (10 << 20))
    assert resp.status_code == 413


def test_only_the_owner_attaches_and_only_once(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1")
    data = jpeg_with_everything()
    assert upload(world.participant_b, "entries/e1/receipt", data).status_code == 404
    assert upload(world.manager, "entries/e1/receipt", data).status_code == 403
    assert upload(world.participant_a, "entries/e1/receipt", data).status_code == 200
    assert upload(world.participant_a, "entries/e1/receipt", data).status_code == 409


def test_the_media_is_not_served_by_a_url_of_its_own(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1")
    upload(world.participant_a, "entries/e1/receipt", jpeg_with_everything())
    name = LedgerEntry.objects.get(sync_id="e1").receipt.name
    assert default_storage.exists(name)
    assert Client().get(f"/_private-media/{name}").status_code == 404


def test_a_venture_photo(world: World, venture_a: Venture) -> None:
    resp = upload(world.participant_a, f"ventures/{venture_a.pk}/photo", jpeg_with_everything())
    assert resp.status_code == 200
    assert resp.json()["has_photo"] is True
    photo = ApiClient(world.manager).get(f"ventures/{venture_a.pk}/photo")
    assert photo.status_code == 200
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert ApiClient(world.trainer).get(f"ventures/{venture_a.pk}/photo").status_code == 404


def test_the_upload_looks_its_entry_up_once(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1")
    with CaptureQueriesContext(connection) as ctx:
        resp = upload(world.participant_a, "entries/e1/receipt", jpeg_with_everything())
    assert resp.status_code == 200, resp.content
    assert resp.json()["has_receipt"] is True
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "ventures_ledgerentry"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    # The access check still holds: another person's entry is not found, nothing stored.
    refused = upload(world.participant_b, "entries/e1/receipt", jpeg_with_everything())
    assert refused.status_code == 404
