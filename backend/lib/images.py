"""Photos people upload (receipts, venture pictures), made safe before they are stored.

A receipt photo can carry the GPS position where it was taken: for a migrant that can be a
home address. So every picture is decoded and re-encoded from its pixels alone, which leaves
behind every metadata block (EXIF with GPS, XMP, comments, ICC profiles, embedded thumbnails).

Checks happen from cheapest to dearest: the byte size before anything is read, the format from
the first bytes (never the file name or the declared content type), the pixel count from the
header before any pixel is decoded.

Decoding is the dear part, and it is bounded three ways:

- the pixel cap (MAX_PIXELS, 24 megapixels) is what a phone photo of a receipt needs: phone
  cameras save 12 MP (4000x3000) by default, and 48/50 MP sensors save 12 MP unless set to full
  resolution; 24 MP (6000x4000) leaves room for those that save more. A 6300x6300 PNG
  (39.7 MP, which the old 40 MP cap let through) is refused from its header;
- a JPEG, nearly every phone photo, is decoded in draft mode: the decoder scales by 1/2, 1/4
  or 1/8 while decoding, to the smallest size that is still at least the stored size
  (MAX_SIDE), so a 12 MP photo is decoded at 3 MP;
- at most DECODE_SLOTS pictures decode at once per process (IMPULSA_IMAGE_DECODES, 2 by
  default); other uploads wait their turn. With gunicorn's 2 workers that is 4 on a server.

A damaged picture is refused, whatever else is loaded: WeasyPrint sets Pillow's global
``ImageFile.LOAD_TRUNCATED_IMAGES`` to True when it is imported, which would make a JPEG cut
short decode with grey where its data is missing. The flag is put back to False before every
decode, and every picture is decoded in full before it is accepted.
"""

import io
import os
import threading
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .errors import DomainError, TooLarge

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 24_000_000
DECODE_SLOTS = int(os.environ.get("IMPULSA_IMAGE_DECODES") or 2)
_decoding = threading.BoundedSemaphore(DECODE_SLOTS)
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
                # Full-size pixels exist only inside the slot: out of it come two JPEGs.
                with _decoding:
                    picture = _decode(img)
                    picture.thumbnail((MAX_SIDE, MAX_SIDE))
                    data = _jpeg(picture)
                    picture.thumbnail((THUMB_SIDE, THUMB_SIDE))
                    thumbnail = _jpeg(picture)
                    del picture
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise NotAnImage(
                _("This picture is damaged or not a JPEG, PNG or WebP."), field="body.file"
            ) from exc
    return CleanImage(data=data, thumbnail=thumbnail, width=width, height=height)


def _decode(img: Image.Image) -> Image.Image:
    """All the pixels, or an error if any are missing; JPEGs scaled down while decoding."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # see the module's docstring
    if img.format == "JPEG":
        # The box the stored picture will fill: the decoder picks the largest reduction that
        # still covers it on both sides.
        ratio = min(1.0, MAX_SIDE / max(img.size))
        img.draft("RGB", (max(1, int(img.width * ratio)), max(1, int(img.height * ratio))))
    img.load()
    return _pixels_only(ImageOps.exif_transpose(img))


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
