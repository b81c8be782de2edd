"""Paths, run profiles, database targets, subprocess helpers and small statistics."""

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable


def _pg_server() -> tuple[str, int, str]:
    """The PostgreSQL server to use: the one DATABASE_URL names (as scripts/with-postgres.sh
    sets it, perhaps a throwaway cluster on another port), else 127.0.0.1:5432. The benchmark
    always uses a database of its own on that server, never the one in the URL."""
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if url.scheme.startswith("postgres"):
        return url.hostname or "127.0.0.1", url.port or 5432, url.username or "postgres"
    return "127.0.0.1", 5432, "postgres"


_HOST, _PORT, _USER = _pg_server()
PG_HOST = os.environ.get("IMPULSA_BENCH_PG_HOST", _HOST)
PG_PORT = int(os.environ.get("IMPULSA_BENCH_PG_PORT", _PORT))
PG_USER = os.environ.get("IMPULSA_BENCH_PG_USER", _USER)


class BenchError(Exception):
    """A benchmark could not run (an exception, an HTTP error): fails the run."""


@dataclass(frozen=True)
class Profile:
    """How long and how often each measurement runs."""

    name: str
    repeats: int  # in-process timings (push, report, DuckDB, PDF)
    push_batches: int  # 500-entry pushes timed per database
    create_rate: float  # REST create, requests per second
    create_seconds: float
    pull_rate: float
    pull_seconds: float
    pdf_repeats: int


FULL = Profile("full", repeats=5, push_batches=7, create_rate=100, create_seconds=60,
               pull_rate=20, pull_seconds=60, pdf_repeats=5)  # fmt: skip
SMOKE = Profile("smoke", repeats=3, push_batches=3, create_rate=20, create_seconds=4,
                pull_rate=5, pull_seconds=4, pdf_repeats=2)  # fmt: skip

PUSH_BATCH = 500
PULL_ENTRIES = 1000


@dataclass
class Target:
    """One database the benchmarks run against, and the environment that selects it."""

    engine: str  # "sqlite" or "postgresql"
    scale: str
    factor: str | None = None  # seed_demo --factor (national only): a smaller or larger copy
    env: dict[str, str] = field(default_factory=dict)
    available: bool = True
    note: str = ""

    @property
    def label(self) -> str:
        return "SQLite" if self.engine == "sqlite" else "PostgreSQL"

    @property
    def key(self) -> str:
        """The dataset's name in files and databases: the scale, and the factor if any."""
        return scale_key(self.scale, self.factor)

    @property
    def sqlite_path(self) -> Path:
        return BENCH_DIR / f"{self.key}.sqlite3"

    @property
    def pg_name(self) -> str:
        return f"impulsa_bench_{self.key}"

    @property
    def pg_url(self) -> str:
        return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.pg_name}"

    def django_env(self, debug: bool = True) -> dict[str, str]:
        """The environment of a Django process on this database.

        SQLite is selected by IMPULSA_SQLITE_PATH (not a DATABASE_URL), so it runs with the
        deployment's own SQLite settings: WAL, IMMEDIATE transactions, synchronous=NORMAL.
        """
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "IMPULSA_TESTING"}}
        var = BENCH_DIR / f"var-{self.engine}-{self.key}"
        (var / "static").mkdir(parents=True, exist_ok=True)  # served by WhiteNoise; empty here
        env.update(
            {
                "IMPULSA_VAR_DIR": str(var),
                "IMPULSA_SMS_BACKEND": "console",
                "IMPULSA_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.engine == "sqlite":
            env["IMPULSA_SQLITE_PATH"] = str(self.sqlite_path)
        else:
            env["DATABASE_URL"] = self.pg_url
        if debug:
            env["DJANGO_DEBUG"] = "1"
        else:
            env.pop("DJANGO_DEBUG", None)
            env.update(
                {
                    "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 50,
                    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                    "IMPULSA_SITE_URL": "http://127.0.0.1",
                    "DJANGO_SECURE_SSL_REDIRECT": "0",
                }
            )
        return env


def scale_key(scale: str, factor: str | None) -> str:
    return scale if not factor else f"{scale}_x{factor.replace('.', '_')}"


def _run(command: list[str], env: dict[str, str], timeout: float, what: str) -> str:
    """Runs one of our own commands; its standard output, or a BenchError saying what failed."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what} did not finish in {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def run_worker(target: Target, task: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Runs one worker task in a fresh Django process; returns the JSON it prints last."""
    command = [PYTHON, "-m", "benchmarks.worker", task, json.dumps(args)]
    what = f"{task} on {target.label}"
    stdout = _run(command, target.django_env(debug=False), timeout, what)
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise BenchError(f"{what} printed no result:\n{stdout[-2000:]}")
    return dict(json.loads(lines[-1]))


def run_manage(target: Target, *args: str, timeout: float) -> str:
    what = f"manage.py {' '.join(args)} on {target.label}"
    return _run([PYTHON, "manage.py", *args], target.django_env(), timeout, what)


# --- statistics ------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q from 0 to 100) of a non-empty sequence."""
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


@dataclass(frozen=True)
class Spread:
    """Median and range of repeated measurements."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        if not values:
            raise BenchError("no measurement to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def as_json(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high, "n": self.n}


# --- machine ----------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def machine(pg_version: str | None) -> dict[str, str]:
    import sqlite3

    import duckdb

    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{_memory_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": pg_version or "not available",
        "DuckDB": duckdb.__version__,
    }


def rss_kib(pid: int, field_name: str = "VmHWM") -> int | None:
    """A process's peak (VmHWM) or current (VmRSS) resident memory, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
