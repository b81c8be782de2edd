"""Writes the API contract into mobile_api_spec/, or with --check fails when it has drifted."""

import json
import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from backend.api import api


def spec_files() -> dict[str, str]:
    """Every generated file of mobile_api_spec/, by name. Apps may add their own generators."""
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1")
    files = {
        "openapi.json": json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    }
    for config in apps.get_app_configs():
        generate = getattr(config, "api_spec_files", None)
        if generate is not None:
            files.update(generate())
    return files


class Command(BaseCommand):
    help = "Exports the OpenAPI spec (and other generated contract files) to mobile_api_spec/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="fail if the files differ from a fresh export"
        )
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "mobile_api_spec"))

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        drift = []
        for name, text in spec_files().items():
            path = out / name
            if options["check"]:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    drift.append(name)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.stdout.write(f"wrote {path}")
        if drift:
            self.stderr.write(
                "mobile_api_spec/ is out of date with the code: "
                + ", ".join(drift)
                + ". Run `make openapi` and commit the result."
            )
            sys.exit(1)
        if options["check"]:
            self.stdout.write("mobile_api_spec/ matches the code.")
