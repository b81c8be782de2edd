"""PDFs from Django templates through WeasyPrint, which may fetch nothing from the network.

Only data: URIs and files under our own static directory are loaded; any other URL in a
template (or in user text that reached one) is refused, so rendering a PDF can never make the
server fetch anything. Templates refer to static files by relative path ("css/pdf.css").

WeasyPrint (and the Pango it loads) is imported only when a PDF is made, so the app starts and
serves every other page on a machine where Pango is missing.
"""

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile

# Importing WeasyPrint makes Pillow accept truncated images everywhere in the process; uploads
# must not be. It is imported lazily (below), so the flag is put back right after each import;
# backend/lib/images.py also resets it before each decode.

STATIC_ROOT = (Path(settings.BASE_DIR) / "backend" / "static").resolve()


def local_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads data: URIs and our static files, nothing else."""
    # WeasyPrint is heavy (Pango, fonts): loaded on the first PDF, not at every start
    from weasyprint.urls import URLFetcher

    ImageFile.LOAD_TRUNCATED_IMAGES = False

    class LocalOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(STATIC_ROOT):
                    raise ValueError(f"PDF rendering may not read {path}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher()


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Renders a template to PDF bytes, in the given language."""
    # WeasyPrint is heavy (Pango, fonts): loaded on the first PDF, not at every start
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    document = HTML(
        string=html, base_url=f"{STATIC_ROOT.as_uri()}/", url_fetcher=local_only_fetcher()
    )
    return document.write_pdf()
