"""Entry ids are scoped to their owner: another person's id works like a fresh one.

The phones choose the ids; were they unique across everyone, a 409 would tell anyone which ids
exist, and anyone could take the id someone else's phone is about to send.
"""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from backend.ventures.models import LedgerEntry, Venture, VentureMonth
from tests.conftest import ApiClient, World
from tests.ventures.conftest import make_venture

pytestmark = pytest.mark.django_db
SHARED = "wmdb00000000shrd"


def sale(entry_id: str, amount: str = "12.50") -> dict[str, Any]:
    return {
        "id": entry_id,
        "kind": "sale",
        "amount": amount,
        "occurred_on": "2025-06-02",
        "payment_method": "cash",
    }


@pytest.fixture
def two(world: World) -> tuple[Venture, Venture]:
    return (
        make_venture(world.participant_a, world.programme_a, "Arepas"),
        make_venture(world.participant_b, world.programme_a, "Cachapas"),
    )


def post(user: Any, venture: Venture, body: dict[str, Any]) -> Any:
    return ApiClient(user).post(f"ventures/{venture.pk}/entries", body)


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in {"received_at", "venture_id"}}


def test_an_entry_under_another_persons_id_is_her_own_entry(
    world: World, two: tuple[Venture, Venture]
) -> None:
    arepas, cachapas = two
    assert post(world.participant_a, arepas, sale(SHARED)).status_code == 201
    fresh = post(world.participant_b, cachapas, sale("wmdb00000000frsh", "30.00"))
    taken = post(world.participant_b, cachapas, sale(SHARED, "30.00"))
    assert (taken.status_code, without_times(taken.json())) == (
        fresh.status_code,
        {**without_times(fresh.json()), "id": SHARED},
    )
    assert {(e.owner_id, e.venture_id, str(e.amount)) for e in LedgerEntry.objects.all()} == {
        (world.participant_a.pk, arepas.pk, "12.50"),
        (world.participant_b.pk, cachapas.pk, "30.00"),
        (world.participant_b.pk, cachapas.pk, "30.00"),
    }
    # Each reads only her own, and each venture's figures count its own entries.
    for user, venture, want in (
        (world.participant_a, arepas, [(SHARED, "12.50")]),
        (world.participant_b, cachapas, [("wmdb00000000frsh", "30.00"), (SHARED, "30.00")]),
    ):
        listed = ApiClient(user).get(f"ventures/{venture.pk}/entries").json()["results"]
        assert sorted((e["id"], e["amount"]) for e in listed) == sorted(want)
    assert VentureMonth.objects.get(venture=arepas).sales == Decimal("12.50")
    assert VentureMonth.objects.get(venture=cachapas).sales == Decimal("60.00")


def test_retries_are_judged_among_her_own_entries(
    world: World, two: tuple[Venture, Venture]
) -> None:
    arepas, cachapas = two
    assert post(world.participant_a, arepas, sale(SHARED)).status_code == 201
    assert post(world.participant_b, cachapas, sale(SHARED, "30.00")).status_code == 201
    retry = post(world.participant_b, cachapas, sale(SHARED, "30.00"))
    assert (retry.status_code, retry.json()["amount"]) == (200, "30.00")
    changed = post(world.participant_b, cachapas, sale(SHARED, "31.00"))
    assert (changed.status_code, changed.json()["error"]["code"]) == (409, "id_conflict")
    # Ana's own retry still finds hers, untouched by Beto's.
    again = post(world.participant_a, arepas, sale(SHARED))
    assert (again.status_code, again.json()["amount"]) == (200, "12.50")
    assert LedgerEntry.objects.count() == 2


def test_a_void_under_a_shared_id_voids_her_own_only(
    world: World, two: tuple[Venture, Venture]
) -> None:
    arepas, cachapas = two
    assert post(world.participant_a, arepas, sale(SHARED)).status_code == 201
    beto = ApiClient(world.participant_b)
    # An id only someone else has answers exactly like an id no one has.
    missing = beto.post("entries/nobody00000000000/void", {"reason": "x"})
    theirs = beto.post(f"entries/{SHARED}/void", {"reason": "x"})
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code == 404
    assert post(world.participant_b, cachapas, sale(SHARED, "30.00")).status_code == 201
    voided = beto.post(f"entries/{SHARED}/void", {"reason": "typo"})
    assert (voided.status_code, voided.json()["amount"]) == (200, "30.00")
    assert LedgerEntry.objects.get(owner=world.participant_a).voided_at is None
    assert LedgerEntry.objects.get(owner=world.participant_b).voided_at is not None
    assert VentureMonth.objects.get(venture=arepas).sales == Decimal("12.50")
    assert VentureMonth.objects.get(venture=cachapas).sales == Decimal("0.00")


def _jpeg(color: str) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG")
    out.seek(0)
    out.name = "r.jpg"
    return out


def test_receipts_under_a_shared_id_stay_apart(
    world: World, two: tuple[Venture, Venture], tmp_path: Path, settings: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    arepas, cachapas = two
    ana, beto = ApiClient(world.participant_a), ApiClient(world.participant_b)

    def attach(api: ApiClient, color: str) -> Any:
        return api.client.post(
            f"/api/v1/entries/{SHARED}/receipt",
            {"file": _jpeg(color)},
            headers={"X-Session-Token": api.token or ""},
        )

    assert post(world.participant_a, arepas, sale(SHARED)).status_code == 201
    assert attach(ana, "red").status_code == 200
    # Beto has no entry under that id: the same 404 as for any id, and nothing to read.
    assert attach(beto, "blue").status_code == 404
    assert beto.get(f"entries/{SHARED}/receipt").status_code == 404
    assert post(world.participant_b, cachapas, sale(SHARED, "30.00")).status_code == 201
    assert attach(beto, "blue").status_code == 200
    reds = {}
    for api in (ana, beto):
        served = api.get(f"entries/{SHARED}/receipt")
        assert served.status_code == 200
        with Image.open(io.BytesIO(served.content)) as img:
            reds[api] = img.convert("RGB").getpixel((20, 15))[0] > 128
    assert (reds[ana], reds[beto]) == (True, False)
    # The manager oversees both: the venture tells them apart.
    manager = ApiClient(world.manager)
    ambiguous = manager.get(f"entries/{SHARED}/receipt")
    assert ambiguous.status_code == 422
    assert ambiguous.json()["error"]["fields"][0]["loc"] == ["query", "venture_id"]
    for venture, red in ((arepas, True), (cachapas, False)):
        served = manager.get(f"entries/{SHARED}/receipt", venture_id=venture.pk)
        assert served.status_code == 200
        with Image.open(io.BytesIO(served.content)) as img:
            assert (img.convert("RGB").getpixel((20, 15))[0] > 128) is red
