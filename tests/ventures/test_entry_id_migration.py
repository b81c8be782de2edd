"""Migration 0008 (entry ids unique per owner) keeps every row, id and figure.

The ledger is built through the services, the schema is taken back to the client id as the
primary key, then forward again: each entry keeps its id, venture, owner, figures, void and
receipt, the rollups still agree with the ledger, the phone and REST see the same entries,
the guard still holds, and a new entry gets a key after every old one.
"""

import datetime as dt
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from backend.ventures import services
from backend.ventures.models import LedgerEntry, Venture, VentureDay, VentureMonth
from tests.conftest import ApiClient, World
from tests.ventures.conftest import make_venture, record

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = ("ventures", "0007_merge_0004_sync_id_per_owner_0006_admin_column_names")
AFTER = ("ventures", "0008_entry_id_per_owner")
guard = import_module("backend.ventures.migrations.0008_entry_id_per_owner")


def migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


def rollups() -> list[Any]:
    days = VentureDay.objects.order_by("venture_id", "day").values_list()
    months = VentureMonth.objects.order_by("venture_id", "month").values_list()
    return [list(days), list(months)]


def ledger() -> list[tuple[Any, ...]]:
    return list(
        LedgerEntry.objects.order_by("sync_id").values_list(
            "sync_id", "venture_id", "kind", "amount", "occurred_on", "payment_method",
            "receipt", "recorded_by_id", "received_at", "voided_at", "changed_seq",
        )
    )  # fmt: skip


def wire(world: World, ventures: list[Venture]) -> list[Any]:
    out = []
    for user, venture in zip((world.participant_a, world.participant_b), ventures, strict=True):
        api = ApiClient(user)
        out.append(api.get(f"ventures/{venture.pk}/entries").json()["results"])
        out.append(api.get("sync/pull", schema_version=1).json()["changes"]["ledger_entries"])
    return out


def _wipe_ledger() -> None:
    """The test database is emptied after the test; the guard refuses deleting entries."""

    class Editor:
        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

        @property
        def connection(self) -> Any:
            return connection

    guard.drop_new_guard(None, Editor())
    LedgerEntry.objects.all().delete()
    guard.add_new_guard(None, Editor())


def test_the_migration_keeps_every_entry_and_figure(world: World) -> None:
    arepas = make_venture(world.participant_a, world.programme_a, "Arepas")
    cachapas = make_venture(world.participant_b, world.programme_a, "Cachapas")
    try:
        for i in range(6):
            record(arepas, f"ana{i:02d}", f"{10 + i}.50", occurred_on=dt.date(2025, 5, 1 + i))
        record(arepas, "credit01", "40.00", payment_method="customer_credit")
        record(arepas, "repay001", "15.00", kind="repayment")
        record(cachapas, "7", "99.00")  # a short id that a renumbered key could meet
        record(cachapas, "beto01", "8.00", kind="expense", category="rent")
        services.void_entry(actor=world.participant_a, entry_id="ana03", reason="typo")
        LedgerEntry.objects.filter(sync_id="ana04").update(receipt="receipts/x.jpg")
        before = (ledger(), rollups(), wire(world, [arepas, cachapas]))

        old = migrate(BEFORE)
        OldEntry = old.get_model("ventures", "LedgerEntry")
        assert sorted(OldEntry.objects.values_list("pk", flat=True)) == sorted(
            r[0] for r in before[0]
        )
        migrate(AFTER)

        assert (ledger(), rollups(), wire(world, [arepas, cachapas])) == before
        assert services.rebuild_rollups() == 0
        owners = dict(LedgerEntry.objects.values_list("sync_id", "owner_id"))
        assert {owners["7"], owners["beto01"]} == {world.participant_b.pk}
        assert {v for k, v in owners.items() if k not in {"7", "beto01"}} == {
            world.participant_a.pk
        }
        # The new keys follow the order the entries arrived in; a new one comes after them.
        keys = list(LedgerEntry.objects.order_by("received_at", "sync_id").values_list("pk"))
        assert keys == sorted(keys)
        newest = record(cachapas, "ana00", "5.00")  # Ana's id, Beto's own entry now
        assert newest.pk > max(k for (k,) in keys)
        with pytest.raises((IntegrityError, DatabaseError)):
            LedgerEntry.objects.filter(pk=newest.pk).update(amount=Decimal("1.00"))
        assert LedgerEntry.objects.get(pk=newest.pk).amount == Decimal("5.00")
    finally:
        migrate(AFTER)
        _wipe_ledger()


def test_going_back_is_refused_once_two_owners_share_an_id(world: World) -> None:
    arepas = make_venture(world.participant_a, world.programme_a, "Arepas")
    cachapas = make_venture(world.participant_b, world.programme_a, "Cachapas")
    try:
        record(arepas, "same0001")
        record(cachapas, "same0001")
        with pytest.raises(RuntimeError, match="same0001"):
            migrate(BEFORE)
        assert LedgerEntry.objects.filter(sync_id="same0001").count() == 2
    finally:
        migrate(AFTER)
        _wipe_ledger()
