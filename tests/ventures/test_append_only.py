"""The database itself refuses any change to a posted entry but a single void."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World
from tests.ventures.conftest import make_venture, record

pytestmark = pytest.mark.django_db


def refused(fn: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()  # type: ignore[operator]


def test_orm_update_of_each_ledger_field_is_refused(venture_a: Venture, world: World) -> None:
    entry = record(venture_a, "e1")
    other = make_venture(world.participant_a, world.programme_a, name="Second")
    qs = LedgerEntry.objects.filter(pk=entry.pk)
    refused(lambda: qs.update(amount=Decimal("99.00")))
    refused(lambda: qs.update(occurred_on=dt.date(2025, 6, 3)))
    refused(lambda: qs.update(kind="expense"))
    refused(lambda: qs.update(venture=other))
    refused(lambda: qs.update(payment_method="card"))
    entry.refresh_from_db()
    assert (entry.amount, entry.kind, entry.venture_id) == (Decimal("10.00"), "sale", venture_a.pk)


def test_orm_save_of_a_changed_amount_is_refused(venture_a: Venture) -> None:
    entry = record(venture_a, "e1")
    entry.amount = Decimal("1.00")
    refused(entry.save)


def test_delete_is_refused_by_instance_and_queryset(venture_a: Venture) -> None:
    entry = record(venture_a, "e1")
    refused(entry.delete)
    refused(LedgerEntry.objects.all().delete)
    assert LedgerEntry.objects.count() == 1


def test_raw_sql_update_and_delete_are_refused(venture_a: Venture) -> None:
    record(venture_a, "e1")

    def raw(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, ["e1"])

    refused(lambda: raw("UPDATE ventures_ledgerentry SET amount = 1 WHERE sync_id = %s"))
    refused(
        lambda: raw("UPDATE ventures_ledgerentry SET occurred_on = '2025-01-05' WHERE sync_id = %s")
    )
    refused(lambda: raw("DELETE FROM ventures_ledgerentry WHERE sync_id = %s"))
    # The client's id, its owner and the table's key are as fixed as the figures.
    refused(lambda: raw("UPDATE ventures_ledgerentry SET sync_id = 'e2' WHERE sync_id = %s"))
    refused(lambda: raw("UPDATE ventures_ledgerentry SET id = id + 1 WHERE sync_id = %s"))
    refused(
        lambda: raw(
            "UPDATE ventures_ledgerentry SET owner_id = recorded_by_id + 1 WHERE sync_id = %s"
        )
    )
    assert LedgerEntry.objects.get(sync_id="e1").amount == Decimal("10.00")


def test_a_void_is_allowed_once_and_never_undone(venture_a: Venture, world: World) -> None:
    record(venture_a, "e1")
    qs = LedgerEntry.objects.filter(sync_id="e1")
    qs.update(voided_at=timezone.now(), voided_by=world.participant_a, void_reason="typo")
    refused(lambda: qs.update(voided_at=None, voided_by=None))
    refused(lambda: qs.update(voided_at=timezone.now()))
    refused(lambda: qs.update(voided_by=world.participant_b))
    refused(lambda: qs.update(void_reason="another reason"))
    assert qs.get().void_reason == "typo"


def test_notes_can_still_be_wiped(venture_a: Venture) -> None:
    record(venture_a, "e1", note="Señora del 3er piso")
    LedgerEntry.objects.filter(sync_id="e1").update(note="")
    assert LedgerEntry.objects.get(sync_id="e1").note == ""


def test_the_admin_offers_no_change_or_delete(venture_a: Venture, world: World) -> None:
    entry = record(venture_a, "e1")
    client = Client()
    client.force_login(world.admin)
    base = f"/admin/ventures/ledgerentry/{entry.pk}"
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    change = client.post(f"{base}/change/", {"amount": "1.00"})
    assert client.get(f"{base}/change/").status_code == 200  # read-only view
    assert change.status_code == 403
    assert LedgerEntry.objects.get(sync_id="e1").amount == Decimal("10.00")


def test_a_full_save_that_only_voids_is_allowed(venture_a: Venture, world: World) -> None:
    entry = LedgerEntry.objects.get(pk=record(venture_a, "e1").pk)
    entry.voided_at = timezone.now()
    entry.voided_by = world.participant_a
    entry.void_reason = "duplicado"
    entry.save()  # every column is written; only the void ones differ
    assert LedgerEntry.objects.get(sync_id="e1").voided_by == world.participant_a
    entry.void_reason = "otra razón"
    refused(entry.save)
