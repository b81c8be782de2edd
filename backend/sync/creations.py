"""Which changed records a pull sends as `created` and which as `updated`.

WatermelonDB logs an error for a `created` record the device already has and for an `updated`
one it does not have, so a pull must tell them apart. A device whose last pull was at T holds a
record unless it appeared after T: it was created after T, or it entered that person's view
after T (a participant enrolled in a cohort receives the cohort). Each appearance is a
`Creation` row with its own change number; a record pushed by the device itself carries the
device's key and does not count for that device, which already holds it.
"""

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save

from backend.accounts.models import User

from .models import Creation

# The device a push comes from, while its records are written.
_origin: ContextVar[str] = ContextVar("sync_push_origin", default="")


def device_key(session_key: str | None) -> str:
    """A device's key: a hash of its session (the session key itself is never stored)."""
    if not session_key:
        return ""
    return hashlib.sha256(f"sync-device:{session_key}".encode()).hexdigest()[:32]


@contextlib.contextmanager
def pushing_from(origin: str) -> Iterator[None]:
    token = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(token)


def record(table: str, record_ids: Iterable[str], *, seq: int, user_id: int | None = None) -> None:
    """New records, visible to whoever may see them, or only to ``user_id`` for tables whose
    ids are unique per person (one statement for all)."""
    origin = _origin.get()
    Creation.objects.bulk_create(
        Creation(table=table, record_id=str(i), seq=seq, origin=origin, user_id_scope=user_id)
        for i in record_ids
    )


def record_appeared(appeared: Iterable[tuple[str, str, int]], *, seq: int) -> None:
    """(table, record id, user id) triples: records that entered those people's view."""
    Creation.objects.bulk_create(
        Creation(table=table, record_id=record_id, seq=seq, user_id_scope=user_id)
        for table, record_id, user_id in appeared
    )


def rename(table: str, old_id: str, new_id: str, *, user_id: int | None = None) -> None:
    """A record whose wire id was set after it was saved (a venture takes the app's id);
    ``user_id``: the owner its creation was recorded for (ids unique per owner)."""
    Creation.objects.filter(table=table, record_id=old_id, user_id_scope=user_id).update(
        record_id=new_id
    )


def appeared_after(
    table: str,
    record_ids: list[str],
    *,
    since: int,
    until: int,
    user: User,
    origin: str,
    left: dict[str, int],
) -> set[str]:
    """Which of ``record_ids`` (changed after ``since``) the device cannot hold.

    ``left`` holds the first tombstone after ``since`` of records that left the user's view
    and came back: the device still held such a record when it left, unless it appeared
    (again) before leaving.
    """
    if not record_ids:
        return set()
    rows = Creation.objects.filter(
        Q(user_id_scope__isnull=True) | Q(user_id_scope=user.pk),
        table=table,
        record_id__in=record_ids,
        seq__gt=since,
        seq__lte=until,
    )
    if origin:
        rows = rows.exclude(origin=origin)
    first: dict[str, int] = {}
    for record_id, seq in rows.values_list("record_id", "seq"):
        first[record_id] = min(seq, first.get(record_id, seq))
    return {i for i, seq in first.items() if i not in left or seq < left[i]}


def prune(through: int) -> None:
    """Appearances at or below the pruned number: every device that could need them resets."""
    Creation.objects.filter(seq__lte=through).delete()


def connect(tables: dict[str, Any]) -> None:
    """Records the creation of every row of the declared tables saved one by one (services,
    admin), for its owner alone where the table's ids are unique per owner (``owner_field``);
    batches written with bulk_create call ``record`` themselves, likewise scoped."""
    for table in tables.values():
        model = getattr(table, "model", None)
        if model is None:
            continue

        def saved(sender: Any, instance: Any, created: bool, table: Any = table, **_: Any) -> None:
            seq = getattr(instance, "changed_seq", None)
            if created and seq is not None:
                record(
                    table.name,
                    [table.record_id(instance)],
                    seq=seq,
                    user_id=table.owner_of(instance),
                )

        post_save.connect(
            saved, sender=model, weak=False, dispatch_uid=f"sync_created_{table.name}"
        )
