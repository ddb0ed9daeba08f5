"""Small files for the sparks tests, made here (nothing binary is committed)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(size: tuple[int, int] = (64, 48), rotated: bool = False) -> bytes:
    """A phone-like JPEG: EXIF with a GPS position, a camera make and (optionally) the
    orientation tag that says "turn me 90 degrees"."""
    image = Image.new("RGB", size, (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 3.0, 0.0), 3: "E", 4: (3.0, 43.0, 0.0)}
    if rotated:
        exif[ORIENTATION] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, "PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo_upload(name: str = "floor.jpg") -> SimpleUploadedFile:
    return upload(name, jpeg_with_gps(), "image/jpeg")


def mp4(extra: int = 0) -> bytes:
    # The start of an ISO base media file: a box size, "ftyp", a brand.
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * extra


def video_upload(name: str = "clip.mp4") -> SimpleUploadedFile:
    return upload(name, mp4(100), "video/mp4")
