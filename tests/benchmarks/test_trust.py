"""The benchmark's guards against a busy machine: they decide whether figures are written."""

import os
import subprocess
import sys
import time
from typing import Any

from benchmarks import trust


def test_a_busy_machine_is_waited_for_then_named(monkeypatch: Any) -> None:
    said: list[str] = []
    loads = iter([9.0, 9.0, 9.0, 9.0])
    monkeypatch.setattr(os, "getloadavg", lambda: (next(loads, 9.0), 0.0, 0.0))
    monkeypatch.setenv("IMPULSA_BENCH_MAX_LOAD", "1.0")
    monkeypatch.setattr(time, "sleep", lambda s: None)
    verdict = trust.wait_for_quiet(said.append, max_wait=0)
    assert verdict["quiet"] is False
    assert verdict["threshold"] == 1.0
    assert verdict["load"] == 9.0


def test_a_machine_that_quiets_down_is_used(monkeypatch: Any) -> None:
    said: list[str] = []
    loads = iter([3.0, 2.0, 0.4])
    monkeypatch.setattr(os, "getloadavg", lambda: (next(loads), 0.0, 0.0))
    monkeypatch.setenv("IMPULSA_BENCH_MAX_LOAD", "1.0")
    monkeypatch.setattr(time, "sleep", lambda s: None)
    verdict = trust.wait_for_quiet(said.append, max_wait=3600)
    assert verdict["quiet"] is True
    assert verdict["load"] == 0.4
    assert len(said) == 1, "the wait is announced once"


def test_server_cpu_time_counts_the_children_that_did_the_work() -> None:
    # A parent that only waits, and a child that burns about 0.3 s of CPU.
    burn = "import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass\n"
    code = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', {burn!r}])\n"
        "time.sleep(0.1); print('started', flush=True); p.wait(); time.sleep(5)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        parent.stdout.readline()
        before = trust.cpu_seconds(parent.pid)
        deadline = time.monotonic() + 10
        while trust.cpu_seconds(parent.pid) - before < 0.2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert trust.cpu_seconds(parent.pid) - before >= 0.2
    finally:
        parent.kill()
        parent.wait()


def test_the_parent_alone_is_read_when_it_has_no_children() -> None:
    assert trust.cpu_seconds(os.getpid()) > 0
