"""Checking and cleaning the photos and videos people send from the floor.

Photos go through the shared image check (leerpad/core/images.py): verified with Pillow
(what is not an image is refused), turned upright, and saved again without their
metadata: a phone photo carries EXIF with the GPS position where it was taken, which
would tell where the employee was. A thumbnail is made
for the board. Videos cannot be decoded here, so they are checked by extension, content
type, their first bytes (the container's signature) and size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.core import images

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
# The floor's wording of the shared image check (leerpad/core/images.py).
MESSAGES = images.Messages(
    unreadable=gettext_lazy(
        "This file is not a photo we can read. Send a JPEG, PNG or WebP image."
    ),
    wrong_format=gettext_lazy(
        "This file is not a photo we can read. Send a JPEG, PNG or WebP image."
    ),
    too_large=gettext_lazy(
        "This photo is larger than %(limit)s MB. Take it again or send a smaller one."
    ),
    too_many_pixels=gettext_lazy("This photo has too many pixels. Send a smaller one."),
)
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
    # The limits are read here, not bound at import, so they can be changed in one place.
    facts = images.check(
        upload,
        formats=IMAGE_FORMATS,
        max_bytes=IMAGE_MAX_BYTES,
        max_pixels=IMAGE_MAX_PIXELS,
        messages=MESSAGES,
    )
    cleaned = images.strip_metadata(
        upload, facts, quality=88, messages=MESSAGES, thumbnail_box=THUMBNAIL_SIZE[0]
    )
    thumb_bytes = cleaned.thumbnail
    media_type, ext = IMAGE_FORMATS[facts.format]
    stem = _stem(upload.name or "")
    content = ContentFile(cleaned.data, name=f"{stem}.{ext}")
    thumbnail = (
        ContentFile(thumb_bytes, name=f"{stem}-thumb.jpg") if thumb_bytes is not None else None
    )
    return Prepared(content=content, media_type=media_type, thumbnail=thumbnail)


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
