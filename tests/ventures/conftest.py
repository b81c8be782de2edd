import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from backend.ventures import services
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

START = dt.date(2025, 1, 1)


def make_venture(owner: Any, programme: Any, name: str = "Arepas Doña Ana") -> Venture:
    return services.create_venture(
        owner=owner, programme_id=programme.pk, name=name, sector="I", started_on=START
    )


def record(venture: Venture, entry_id: str, amount: str = "10.00", **kw: Any) -> LedgerEntry:
    data = services.EntryInput(
        id=entry_id,
        kind=kw.pop("kind", "sale"),
        amount=Decimal(amount),
        occurred_on=kw.pop("occurred_on", dt.date(2025, 6, 2)),
        payment_method=kw.pop("payment_method", "cash"),
        **kw,
    )
    entry, _created = services.record_entry(venture=venture, actor=venture.owner, data=data)
    return entry


@pytest.fixture
def venture_a(world: World) -> Venture:
    return make_venture(world.participant_a, world.programme_a)


@pytest.fixture
def venture_other(world: World) -> Venture:
    return make_venture(world.participant_other, world.programme_b, name="Tienda Bogotá")
