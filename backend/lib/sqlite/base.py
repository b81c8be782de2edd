"""SQLite with fair queueing of a process's writers.

SQLite has one write lock per database file. A writer that finds it taken sleeps and polls
again (the busy timeout), sleeping longer after each miss, so under steady load some writers
keep losing the race to others that poll more often and give up with "database is locked"
after the whole timeout although the database was never stuck. Here the threads of one process
take turns in arrival order before they ask SQLite for the lock (at BEGIN IMMEDIATE), and give
the turn to the next one when their transaction ends. Only one writer per process then polls
SQLite, so the processes of a server share the file without starving each other's threads.
"""

import threading
from collections import deque
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class FairLock:
    """A lock handed to its waiters in the order they came (no barging), with a timeout."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # release() handed the lock over
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        # Handed over just as the wait timed out: it is ours now.
        waiter.acquire()
        return True

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # stays held, by the next in line
            else:
                self._held = False


_locks: dict[str, FairLock] = {}
_locks_guard = threading.Lock()


def writer_lock(name: str) -> FairLock:
    with _locks_guard:
        return _locks.setdefault(name, FairLock())


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_turn = False

    def _start_transaction_under_autocommit(self) -> None:
        mode = getattr(self, "transaction_mode", None)
        if mode not in (None, "DEFERRED") and not self.is_in_memory_db():
            timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
            if not writer_lock(str(self.settings_dict["NAME"])).acquire(timeout):
                raise OperationalError("database is locked")
            self._holds_turn = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            writer_lock(str(self.settings_dict["NAME"])).release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()
