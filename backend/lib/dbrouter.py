"""Reads that may run on the read replica, and only those.

Nothing goes to the replica by guessing. Code that reads a lot and can do with data a few
seconds old (the outcome report's computation, the IATI export) says so with
`with replica_reads():`; every other read, every write, and every read inside a transaction on
the primary (which may be about to see its own fresh write) stays on the primary.

The replica is used only while it is healthy: it answers, it is still a standby, and it is
less than IMPULSA_REPLICA_MAX_LAG seconds behind. Otherwise reads fall back to the primary and
the health endpoint says why (`replica_status`). The state is checked at most every
IMPULSA_REPLICA_CHECK_SECONDS per process, so a report of a thousand queries costs one check.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"

_wanted: ContextVar[bool] = ContextVar("impulsa_replica_reads", default=False)


@dataclass(frozen=True)
class ReplicaStatus:
    ok: bool
    lag_seconds: float | None
    reason: str


_lock = threading.Lock()
_last: tuple[float, ReplicaStatus] | None = None


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _check() -> ReplicaStatus:
    """Asks the replica how far behind it is.

    The standby is current once it has replayed the WAL the primary had written when asked.
    A standby that trails by milliseconds gets up to a second to get there, and the lag is the
    time it took. Only a standby still behind after that is judged by the age of the last
    transaction it replayed. That age alone would be wrong both ways: after an idle hour of the
    primary a current standby's last replayed transaction is an hour old, and a write that just
    arrived would make it look an hour late."""
    replica = connections[REPLICA]
    limit = settings.IMPULSA_REPLICA_MAX_LAG
    try:
        if replica.vendor != "postgresql":
            with replica.cursor() as cursor:
                cursor.execute("SELECT 1")
            return ReplicaStatus(ok=True, lag_seconds=None, reason="")
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        asked = time.monotonic()
        with replica.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT pg_is_in_recovery(),"
                    " COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false),"
                    " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
                    [primary_lsn],
                )
                in_recovery, caught_up, since_replay = cursor.fetchone()
                waited = time.monotonic() - asked
                if caught_up or not in_recovery or waited >= min(1.0, limit):
                    break
                time.sleep(0.05)
    except DatabaseError as exc:
        replica.close()
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ReplicaStatus(
            ok=False, lag_seconds=None, reason=f"replica unreachable: {first_line}"
        )
    if not in_recovery:
        return ReplicaStatus(
            ok=False, lag_seconds=None, reason="replica is not a standby (promoted?)"
        )
    lag = waited if caught_up else max(waited, float(since_replay or 0.0))
    if lag > limit:
        return ReplicaStatus(
            ok=False,
            lag_seconds=round(lag, 1),
            reason=f"replica lags {lag:.1f} s behind the primary (limit {limit:g} s)",
        )
    return ReplicaStatus(ok=True, lag_seconds=round(lag, 1), reason="")


def replica_status(fresh: bool = False) -> ReplicaStatus | None:
    """The replica's state (None without a replica), checked again when the last check is
    older than IMPULSA_REPLICA_CHECK_SECONDS or when `fresh`."""
    global _last
    if not replica_configured():
        return None
    now = time.monotonic()
    with _lock:
        if not fresh and _last and now - _last[0] < settings.IMPULSA_REPLICA_CHECK_SECONDS:
            return _last[1]
    status = _check()
    if not status.ok:
        log.warning("reads fall back to the primary: %s", status.reason)
    with _lock:
        _last = (time.monotonic(), status)
    return status


def mark_down(exc: BaseException) -> None:
    """A query on the replica failed: fall back until the next check finds it healthy."""
    global _last
    connections[REPLICA].close()
    status = ReplicaStatus(ok=False, lag_seconds=None, reason=f"replica failed: {exc}"[:200])
    log.warning("reads fall back to the primary: %s", status.reason)
    with _lock:
        _last = (time.monotonic(), status)


@contextmanager
def replica_reads() -> Iterator[str]:
    """Reads in the block go to the replica when there is a healthy one; yields the alias the
    reads use ("replica" or "default")."""
    status = replica_status()
    alias = REPLICA if status is not None and status.ok else PRIMARY
    token = _wanted.set(alias == REPLICA)
    try:
        yield alias
    finally:
        _wanted.reset(token)


def on_replica_or_primary(compute: Any, *args: Any, **kwargs: Any) -> Any:
    """Runs `compute` with its reads on the replica; when the replica fails during it, marks
    it down and runs it again on the primary (the computation only reads)."""
    with replica_reads() as alias:
        try:
            return compute(*args, **kwargs)
        except DatabaseError as exc:
            if alias != REPLICA:
                raise
            mark_down(exc)
    return compute(*args, **kwargs)


class ReplicaRouter:
    """Sends the reads of a `replica_reads()` block to the replica; everything else to the
    primary. A read inside an open transaction on the primary stays there: that transaction
    may have written what it is about to read."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _wanted.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def read_connection() -> Any:
    """The connection for raw read-only SQL: the replica inside `replica_reads()`, else the
    primary (the ORM's reads are routed by ReplicaRouter; raw cursors are not)."""
    return connections[ReplicaRouter().db_for_read(None)]
