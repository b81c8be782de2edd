"""A throwaway PostgreSQL primary and a streaming standby of it, in a temporary directory.

`initdb` makes the primary (wal_level=replica, a replication line in pg_hba.conf),
`pg_basebackup -R` the standby, which then streams from it. Used by the cluster tests and by
`make cluster` (scripts/cluster.sh). Run as root, the servers run as the postgres user.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg


def pg_bin() -> Path | None:
    """The directory of the newest installed PostgreSQL's programs, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port(candidates: range = range(8190, 8200)) -> int:
    for port in candidates:
        with socket.socket() as s:
            # As servers bind: a port whose last connections linger in TIME_WAIT is free.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    data: Path
    port: int
    socket_dir: Path

    def url(self, database: str = "impulsa") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "impulsa") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)


class Pair:
    """A primary and its standby; `stop_standby()` takes the standby down."""

    def __init__(self, root: Path, bindir: Path, ports: range = range(8190, 8200)) -> None:
        self.root = root
        self.ports = ports
        self.bin = bindir
        self.as_postgres: list[str] = []
        if os.getuid() == 0:
            os.chown(root, pwd.getpwnam("postgres").pw_uid, -1)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.primary = Server("primary", root / "primary", free_port(ports), root)
        self.standby = Server("standby", root / "standby", 0, root)

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / args[0]), *args[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def _start(self, server: Server) -> None:
        options = (
            f"-p {server.port} -k {server.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on "
            "-c track_counts=on"
        )
        self._run(
            "pg_ctl", "-D", str(server.data), "-o", options, "-l", f"{server.data}.log",
            "-w", "start",
        )  # fmt: skip

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        with (self.primary.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self._start(self.primary)
        with self.primary.connect("postgres") as conn:
            conn.execute("CREATE DATABASE impulsa")
        self.standby.port = free_port(self.ports)
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.standby.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        self._start(self.standby)
        self.wait_caught_up()

    def wait_caught_up(self, timeout: float = 20) -> None:
        """Until the standby has replayed everything the primary has written."""
        with self.primary.connect("postgres") as p:
            lsn = p.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]  # type: ignore[index]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.OperationalError):
                with self.standby.connect("postgres") as s:
                    done = s.execute(
                        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
                    ).fetchone()[0]  # type: ignore[index]
                if done:
                    return
            time.sleep(0.1)
        raise TimeoutError("the standby did not catch up with the primary")

    def stop(self, server: Server) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(server.data),
             "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )  # fmt: skip

    def stop_standby(self) -> None:
        self.stop(self.standby)

    def close(self) -> None:
        self.stop(self.standby)
        self.stop(self.primary)


@contextlib.contextmanager
def primary_and_standby(ports: range = range(8190, 8200)) -> Iterator[Pair]:
    bindir = pg_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's programs (initdb, pg_ctl, pg_basebackup) not found")
    root = Path(tempfile.mkdtemp(prefix="impulsa-pair-"))
    pair = Pair(root, bindir, ports)
    try:
        pair.start()
        yield pair
    finally:
        pair.close()
        shutil.rmtree(root, ignore_errors=True)


def standby_counters(pair: Pair, database: str = "impulsa") -> tuple[int, int]:
    """The standby's own statistics of the database: transactions ended and rows returned.
    Statistics are per server: a query run on the primary never counts here."""
    with pair.standby.connect("postgres") as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback, tup_returned FROM pg_stat_database "
            "WHERE datname = %s",
            [database],
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def main() -> None:
    """`python -m tests.cluster.pg READY_FILE [PORT]`: starts the pair, writes the two
    URLs to READY_FILE as JSON, and runs until SIGINT or SIGTERM, then removes both."""
    import json
    import signal
    import sys

    ready = Path(sys.argv[1])
    ports = [int(p) for p in sys.argv[2:3]]

    def on_signal(signum: int, frame: object) -> None:
        raise SystemExit(0)  # unwinds through primary_and_standby, which removes both

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    candidates = range(ports[0], ports[0] + 2) if ports else range(8190, 8200)
    with primary_and_standby(candidates) as pair:
        ready.write_text(json.dumps({"primary": pair.primary.url(), "standby": pair.standby.url()}))
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()
