"""Reads certificate PDFs the way a person or an employer's phone would."""

import io
import subprocess
import tempfile
from pathlib import Path

import pypdf
import zxingcpp
from PIL import Image


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def qr_texts(pdf: bytes) -> list[str]:
    """Rasterises the first page at 150 dpi with poppler and decodes every QR code on it."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "c.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(source), f"{tmp}/p"],  # noqa: S607
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("p*.png")))
        return [r.text for r in zxingcpp.read_barcodes(image)]
