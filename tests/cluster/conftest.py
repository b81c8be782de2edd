"""The cluster tests run Django in child processes against servers they start themselves
(a PostgreSQL primary and standby, an S3 server), never against the test database."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.pg import Pair, pg_bin, primary_and_standby

ROOT = Path(__file__).resolve().parents[2]


def django_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "IMPULSA_", "DJANGO_")) and k != "PYTEST_XDIST_WORKER"
    }
    env.update({"IMPULSA_TESTING": "1", "DJANGO_SETTINGS_MODULE": "backend.settings", **extra})
    return env


def run_django(args: list[str], env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def scenario(step: str, env: dict[str, str]) -> dict[str, Any]:
    out = run_django(["-m", "tests.cluster.scenario", step], env)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    if pg_bin() is None:
        pytest.skip(
            "PostgreSQL's programs (initdb, pg_ctl, pg_basebackup) are not installed: "
            "scripts/install-system-deps.sh installs them"
        )
    if os.environ.get("DATABASE_URL"):
        pytest.skip(
            "starts its own PostgreSQL servers: runs once, in the pass without DATABASE_URL"
        )
    with primary_and_standby(range(8190, 8194)) as servers:
        env = django_env(DATABASE_URL=servers.primary.url())
        run_django(["manage.py", "migrate", "--no-input", "-v0"], env)
        run_django(["manage.py", "seed_demo", "--scale", "tiny"], env)
        servers.wait_caught_up()
        yield servers
