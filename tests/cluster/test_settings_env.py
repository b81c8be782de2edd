"""The scale-out engines are chosen by environment variables alone; without them the
embedded run is what it was (SQLite, files on disk, a file cache)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.foundation.test_settings import PROD_ENV

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'storage': s.STORAGES['default']['BACKEND'],"
    "'storage_options': s.STORAGES['default'].get('OPTIONS', {}),"
    "'databases': {k: v['ENGINE'] for k, v in s.DATABASES.items()},"
    "'replica_timeout': s.DATABASES.get('replica', {}).get('OPTIONS', {}).get('connect_timeout'),"
    "'cache': s.CACHES['default']['BACKEND'],"
    "'sessions': s.SESSION_ENGINE}))"
)


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IMPULSA_", "DATABASE_"))
    }
    clean.update(PROD_ENV, **env)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_without_the_variables_the_embedded_engines_stay() -> None:
    done = settings_with()
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["storage"] == "django.core.files.storage.FileSystemStorage"
    assert shown["databases"] == {"default": "backend.lib.sqlite"}
    assert shown["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.db"


def test_the_variables_select_object_storage_a_replica_and_the_shared_cache() -> None:
    done = settings_with(
        DATABASE_URL="postgres://app@db-primary:5432/impulsa",
        DATABASE_REPLICA_URL="postgres://app@db-standby:5432/impulsa",
        IMPULSA_S3_BUCKET="impulsa-media",
        IMPULSA_S3_ENDPOINT_URL="https://s3.example.org",
        IMPULSA_S3_REGION="eu-west-1",
        IMPULSA_CACHE_URL="redis://cache:6379/0",
        IMPULSA_SESSION_CACHE="1",
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["storage"] == "storages.backends.s3.S3Storage"
    options = shown["storage_options"]
    assert options["bucket_name"] == "impulsa-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["region_name"] == "eu-west-1"
    assert options["default_acl"] == "private"
    assert options["access_key"] is None  # boto3's own chain (an instance role)
    assert shown["databases"] == {
        "default": "django.db.backends.postgresql",
        "replica": "django.db.backends.postgresql",
    }
    assert shown["replica_timeout"] == 3
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_a_replica_without_a_primary_stops_startup_with_a_clear_message() -> None:
    done = settings_with(DATABASE_REPLICA_URL="postgres://app@db-standby:5432/impulsa")
    assert done.returncode != 0
    assert "DATABASE_REPLICA_URL is set without DATABASE_URL" in done.stderr
