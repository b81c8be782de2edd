"""Objects the ventures access rows name: a venture of participant A with one sale."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from backend.ventures import services
from backend.ventures.models import Venture
from tests.conftest import World


def build(world: World) -> dict[str, object]:
    venture = Venture.objects.create(
        owner=world.participant_a, programme=world.programme_a, name="Access table venture",
        sector="G", country="PE", currency="PEN", started_on=dt.date(2025, 1, 1),
    )  # fmt: skip
    entry, _new = services.record_entry(
        venture=venture,
        actor=world.participant_a,
        data=services.EntryInput(
            id="access-entry-a",
            kind="sale",
            amount=Decimal("5.00"),
            occurred_on=dt.date(2025, 6, 2),
            payment_method="cash",
        ),
    )
    # Entry URLs name the entry by the client's id, not the table's key.
    return {"venture_a": venture, "entry_a": SimpleNamespace(pk=entry.sync_id)}
