"""Checking and cleaning uploads: images verified by Pillow, EXIF (GPS) stripped, videos
by extension, content type, signature and size."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from leerpad.sparks import media
from leerpad.sparks.tests.helpers import GPS_IFD, jpeg_with_gps, mp4, png, upload


def _read(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_photo_is_saved_again_without_exif_or_gps() -> None:
    original = jpeg_with_gps()
    assert _read(original).getexif().get_ifd(GPS_IFD), "the test photo must carry GPS"
    prepared = media.prepare(upload("IMG_0001.JPG", original, "image/jpeg"))
    cleaned = prepared.content.read()
    image = _read(cleaned)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in cleaned
    assert prepared.media_type == "image/jpeg"


def test_photo_is_turned_upright_before_its_orientation_tag_goes() -> None:
    prepared = media.prepare(upload("p.jpg", jpeg_with_gps((64, 48), rotated=True), "image/jpeg"))
    assert _read(prepared.content.read()).size == (48, 64)


def test_thumbnail_is_small_jpeg() -> None:
    prepared = media.prepare(upload("big.png", png((1600, 1200)), "image/png"))
    assert prepared.thumbnail is not None
    thumb = _read(prepared.thumbnail.read())
    assert thumb.format == "JPEG"
    assert max(thumb.size) == media.THUMBNAIL_SIZE[0]
    assert prepared.media_type == "image/png"


def test_text_pretending_to_be_an_image_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a photo we can read"):
        media.prepare(upload("evil.jpg", b"<script>alert(1)</script>", "image/jpeg"))


def test_truncated_image_is_refused() -> None:
    data = png((200, 200))
    with pytest.raises(ValidationError, match="not a photo"):
        media.prepare(upload("half.png", data[: len(data) // 2], "image/png"))


def test_image_formats_outside_the_list_are_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        media.prepare(upload("old.bmp", out.getvalue(), "image/bmp"))


def test_image_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = png()
    monkeypatch.setattr(media, "IMAGE_MAX_BYTES", len(data) - 1)
    with pytest.raises(ValidationError, match="larger than"):
        media.prepare(upload("p.png", data, "image/png"))


def test_video_passes_on_extension_type_and_signature() -> None:
    prepared = media.prepare(upload("clip.MP4", mp4(10), "video/mp4"))
    assert prepared.media_type == "video/mp4"
    assert prepared.thumbnail is None
    assert prepared.content.name == "clip.mp4"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("clip.exe", mp4(), "video/mp4"),  # extension
        ("clip.mp4", mp4(), "video/webm"),  # content type does not fit the extension
        ("clip.mp4", b"MZ\x90\x00" + b"\x00" * 20, "video/mp4"),  # not a video inside
        ("clip.webm", mp4(), "video/webm"),  # an MP4 named .webm
    ],
)
def test_videos_that_do_not_fit_are_refused(name: str, data: bytes, content_type: str) -> None:
    with pytest.raises(ValidationError):
        media.prepare(upload(name, data, content_type))


def test_video_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "VIDEO_MAX_BYTES", 50)
    with pytest.raises(ValidationError, match="larger than"):
        media.prepare(upload("clip.mp4", mp4(100), "video/mp4"))


def test_png_text_chunks_are_dropped_and_modes_survive() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Lena Test, Gent")
    for mode in ("RGBA", "P", "L"):
        out = io.BytesIO()
        Image.new(mode, (30, 20)).save(out, "PNG", pnginfo=info)
        assert b"Lena Test" in out.getvalue()
        prepared = media.prepare(upload("p.png", out.getvalue(), "image/png"))
        cleaned = prepared.content.read()
        assert b"Lena Test" not in cleaned
        assert _read(cleaned).mode == mode


def test_too_many_pixels_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "IMAGE_MAX_PIXELS", 100)
    with pytest.raises(ValidationError, match="too many pixels"):
        media.prepare(upload("p.png", png((20, 20)), "image/png"))
