"""Photos people upload (receipts, venture pictures), made safe before they are stored.

A receipt photo can carry the GPS position where it was taken: for a migrant that can be a
home address. So every picture is decoded and re-encoded from its pixels alone, which leaves
behind every metadata block (EXIF with GPS, XMP, comments, ICC profiles, embedded thumbnails).

Checks happen from cheapest to dearest: the byte size before anything is read, the format from
the first bytes (never the file name or the declared content type), the pixel count from the
header before any pixel is decoded.
"""

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import DomainError, TooLarge

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000  # stored pictures are scaled down to this longest side
THUMB_SIDE = 320
CONTENT_TYPE = "image/jpeg"

# The first bytes of each accepted format, mapped to Pillow's format name.
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"WEBP", 8, "WEBP"),
]


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    extension: str = "jpg"
    content_type: str = CONTENT_TYPE


class NotAnImage(DomainError):
    status = 415
    code = "unsupported_image"


def sniff(head: bytes) -> str | None:
    for magic, offset, name in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if name == "WEBP" and not head.startswith(b"RIFF"):
                continue
            return name
    return None


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    return int(size)


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise TooLarge(
            _("The picture is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            field="body.file",
        )


def clean_image(upload: Any) -> CleanImage:
    """Validates and re-encodes an uploaded picture as a metadata-free JPEG with a thumbnail."""
    if isinstance(upload, bytes):
        upload = io.BytesIO(upload)
    check_size(_size_of(upload))
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise NotAnImage(_("Send a JPEG, PNG or WebP picture."), field="body.file")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # open() reads the header only: the size is known before any pixel is decoded.
            with Image.open(upload, formats=[kind]) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise _too_many_pixels()
                img.load()
                picture = _pixels_only(ImageOps.exif_transpose(img))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise NotAnImage(
                _("This picture is damaged or not a JPEG, PNG or WebP."), field="body.file"
            ) from exc
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    data = _jpeg(picture)
    picture.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return CleanImage(data=data, thumbnail=_jpeg(picture), width=width, height=height)


def _too_many_pixels() -> DomainError:
    return DomainError(
        _("The picture has too many pixels (at most %(mp)s megapixels).")
        % {"mp": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
        status=422,
        field="body.file",
    )


def _pixels_only(img: Image.Image) -> Image.Image:
    """A new RGB image built from the pixel values alone, so no metadata can come along."""
    if img.mode in {"RGBA", "LA", "P", "PA"}:
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        rgb = background
    else:
        rgb = img.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def storage_names(folder: str, extension: str) -> tuple[str, str]:
    """Unguessable names that say nothing of the person or the original file name."""
    stem = f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    return f"{stem}.{extension}", f"{stem}-thumb.{extension}"
