"""The app starts on a machine without Pango: WeasyPrint is imported only when a PDF is made."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
import django
django.setup()
import backend.urls  # every view module the URLconf reaches
from backend.wsgi import application
from django.urls import get_resolver
get_resolver().url_patterns  # resolve lazily-included URLconfs too
print("weasyprint" in sys.modules, "pydyf" in sys.modules)
"""


def test_serving_the_app_does_not_import_weasyprint() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings", "DJANGO_DEBUG": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"], out.stdout + out.stderr
