"""Writers commit ledger entries while a device pulls: each change reaches it exactly once.

This is the consistent-view rule (backend/sync/changes.py): a pull's timestamp T never has a
change committed later with a number at or below T.
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from backend.ventures import services
from backend.ventures.models import Venture
from tests.conftest import World

from .conftest import DAY, Device

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writer transactions (SQLite runs one writer at a time)",
    ),
]

WRITERS, EACH = 4, 25


def test_every_committed_entry_reaches_the_reader_once(world: World, venture_a: Venture) -> None:
    import datetime as dt

    done = threading.Event()
    errors: list[str] = []

    def writer(n: int) -> None:
        try:
            for i in range(EACH):
                services.record_entry(
                    venture=venture_a,
                    actor=world.participant_a,
                    data=services.EntryInput(
                        id=f"w{n}-{i}",
                        kind="sale",
                        amount="1.00",
                        occurred_on=dt.date.fromisoformat(DAY),
                        payment_method="cash",
                    ),
                )
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    device = Device(world.participant_a)
    received: Counter[str] = Counter()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        changes = device.pull()["ledger_entries"]
        received.update(r["id"] for r in changes["created"] + changes["updated"])
    for t in threads:
        t.join()
    done.set()
    changes = device.pull()["ledger_entries"]
    received.update(r["id"] for r in changes["created"] + changes["updated"])
    assert errors == []
    assert len(received) == WRITERS * EACH
    assert set(received.values()) == {1}  # none twice, none missed
