"""Checking and cleaning the photos and videos people send from the floor.

Photos are opened and verified with Pillow (what is not an image is refused), turned
upright, and saved again without their metadata: a phone photo carries EXIF with the GPS
position where it was taken, which would tell where the employee was. A thumbnail is made
for the board. Videos cannot be decoded here, so they are checked by extension, content
type, their first bytes (the container's signature) and size.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
IMAGE_MAX_BYTES = 10 * MB
VIDEO_MAX_BYTES = 100 * MB
# Pillow's own bomb guard stops at ~179 megapixels; a phone photo is 12 to 50.
IMAGE_MAX_PIXELS = 60_000_000
THUMBNAIL_SIZE = (480, 480)

# Pillow format -> (content type, extension) of the cleaned file.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
VIDEO_TYPES = {
    ".mp4": {"video/mp4"},
    ".m4v": {"video/mp4", "video/x-m4v"},
    ".mov": {"video/quicktime", "video/mp4"},
    ".webm": {"video/webm"},
    ".3gp": {"video/3gpp", "video/mp4"},
}
# Some browsers send a generic type for files they do not know; the signature decides.
GENERIC_TYPES = {"", "application/octet-stream"}


@dataclass(frozen=True)
class Prepared:
    """A checked, cleaned upload, ready to store."""

    content: File[Any]
    media_type: str
    thumbnail: ContentFile[bytes] | None

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def _stem(name: str) -> str:
    stem = os.path.splitext(os.path.basename(name))[0]
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)[:60].strip("-")
    return safe or "spark"


def looks_like_image(upload: UploadedFile) -> bool:
    """Whether the browser says it is an image (to pick the image or the video checks)."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    content_type = (upload.content_type or "").lower()
    if content_type.startswith("image/"):
        return True
    return not (content_type.startswith("video/") or ext in VIDEO_TYPES)


def prepare(upload: UploadedFile) -> Prepared:
    """The cleaned file, or ValidationError with a message for the person."""
    return prepare_image(upload) if looks_like_image(upload) else prepare_video(upload)


def prepare_image(upload: UploadedFile) -> Prepared:
    if (upload.size or 0) > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("This photo is larger than %(limit)s MB. Take it again or send a smaller one.")
            % {"limit": IMAGE_MAX_BYTES // MB}
        )
    not_an_image = ValidationError(
        _("This file is not a photo we can read. Send a JPEG, PNG or WebP image.")
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > IMAGE_MAX_PIXELS:
                raise ValidationError(_("This photo has too many pixels. Send a smaller one."))
            probe.verify()  # checks the file's structure without decoding it all
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format or "JPEG"
            image.load()
            # Turn it the way the phone held it before the EXIF that says so is dropped.
            upright = ImageOps.exif_transpose(image)
            media_type, ext = IMAGE_FORMATS[fmt]
            clean = _without_metadata(upright, fmt)
            cleaned = _encode(clean, fmt)
            thumb = clean.copy()
            thumb.thumbnail(THUMBNAIL_SIZE)
            thumb_bytes = _encode(thumb.convert("RGB"), "JPEG")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # Also what decodes but cannot be converted (unusual modes such as 16-bit grey).
        raise not_an_image from None
    stem = _stem(upload.name or "")
    content = ContentFile(cleaned, name=f"{stem}.{ext}")
    thumbnail = ContentFile(thumb_bytes, name=f"{stem}-thumb.jpg")
    return Prepared(content=content, media_type=media_type, thumbnail=thumbnail)


def _without_metadata(image: Image.Image, fmt: str) -> Image.Image:
    """A copy with the pixels only: no EXIF (GPS, camera, time), no XMP, no comments."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        palette = image.getpalette()
        if palette is not None:
            clean.putpalette(palette)
    clean.paste(image)
    return clean


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    else:
        image.save(out, fmt)
    return out.getvalue()


def _video_signature_ok(head: bytes, ext: str) -> bool:
    if ext == ".webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")  # Matroska/WebM (EBML header)
    # MP4, MOV, M4V and 3GP are ISO base media files: a box size, then "ftyp" (or, in
    # older QuickTime files, another top-level box such as "moov", "mdat" or "wide").
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def prepare_video(upload: UploadedFile) -> Prepared:
    ext = os.path.splitext(upload.name or "")[1].lower()
    allowed = VIDEO_TYPES.get(ext)
    content_type = (upload.content_type or "").lower()
    if allowed is None or (content_type not in allowed and content_type not in GENERIC_TYPES):
        raise ValidationError(
            _("This is not a video we can take. Send an MP4, MOV, WebM or 3GP video.")
        )
    if (upload.size or 0) > VIDEO_MAX_BYTES:
        raise ValidationError(
            _("This video is larger than %(limit)s MB. Send a shorter one.")
            % {"limit": VIDEO_MAX_BYTES // MB}
        )
    upload.seek(0)
    head = upload.read(16)
    if not _video_signature_ok(head, ext):
        raise ValidationError(
            _("This file does not look like a video. Send an MP4, MOV, WebM or 3GP video.")
        )
    upload.seek(0)
    media_type = content_type if content_type not in GENERIC_TYPES else sorted(allowed)[0]
    # Stored as it came (streamed from the upload's temporary file, not read into memory).
    content = File(upload, name=f"{_stem(upload.name or '')}{ext}")
    return Prepared(content=content, media_type=media_type, thumbnail=None)
