"""Crash and retry: the real server is killed again and again while a phone client writes.

The app server (gunicorn, as `make run` starts it) serves a SQLite file of its own on a free
loopback port. Client threads send ledger entries, half one by one through the REST create
endpoint and half in sync push batches, and send each request again, unchanged, until it gets
an answer. Meanwhile the server's whole process group is SIGKILLed and restarted: half the
kills come at a random moment from outside, the other half from the server itself right after
a write committed and before the answer left (backend/lib/faults.py), the case where the client
must resend something that was already stored.

Afterwards every entry must be stored exactly once and unchanged, the rollups must equal a
recomputation, and the file must pass PRAGMA integrity_check.

IMPULSA_CRASH_ENTRIES (500 here, 5,000 in `make crash-test`), IMPULSA_CRASH_KILLS,
IMPULSA_CRASH_SECONDS (time cap) and IMPULSA_CRASH_SEED tune the run.
"""

import contextlib
import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from backend.lib.faults import ANNOUNCEMENT
from tests.reliability.crash_world import (
    ROOT,
    Entry,
    check_database,
    load_world,
    make_entries,
    migrated_database,
    rollups_match_rebuild,
    server_env,
)

ENTRIES = int(os.environ.get("IMPULSA_CRASH_ENTRIES", "500"))
KILLS = int(os.environ.get("IMPULSA_CRASH_KILLS", str(max(6, ENTRIES // 200))))
TIME_CAP = float(os.environ.get("IMPULSA_CRASH_SECONDS", str(90 + ENTRIES * 0.15)))
SEED = int(os.environ.get("IMPULSA_CRASH_SEED", "20261128"))
CLIENT_THREADS = 4
PUSH_BATCH = 25
# Chance that a committed write kills the server, on the runs where the hook is on.
KILL_AFTER_COMMIT = "0.04"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


class Deadline(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One gunicorn master and its workers in a process group of their own."""

    def __init__(self, db: Path, port: int, logs: Path) -> None:
        self.db, self.port, self.logs = db, port, logs
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None
        self.starts = 0
        self.boot_seconds: list[float] = []

    def start(self, *, kill_after_commit: str = "0") -> None:
        self.starts += 1
        self.started_at = time.monotonic()
        self.log_path = self.logs / f"server-{self.starts:03d}.log"
        self.log = self.log_path.open("wb")
        env = server_env(
            self.db,
            IMPULSA_API_THROTTLE_USER="1000000/min",
            IMPULSA_FAULT_KILL_AFTER_COMMIT=kill_after_commit,
            IMPULSA_FAULT_SEED=str(SEED + self.starts),
        )
        if kill_after_commit == "0":
            env.pop("IMPULSA_FAULT_KILL_AFTER_COMMIT")
        self.proc = subprocess.Popen(
            [GUNICORN, "backend.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "4", "--graceful-timeout", "5",
             "--no-control-socket"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, deadline: float) -> bool:
        """True once /api/v1/health answers; False when the server died first."""
        while time.monotonic() < deadline:
            if not self.running():
                return False
            try:
                status, _body = request(self.port, "GET", "/api/v1/health", timeout=2)
                if status == 200:
                    self.boot_seconds.append(time.monotonic() - self.started_at)
                    return True
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise Deadline("the server did not start in time")

    def wait_exit(self, timeout: float) -> bool:
        assert self.proc is not None
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        self._close_log()
        return True

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once, as a power cut of the service."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._close_log()

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_log()

    def killed_itself_after_commit(self) -> bool:
        return ANNOUNCEMENT in self.log_path.read_text(errors="replace")

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def _close_log(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None


def request(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    timeout: float = 30,
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Session-Token"] = token
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw[:2000].decode(errors="replace")
    finally:
        conn.close()


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    refused: int = 0  # the server was down: nothing reached it
    lost_answers: int = 0  # sent, then the connection died without an answer
    already_stored: int = 0  # a resent create answered "already there" (200, not 201)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


def send_until_answered(
    port: int, stats: ClientStats, stop: threading.Event, deadline: float,
    method: str, path: str, token: str, body: Any,
) -> tuple[int, Any]:  # fmt: skip
    """Sends the same request until the server answers it; refused connections are waited out."""
    attempt = 0
    while True:
        if stop.is_set() or time.monotonic() > deadline:
            raise Deadline(f"{method} {path} unanswered at the time cap")
        attempt += 1
        try:
            status, answer = request(port, method, path, token=token, body=body)
        except ConnectionRefusedError:
            stats.add(refused=1)
            time.sleep(0.1)
            continue
        except (OSError, http.client.HTTPException):
            stats.add(lost_answers=1)
            time.sleep(0.05)
            continue
        stats.add(requests=1, retries=attempt - 1)
        return status, answer


def client(
    port: int, jobs: "queue.Queue[tuple[str, list[Entry]] | None]", pulled: dict[str, int],
    stats: ClientStats, stop: threading.Event, deadline: float,
) -> None:  # fmt: skip
    while True:
        job = jobs.get()
        if job is None:  # no more work
            return
        how, batch = job
        try:
            send(port, how, batch, pulled, stats, stop, deadline)
        except Exception as exc:
            stats.unexpected.append(f"{type(exc).__name__}: {exc}")
            return


def send(
    port: int, how: str, batch: list[Entry], pulled: dict[str, int],
    stats: ClientStats, stop: threading.Event, deadline: float,
) -> None:  # fmt: skip
    first = batch[0]
    if how == "rest":
        status, answer = send_until_answered(
            port, stats, stop, deadline, "POST", f"/api/v1/ventures/{first.venture_id}/entries",
            first.token, first.rest_body(),
        )  # fmt: skip
        if status == 200:
            stats.add(already_stored=1)
        if status not in (200, 201) or answer.get("id") != first.id:
            stats.unexpected.append(f"REST {first.id}: {status} {answer}")
    else:
        body = {"changes": {"ledger_entries": {
            "created": [e.sync_record() for e in batch], "updated": [], "deleted": [],
        }}}  # fmt: skip
        status, answer = send_until_answered(
            port, stats, stop, deadline, "POST",
            f"/api/v1/sync/push?last_pulled_at={pulled[first.token]}", first.token, body,
        )  # fmt: skip
        if status != 200 or (answer or {}).get("rejected"):
            stats.unexpected.append(f"push of {len(batch)} from {first.id}: {status} {answer}")


def jobs_for(entries: list[Entry], rng: random.Random) -> list[tuple[str, list[Entry]]]:
    """Half the entries one by one over REST, half in push batches of one participant each."""
    half = len(entries) // 2
    rest = [("rest", [e]) for e in entries[:half]]
    by_token: dict[str, list[Entry]] = {}
    for e in entries[half:]:
        by_token.setdefault(e.token, []).append(e)
    pushes = [
        ("push", group[i : i + PUSH_BATCH])
        for group in by_token.values()
        for i in range(0, len(group), PUSH_BATCH)
    ]
    work = rest + pushes
    rng.shuffle(work)
    return work


class Work:
    """The clients' queue, filled a portion at a time so that the work outlasts the kills.

    However fast the server, the clients cannot finish before the last kill: each kill
    releases the next portion, and the clients wait for more until they are told to stop.
    """

    def __init__(self, work: list[tuple[str, list[Entry]]], portions: int) -> None:
        size = -(-len(work) // portions)
        self.portions = [work[i : i + size] for i in range(0, len(work), size)]
        self.queue: queue.Queue[tuple[str, list[Entry]] | None] = queue.Queue()
        self.closed = False

    def release(self) -> bool:
        """Puts the next portion in the queue; False when none is left."""
        if not self.portions:
            return False
        for job in self.portions.pop(0):
            self.queue.put(job)
        return True

    def finish(self, clients: int) -> None:
        """Releases what is left, then tells each client to stop once the queue is done."""
        while self.release():
            pass
        self.close(clients)

    def close(self, clients: int) -> None:
        """Tells each client to stop after what is queued (once; also on a failed run)."""
        if not self.closed:
            self.closed = True
            for _ in range(clients):
                self.queue.put(None)


def self_killed(server: "Server", work: Work, seconds: float) -> bool:
    """Waits for the server to kill itself after a commit, feeding it work meanwhile (a
    portion finished without the kill would leave the hook nothing to act on)."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if server.wait_exit(timeout=0.25):
            return True
        if work.queue.empty() and not work.release():
            return server.wait_exit(timeout=max(until - time.monotonic(), 0))
    return False


def test_every_entry_stored_once_through_kills_and_retries(tmp_path: Path) -> None:
    started = time.monotonic()
    deadline = started + TIME_CAP
    rng = random.Random(SEED)
    db = migrated_database(tmp_path / "crash.sqlite3")
    world = load_world(server_env(db))
    entries = make_entries(world, ENTRIES, rng)
    work = Work(jobs_for(entries, rng), portions=3 * KILLS)
    jobs = work.queue
    setup = time.monotonic() - started
    server = Server(db, free_port(), tmp_path)
    stats = ClientStats()
    stop = threading.Event()
    kills = after_commit = 0
    threads: list[threading.Thread] = []
    try:
        server.start()
        assert server.wait_ready(deadline), server.log_tail()
        pulled = {}
        for p in world["participants"]:
            status, answer = request(server.port, "GET", "/api/v1/sync/pull", token=p["token"])
            assert status == 200, answer
            pulled[p["token"]] = answer["timestamp"]
        threads = [
            threading.Thread(target=client, args=(server.port, jobs, pulled, stats, stop, deadline))
            for _ in range(CLIENT_THREADS)
        ]
        for t in threads:
            t.start()
        for n in range(KILLS):
            from_inside = n % 2 == 1
            if not server.running():
                server.start(kill_after_commit=KILL_AFTER_COMMIT if from_inside else "0")
            work.release()
            # With the hook on, the server may kill itself before the health check answers.
            ready = server.wait_ready(deadline)
            if not ready or (from_inside and self_killed(server, work, rng.uniform(4, 8))):
                server.wait_exit(timeout=10)
                assert server.killed_itself_after_commit(), server.log_tail()
                after_commit += 1
            else:
                time.sleep(rng.uniform(0.05, 1.5))
                server.kill()
            kills += 1
        if not server.running():
            server.start()
        work.finish(CLIENT_THREADS)
        for t in threads:
            t.join(timeout=max(deadline - time.monotonic(), 0) + 35)
        assert not any(t.is_alive() for t in threads), "clients still running at the time cap"
        assert server.running(), server.log_tail()
    finally:
        server.kill()
        stop.set()  # a client still resending gives up at once
        work.close(CLIENT_THREADS)  # and one waiting for work stops
        for t in threads:
            t.join(timeout=40)
    elapsed = time.monotonic() - started

    assert stats.unexpected == [], stats.unexpected[:10]
    assert jobs.empty()
    assert not work.portions
    assert kills == KILLS
    assert after_commit >= 1
    figures = check_database(db, entries)
    rollups_match_rebuild(db)
    print(
        f"\ncrash and retry: {figures['entries']} entries in {figures['ventures']} ventures "
        f"({ENTRIES // 2} by REST, {ENTRIES - ENTRIES // 2} by sync push), "
        f"{kills} kills survived ({after_commit} right after a commit), "
        f"{stats.requests} answered requests, {stats.retries} retries "
        f"({stats.lost_answers} lost answers, {stats.refused} refused while down, "
        f"{stats.already_stored} resent creates found already stored), "
        f"{elapsed:.1f} s wall time ({setup:.1f} s of it migrating and setting up; "
        f"restarts took {sum(server.boot_seconds) / len(server.boot_seconds):.1f} s on average"
        f"; seed {SEED})"
    )


def settings_outcome(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IMPULSA_", "DATABASE_URL"))
    }
    code = "import backend.settings as s; print('faults' in ' '.join(s.MIDDLEWARE))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base | env, capture_output=True, text=True
    )


def test_the_kill_hook_is_refused_by_production_settings() -> None:
    production = {
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "impulsa.example.org",
        "IMPULSA_SITE_URL": "https://impulsa.example.org",
    }
    refused = settings_outcome(**production, IMPULSA_FAULT_KILL_AFTER_COMMIT="0.5")
    assert refused.returncode != 0
    assert "IMPULSA_FAULT_KILL_AFTER_COMMIT is a test hook" in refused.stderr
    assert settings_outcome(**production).stdout.strip() == "False"
    debug = settings_outcome(DJANGO_DEBUG="1", IMPULSA_FAULT_KILL_AFTER_COMMIT="0.5")
    assert debug.stdout.strip() == "True", debug.stderr
