"""The shared image check: real images of an allowed format and size, metadata (EXIF with
GPS, text chunks) dropped while the picture stays upright, thumbnails."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from leerpad.core import images

GPS_IFD = 0x8825
ORIENTATION = 0x0112
ALL = {"JPEG", "PNG", "GIF", "WEBP"}


def _upload(data: bytes, name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _jpeg_with_gps(size: tuple[int, int] = (64, 48), rotated: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (3.0, 43.0, 0.0)}
    if rotated:
        exif[ORIENTATION] = 6  # "turn me 90 degrees clockwise"
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png(size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""
    data = bytearray(_png((1, 1)))
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr) & 0xFFFFFFFF)
    return bytes(data)


def test_jpeg_with_gps_comes_out_without_it_and_upright() -> None:
    original = _jpeg_with_gps((64, 48), rotated=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD), "the photo needs GPS"
    upload = _upload(original)
    facts = images.check(upload, formats=ALL)
    assert (facts.format, facts.width, facts.height) == ("JPEG", 64, 48)
    cleaned = images.strip_metadata(upload, facts)
    image = Image.open(io.BytesIO(cleaned.data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in cleaned.data
    # Turned the way the orientation tag said before the tag went.
    assert image.size == (48, 64)
    assert (cleaned.facts.width, cleaned.facts.height) == (48, 64)


def test_png_text_is_dropped_and_transparency_kept() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Lena Test, Gent")
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    upload = _upload(out.getvalue(), "p.png")
    cleaned = images.strip_metadata(upload, images.check(upload, formats=ALL))
    assert b"Lena Test" not in cleaned.data
    image = Image.open(io.BytesIO(cleaned.data))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (0, 0, 0, 0)


def test_not_an_image_is_refused_with_the_apps_wording() -> None:
    messages = images.Messages(unreadable="Not a photo of ours.")
    with pytest.raises(ValidationError, match="Not a photo of ours") as caught:
        images.check(_upload(b"<script>alert(1)</script>"), formats=ALL, messages=messages)
    assert caught.value.code == "unreadable"


def test_truncated_file_is_refused() -> None:
    data = _png((200, 200))
    with pytest.raises(ValidationError, match="not an image Leerpad can read"):
        images.check(_upload(data[: len(data) // 2], "half.png"), formats=ALL)


def test_truncated_jpeg_that_passes_verify_is_refused_when_cleaned() -> None:
    data = _jpeg_with_gps((300, 300))
    upload = _upload(data[: len(data) - 200])
    with pytest.raises(ValidationError, match="not an image Leerpad can read"):
        images.strip_metadata(upload, images.check(upload, formats=ALL))


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _png_claiming(100_000, 100_000)  # 10 000 megapixels in a few bytes
    assert len(bomb) < 200
    with pytest.raises(ValidationError, match="too many pixels") as caught:
        images.check(_upload(bomb, "bomb.png"), formats=ALL)
    assert caught.value.code == "too_many_pixels"


def test_picture_over_the_apps_pixel_limit_is_refused() -> None:
    with pytest.raises(ValidationError, match="too many pixels"):
        images.check(_upload(_png((20, 20)), "p.png"), formats=ALL, max_pixels=399)
    assert images.check(_upload(_png((20, 20)), "p.png"), formats=ALL, max_pixels=400).width == 20


def test_file_over_the_size_limit_is_refused() -> None:
    data = _png()
    with pytest.raises(ValidationError) as caught:
        images.check(_upload(data, "p.png"), formats=ALL, max_bytes=len(data) - 1)
    assert caught.value.code == "too_large"
    images.check(_upload(data, "p.png"), formats=ALL, max_bytes=len(data))


def test_format_outside_the_list_is_refused_and_names_the_allowed_ones() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    with pytest.raises(ValidationError, match="JPEG, PNG, WebP") as caught:
        images.check(_upload(out.getvalue(), "old.bmp"), formats={"WEBP", "PNG", "JPEG"})
    assert caught.value.code == "wrong_format"


def test_check_rewinds_the_file() -> None:
    upload = _upload(_png(), "p.png")
    images.check(upload, formats=ALL)
    assert upload.tell() == 0


def test_thumbnail_fits_the_box() -> None:
    data = images.thumbnail(_png((1600, 1200)), 320, fmt="PNG")
    assert data is not None
    thumb = Image.open(io.BytesIO(data))
    assert (thumb.format, thumb.size) == ("PNG", (320, 240))
    jpeg = images.thumbnail(_png((100, 400), mode="RGBA"), 50)
    assert jpeg is not None
    assert Image.open(io.BytesIO(jpeg)).format == "JPEG"
    assert images.thumbnail(b"nothing", 50) is None
