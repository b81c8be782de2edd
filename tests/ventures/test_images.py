import io
import struct
import time

import pytest
from PIL import Image

from backend.lib import images
from backend.lib.errors import DomainError, TooLarge

XMP = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description secret='home'/></x:xmpmeta>"


def jpeg_with_everything() -> bytes:
    """A JPEG with EXIF (orientation and GPS), an XMP packet and a comment."""
    img = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: must come back upright (20 x 40)
    exif[0x8825] = {1: "S", 2: (12.0, 3.0, 0.0), 3: "W", 4: (77.0, 2.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif, comment=b"taken at Jr. Ayacucho 123")
    data = out.getvalue()
    app1 = b"\xff\xe1" + struct.pack(">H", len(XMP) + 2) + XMP
    return data[:2] + app1 + data[2:]


def test_metadata_is_dropped_and_orientation_applied() -> None:
    source = jpeg_with_everything()
    with Image.open(io.BytesIO(source)) as img:  # the test file really carries it all
        assert img.getexif().get(0x8825)
        assert b"xmpmeta" in source
        assert img.info.get("comment")
    clean = images.clean_image(source)
    for blob in (clean.data, clean.thumbnail):
        assert b"xmpmeta" not in blob
        assert b"Ayacucho" not in blob
        assert b"Exif" not in blob
        with Image.open(io.BytesIO(blob)) as out:
            assert out.format == "JPEG"
            assert not out.getexif()
            assert "comment" not in out.info
            assert "icc_profile" not in out.info
    with Image.open(io.BytesIO(clean.data)) as out:
        assert out.size == (20, 40)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(fmt: str) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 255, 128)).save(out, format=fmt)
    clean = images.clean_image(out.getvalue())
    assert clean.data.startswith(b"\xff\xd8\xff")


def test_a_renamed_html_file_is_refused() -> None:
    upload = io.BytesIO(b"<html><script>alert(1)</script></html>")
    upload.name = "receipt.jpg"
    with pytest.raises(DomainError) as exc:
        images.clean_image(upload)
    assert exc.value.status == 415


def test_a_gif_is_refused_by_content() -> None:
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, format="GIF")
    with pytest.raises(DomainError):
        images.clean_image(out.getvalue())


def test_a_damaged_jpeg_is_refused() -> None:
    with pytest.raises(DomainError) as exc:
        images.clean_image(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    assert exc.value.status == 415


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares a huge picture (its pixel data is missing)."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [30_000, 7_000])
def test_a_decompression_bomb_is_refused_quickly(side: int) -> None:
    data = bomb_png(side, side)
    assert len(data) < 100
    started = time.monotonic()
    with pytest.raises(DomainError) as exc:
        images.clean_image(data)
    assert exc.value.code == "too_many_pixels"
    assert time.monotonic() - started < 0.5


def test_more_than_10_mb_is_refused_before_reading() -> None:
    class Huge(io.BytesIO):
        size = images.MAX_BYTES + 1

        def read(self, *args: object) -> bytes:
            raise AssertionError("read before the size check")

    with pytest.raises(TooLarge):
        images.clean_image(Huge(b""))


def test_storage_names_are_generated() -> None:
    full, thumb = images.storage_names("receipts", "jpg")
    assert full.startswith("receipts/")
    assert full.endswith(".jpg")
    assert thumb.endswith("-thumb.jpg")
    assert full != images.storage_names("receipts", "jpg")[0]


def _photo(side: tuple[int, int] = (1200, 900)) -> bytes:
    """A JPEG with detail everywhere (noise compresses badly, so the file is long enough)."""
    img = Image.effect_noise(side, 64).convert("RGB")
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_a_jpeg_cut_short_is_refused_even_with_weasyprint_loaded() -> None:
    import weasyprint  # noqa: F401 - importing it is what sets Pillow's flag
    from PIL import ImageFile

    import backend.lib.pdf  # noqa: F401

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint leaves it on import
    try:
        whole = _photo()
        assert len(whole) > 3_000
        assert images.clean_image(whole).width == 1200
        with pytest.raises(images.NotAnImage):
            images.clean_image(whole[:3_000])
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def test_the_pixel_cap_is_what_phone_receipts_need() -> None:
    assert images.MAX_PIXELS == 24_000_000
    with pytest.raises(DomainError) as caught:  # the 6300x6300 PNG of the outside probe
        images.clean_image(bomb_png(6_300, 6_300))
    assert caught.value.code == "too_many_pixels"


def test_a_jpeg_is_decoded_at_the_stored_size(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = []
    original = images._pixels_only

    def spy(img: Image.Image) -> Image.Image:
        sizes.append(img.size)
        return original(img)

    monkeypatch.setattr(images, "_pixels_only", spy)
    clean = images.clean_image(_photo((4_000, 3_000)))
    assert (clean.width, clean.height) == (4_000, 3_000)  # what the phone sent
    assert sizes == [(2_000, 1_500)]  # decoded at a quarter of the pixels


def test_at_most_the_configured_number_of_pictures_decode_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    busy, peak, lock = [0], [0], threading.Lock()
    original = images._pixels_only

    def slow(img: Image.Image) -> Image.Image:
        with lock:
            busy[0] += 1
            peak[0] = max(peak[0], busy[0])
        time.sleep(0.05)
        with lock:
            busy[0] -= 1
        return original(img)

    monkeypatch.setattr(images, "_pixels_only", slow)
    photo = _photo((300, 200))
    threads = [threading.Thread(target=images.clean_image, args=(photo,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == images.DECODE_SLOTS == 2
