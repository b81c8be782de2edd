"""Gunicorn on loopback and an open-loop load generator.

The server runs as in scripts/run.sh (2 workers, 4 threads each) but with production settings
(DEBUG off), in its own process group, and is always stopped on the way out. The per-user
API throttle is raised for the server so that a few bench users can make thousands of
requests; the throttle still runs on every request, it just never refuses one.

The generator is open-loop: request i is due at start + i / rate whatever happened before,
and its latency is counted from that due time, so a slow server cannot slow the load down
and hide its own queueing (coordinated omission). Requests are bounded (rate x seconds), the
run has a time cap, and only 127.0.0.1 is ever contacted.
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import BENCH_DIR, PYTHON, ROOT, BenchError, Target, percentile, rss_kib

HOST = "127.0.0.1"
Request = tuple[str, str, bytes | None, dict[str, str]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """`with Server(target) as server:` runs gunicorn until the block ends, however it ends."""

    def __init__(self, target: Target, workers: int = 2, threads: int = 4) -> None:
        self.target = target
        self.workers = workers
        self.threads = threads
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = BENCH_DIR / f"gunicorn-{target.engine}-{target.key}.log"

    def __enter__(self) -> "Server":
        env = self.target.django_env(debug=False)
        env["IMPULSA_API_THROTTLE_USER"] = "10000000/min"
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        command = [
            gunicorn, "backend.wsgi:application", "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers), "--threads", str(self.threads),
            "--graceful-timeout", "10", "--log-level", "warning", "--no-control-socket",
        ]  # fmt: skip
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn and arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer within 90 s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    @property
    def pid(self) -> int:
        if self.process is None:
            raise BenchError("the server is not running")
        return self.process.pid

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def peak_rss_mib(self) -> list[float]:
        """Each worker's peak resident memory so far (VmHWM), in MiB."""
        return [(rss_kib(pid) or 0) / 1024 for pid in self.worker_pids()]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class LoadResult:
    sent: int
    planned: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    body_bytes: list[int] = field(default_factory=list)
    seconds: float = 0.0
    reconnects: int = 0
    unsent: int = 0  # due after the time cap: the server fell that far behind
    generator_cpu: float = 0.0  # CPU seconds the generator itself used

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms or [0.0]
        return {
            "planned": self.planned,
            "sent": self.sent,
            "completed": len(self.latencies_ms),
            "errors": sum(self.errors.values()),
            "error_kinds": self.errors,
            "unsent": self.unsent,
            "generator_cpu_share": self.generator_cpu / self.seconds if self.seconds else 0.0,
            "p50_ms": percentile(lat, 50),
            "p95_ms": percentile(lat, 95),
            "p99_ms": percentile(lat, 99),
            "max_ms": max(lat),
            "achieved_rps": len(self.latencies_ms) / self.seconds if self.seconds else 0.0,
            "reconnects": self.reconnects,
        }


def open_loop(
    port: int,
    rate: float,
    seconds: float,
    make: Callable[[int], Request],
    expect: set[int],
    connections: int = 48,
) -> LoadResult:
    planned = int(rate * seconds)
    cap = seconds + 30  # no request is started after this; none waits longer than its timeout
    result = LoadResult(sent=0, planned=planned)
    lock = threading.Lock()
    cursor = iter(range(planned))
    start = time.perf_counter() + 0.5

    def error(kind: str) -> None:
        with lock:
            result.errors[kind] = result.errors.get(kind, 0) + 1

    def run() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            due = start + i / rate
            now = time.perf_counter()
            if now - start > cap:
                with lock:
                    result.unsent += 1
                continue
            if due > now:
                time.sleep(due - now)
            method, path, body, headers = make(i)
            for attempt in (1, 2):
                fresh = conn is None
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=30)
                try:
                    if attempt == 1:
                        with lock:
                            result.sent += 1
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    took = (time.perf_counter() - due) * 1000
                    with lock:
                        result.latencies_ms.append(took)
                        result.body_bytes.append(len(data))
                    if response.status not in expect:
                        error(f"HTTP {response.status}")
                    break
                except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                    conn.close()
                    conn = None
                    if fresh or attempt == 2:
                        error("connection lost")
                        break
                    with lock:  # a kept-alive connection the server had closed: retry once
                        result.reconnects += 1
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = None
                    error(type(exc).__name__)
                    break
        if conn is not None:
            conn.close()

    cpu = time.process_time()
    threads = [threading.Thread(target=run, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=cap + 60)
    result.seconds = time.perf_counter() - start
    result.generator_cpu = time.process_time() - cpu
    return result


def json_body(value: Any) -> bytes:
    return json.dumps(value).encode()
