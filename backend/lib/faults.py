"""Fault injection for the crash-and-retry test (tests/reliability/test_crash_retry.py).

The worst moment for a client is when the server has committed its write but dies before the
answer leaves: the client cannot tell whether the write was stored and must send it again.
With IMPULSA_FAULT_KILL_AFTER_COMMIT=<probability> a successful write request (POST, PUT, PATCH
or DELETE answered 2xx, its transaction already committed) makes the server SIGKILL its whole
process group with that probability, before the response is returned. Each kill is announced
on stderr first, so the test can count them.

Settings append this middleware only when the variable is set, and refuse it outside DEBUG and
tests: a production server never runs it.
"""

import os
import random
import signal
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ANNOUNCEMENT = "impulsa-fault: killed after commit"


class KillAfterCommitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.probability = float(settings.IMPULSA_FAULT_KILL_AFTER_COMMIT)
        seed = os.environ.get("IMPULSA_FAULT_SEED", "0")
        self.random = random.Random(f"{seed}-{os.getpid()}")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        committed = not any(conn.in_atomic_block for conn in connections.all(initialized_only=True))
        if (
            request.method in WRITE_METHODS
            and 200 <= response.status_code < 300
            and committed
            and self.random.random() < self.probability
        ):
            os.write(2, f"{ANNOUNCEMENT}: {request.method} {request.path}\n".encode())
            os.killpg(os.getpgid(0), signal.SIGKILL)
        return response
