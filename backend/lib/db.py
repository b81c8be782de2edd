"""Database helpers that do not belong to one app."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def read_snapshot() -> Iterator[None]:
    """A transaction for reads only, which sees one consistent moment of the database.

    On SQLite every transaction of this project begins IMMEDIATE, which takes the database's
    single write lock at BEGIN: a long read (a sync pull of a thousand rows) would make every
    writer and every other such read wait. In WAL mode a DEFERRED transaction reads from one
    snapshot, taken at its first read, without the write lock, so reads here run beside writers
    and beside each other. The block must not write: upgrading a snapshot to a writer fails
    when someone else committed since. On PostgreSQL this is a plain transaction.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    mode = getattr(connection, "transaction_mode", None)
    connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            connection.transaction_mode = mode  # type: ignore[attr-defined]
            yield
    finally:
        connection.transaction_mode = mode  # type: ignore[attr-defined]
