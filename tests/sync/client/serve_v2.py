"""Runs the server with schema version 2 declared (tests/sync/schema_v2.py), for the client's
migration scenario, after writing that version's WatermelonDB schema and migrations.

Usage: serve_v2.py <address:port> <spec dir>. Run with the server's settings, like seed.py.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from backend.sync import contract  # noqa: E402
from tests.sync import schema_v2  # noqa: E402


def main(address: str, spec: Path) -> None:
    schema_v2.install()
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "watermelon_schema.js").write_text(contract.app_schema_js())
    (spec / "watermelon_migrations.js").write_text(contract.schema_migrations_js())
    call_command("runserver", address, use_reloader=False)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
