"""The change sequence that makes sync's `timestamp` safe.

A client pulls, gets timestamp T, and next time asks for changes after T. That is only correct
if no change can ever commit later with a number at or below T. Wall clocks cannot promise
that; neither can a plain database sequence, because two transactions can take 5 and 6 and
commit in the order 6, 5: a client that pulled between the two commits was given 6 and would
never see 5.

So every writing transaction takes its number with
``UPDATE sync_changecounter SET value = value + 1 ... RETURNING value``. The row lock that
UPDATE takes is held until the transaction ends, so a second writer waits at that statement
until the first commits (or rolls back): numbers are handed out and committed strictly in
order. A pull reads the counter's committed value first (T) and then returns only rows with
numbers at or below T, all of which are already committed and visible. Rows with numbers above
T reach the client on its next pull. On SQLite, where every write transaction already holds
the single database write lock from BEGIN IMMEDIATE, the same statement gives the same order.

The cost is that writes to syncable tables are serialised at the counter for the rest of their
transaction; services keep those transactions short.
"""

import datetime as dt
import secrets
import string
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from .creations import prune
from .models import ChangeCounter, Tombstone

_ID_ALPHABET = string.ascii_letters + string.digits


def new_sync_id() -> str:
    """A wire id for a row the server creates, shaped like the app's own (16 random chars)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


def next_seq() -> int:
    """The next change number, owned by the current transaction (which must be atomic)."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_seq() must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sync_changecounter SET value = value + 1 WHERE id = 1 RETURNING value"
        )
        row = cursor.fetchone()
    if row is None:  # the counter row is made by the initial migration; this is a safety net
        ChangeCounter.objects.create(pk=1, value=1)
        return 1
    return int(row[0])


def current_seq() -> int:
    """The highest committed change number (the `timestamp` a pull hands out)."""
    value = ChangeCounter.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(value or 0)


def pruned_through() -> int:
    value = ChangeCounter.objects.filter(pk=1).values_list("pruned_through", flat=True).first()
    return int(value or 0)


def record_deletions(gone: Iterable[tuple[str, str, int]], *, seq: int) -> None:
    """Tombstones for (table, record id, user id) triples, in one statement under one change
    number: the devices of each user drop the record on their next pull."""
    Tombstone.objects.bulk_create(
        Tombstone(table=table, record_id=record_id, seq=seq, user_id_scope=user_id)
        for table, record_id, user_id in gone
    )


@transaction.atomic
def prune_tombstones(*, older_than_days: int) -> int:
    """Deletes old tombstones; clients that last pulled before them must reset."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    old = Tombstone.objects.filter(deleted_at__lt=cutoff)
    highest = old.order_by("-seq").values_list("seq", flat=True).first()
    if highest is None:
        return 0
    count, _ = old.delete()
    prune(highest)
    ChangeCounter.objects.filter(pk=1, pruned_through__lt=highest).update(pruned_through=highest)
    return count
