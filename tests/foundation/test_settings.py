"""Production settings refuse to start insecurely, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-production-like-secret-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "impulsa.example.org",
    "DJANGO_DEBUG": "0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IMPULSA_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_startup_with_a_clear_message() -> None:
    result = manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="impulsa.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_startup_with_a_clear_message() -> None:
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=PROD_ENV["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_deploy_check_is_clean_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
