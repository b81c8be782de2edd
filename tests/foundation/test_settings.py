"""Production settings refuse to start insecurely, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-production-like-secret-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "impulsa.example.org",
    "IMPULSA_SITE_URL": "https://impulsa.example.org",
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


def test_missing_site_url_stops_startup_with_a_clear_message() -> None:
    # Certificates printed with a wrong address in their QR code cannot be checked later.
    env = {k: v for k, v in PROD_ENV.items() if k != "IMPULSA_SITE_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "IMPULSA_SITE_URL is not set" in result.stderr


def test_deploy_check_is_clean_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import django, json
django.setup()
from django.test import Client
c = Client(HTTP_HOST="impulsa.example.org")
page = c.get("/api/v1/openapi.json", secure=True)
plain = c.get("/api/v1/openapi.json")
print(json.dumps({"status": page.status_code, "headers": dict(page.headers),
                  "plain": plain.status_code, "location": plain.headers.get("Location")}))
"""


def test_production_responses_carry_the_security_headers(tmp_path: Path) -> None:
    import json

    env = {**PROD_ENV, "IMPULSA_SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    env["IMPULSA_VAR_DIR"] = str(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    result = manage("shell", "-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    headers = seen["headers"]
    assert seen["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    # Plain HTTP is sent to HTTPS before anything is served.
    assert seen["plain"] == 301
    assert seen["location"] == "https://impulsa.example.org/api/v1/openapi.json"
