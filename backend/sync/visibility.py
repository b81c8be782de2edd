"""Rows that leave a user's view without being deleted or voided reach their devices as deleted.

A pull sends what changed after the device's last pull; a row the user may no longer see does
not change, so on its own it would stay on the device for good. An app whose rules take rows
out of someone's view (a trainer taken off a cohort, an enrollment removed) wraps that change
in a VisibilityWatch: it notes which rows of the given tables the given users see before, and
afterwards leaves a tombstone, scoped to each user, for every row they no longer see. The
rules themselves stay where they are, in the tables' ``rows()``.
"""

from collections.abc import Iterable

from django.db import transaction

from backend.accounts.models import User

from .changes import next_seq, record_deletions
from .creations import record_appeared
from .registry import SyncTable, tables


def _visible_ids(table: SyncTable, user: User) -> set[str]:
    return {str(i) for i in table.rows(user).values_list(table.id_field, flat=True)}


class VisibilityWatch:
    def __init__(self, user_ids: Iterable[int], table_names: Iterable[str]) -> None:
        self.users = list(User.objects.filter(pk__in=set(user_ids)))
        self.tables = [tables()[name] for name in table_names]
        self.before = {
            (user.pk, table.name): _visible_ids(table, user)
            for user in self.users
            for table in self.tables
        }

    def close(self) -> int:
        """Leaves a tombstone for every row that left a user's view and an appearance for
        every row that entered it (one change number for all); returns how many rows left."""
        gone, appeared = [], []
        for user in self.users:
            for table in self.tables:
                before, after = self.before[user.pk, table.name], _visible_ids(table, user)
                gone += [(table.name, i, user.pk) for i in sorted(before - after)]
                appeared += [(table.name, i, user.pk) for i in sorted(after - before)]
        if gone or appeared:
            with transaction.atomic():
                seq = next_seq()
                record_deletions(gone, seq=seq)
                record_appeared(appeared, seq=seq)
        return len(gone)


def record_gone(gone: list[tuple[str, str, int]]) -> None:
    """Tombstones for (table, record id, user id) triples, under a change number of their own."""
    with transaction.atomic():
        record_deletions(gone, seq=next_seq())
