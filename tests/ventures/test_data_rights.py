from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from backend.accounts import services as account_services
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World
from tests.ventures.conftest import record
from tests.ventures.test_receipts_api import media  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_export_carries_ventures_and_entries(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1", note="cliente fiel")
    data = account_services.export_user_data(world.participant_a)["ventures"]
    assert data["ventures"][0]["name"] == "Arepas Doña Ana"
    assert data["entries"][0] | {"note": "cliente fiel", "amount": "10.00"} == data["entries"][0]


def test_erasure_wipes_notes_and_receipts_but_keeps_amounts(
    world: World, venture_a: Venture, django_capture_on_commit_callbacks: Any
) -> None:
    record(venture_a, "e1", note="Señora Carmen, mercado central")
    name = default_storage.save("receipts/x.jpg", ContentFile(b"jpeg"))
    LedgerEntry.objects.filter(sync_id="e1").update(receipt=name)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.erase_identity(user=world.participant_a)
    entry = LedgerEntry.objects.get(sync_id="e1")
    assert (entry.note, entry.receipt.name, entry.amount) == ("", "", 10)
    assert not default_storage.exists(name)
    assert Venture.objects.get().name != "Arepas Doña Ana"
