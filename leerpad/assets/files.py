"""What may be uploaded, and thumbnails: images go through the shared image check
(leerpad/core/images.py: a real JPEG, PNG, GIF or WebP, not too many pixels) and are saved
again without their metadata (EXIF with GPS, XMP); other kinds pass an allow-list of
extensions and content types; each kind has a size limit. Videos and audio are stored as
they came, with their metadata: there is no ffmpeg here to rewrite them."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leerpad.assets.models import Kind
from leerpad.core import images

MB = 1024 * 1024
MAX_SIZE_MB = {Kind.IMAGE: 20, Kind.DOCUMENT: 50, Kind.AUDIO: 100, Kind.VIDEO: 500}
MAX_PROOF_MB = 10
THUMBNAIL_PX = 320
# JPEG and WebP are saved again to drop their metadata: high quality, these are masters.
IMAGE_QUALITY = 92

EXTENSIONS: dict[str, dict[str, str]] = {
    Kind.IMAGE: {
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".png": "image/png",
        ".gif": "image/gif",
        ".webp": "image/webp",
    },
    Kind.VIDEO: {
        ".mp4": "video/mp4",
        ".m4v": "video/mp4",
        ".webm": "video/webm",
        ".mov": "video/quicktime",
    },
    Kind.AUDIO: {
        ".mp3": "audio/mpeg",
        ".m4a": "audio/mp4",
        ".wav": "audio/wav",
        ".ogg": "audio/ogg",
    },
    Kind.DOCUMENT: {
        ".pdf": "application/pdf",
        ".txt": "text/plain",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".odt": "application/vnd.oasis.opendocument.text",
    },
}
PILLOW_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# The library's wording of the shared image check (size limits are checked per kind here).
IMAGE_MESSAGES = images.Messages(
    unreadable=gettext_lazy("This file is not an image Leerpad can read."),
    wrong_format=gettext_lazy("This is not a JPEG, PNG, GIF or WebP image."),
)
PROOF_IMAGE_FORMATS = {"JPEG", "PNG"}
PROOF_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# Browsers send these when they do not know; the extension decides then.
UNKNOWN_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
# Browsers name some types differently from our table.
TYPE_ALIASES = {
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "image/jpg": "image/jpeg",
}


@dataclass(frozen=True)
class Checked:
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    image: images.Facts | None = None


def limits_text() -> str:
    return _(
        "Images up to %(image)s MB (JPEG, PNG, GIF, WebP); documents up to %(document)s MB "
        "(PDF, TXT, DOCX, PPTX, XLSX, ODT); audio up to %(audio)s MB (MP3, M4A, WAV, OGG); "
        "video up to %(video)s MB (MP4, M4V, WebM, MOV)."
    ) % {k.value: v for k, v in MAX_SIZE_MB.items()}


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def check_upload(upload: UploadedFile, kind: str) -> Checked:
    """The upload's content type and size; ValidationError says what is wrong."""
    kind = Kind(kind)
    limit = MAX_SIZE_MB[kind]
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > limit * MB:
        raise ValidationError(
            _("The file is larger than %(limit)s MB, the limit for this kind.") % {"limit": limit}
        )
    allowed = EXTENSIONS[kind]
    suffix = _suffix(upload.name or "")
    if suffix not in allowed:
        raise ValidationError(
            _("For the kind “%(kind)s” the file must be one of: %(list)s.")
            % {"kind": kind.label, "list": ", ".join(sorted(allowed))}
        )
    content_type = allowed[suffix]
    sent = TYPE_ALIASES.get(upload.content_type or "", upload.content_type or "")
    if sent not in UNKNOWN_TYPES and sent not in set(allowed.values()):
        raise ValidationError(
            _("The file says it is “%(type)s”, which does not fit the kind “%(kind)s”.")
            % {"type": sent, "kind": kind.label}
        )
    if kind != Kind.IMAGE:
        return Checked(content_type, size)
    facts = images.check(upload, formats=PILLOW_FORMATS, messages=IMAGE_MESSAGES)
    return Checked(facts.content_type, size, facts.width, facts.height, facts)


def clean_image(
    upload: UploadedFile, checked: Checked
) -> tuple[File[Any], Checked, ContentFile[bytes] | None]:
    """The image saved again without EXIF/GPS, XMP or text, turned upright (the shared
    check in leerpad/core/images.py), its facts after that, and its thumbnail.

    GIF and animated images are kept as they came: GIF has no EXIF block and saving again
    would keep the first frame only. Raises ValidationError when it cannot be decoded.
    """
    facts = checked.image
    if facts is None or facts.format == "GIF" or facts.animated:
        upload.seek(0)
        return upload, checked, thumbnail(upload)
    cleaned = images.strip_metadata(
        upload,
        facts,
        quality=IMAGE_QUALITY,
        messages=IMAGE_MESSAGES,
        thumbnail_box=THUMBNAIL_PX,
        thumbnail_fmt="PNG",
    )
    stem = Path(upload.name or "image").stem or "image"
    content = ContentFile(cleaned.data, name=f"{stem}.{cleaned.facts.extension}")
    thumb = ContentFile(cleaned.thumbnail, name="thumb.png") if cleaned.thumbnail else None
    return (
        content,
        Checked(
            checked.content_type,
            len(cleaned.data),
            cleaned.facts.width,
            cleaned.facts.height,
            cleaned.facts,
        ),
        thumb,
    )


def check_proof(upload: UploadedFile) -> images.Facts | None:
    """A consent's proof: a PDF or a photo of the signed form (a photo must be a readable
    JPEG or PNG); ValidationError says what is wrong. Returns a photo's facts (None for
    a PDF)."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > MAX_PROOF_MB * MB:
        raise ValidationError(_("The proof is larger than %(limit)s MB.") % {"limit": MAX_PROOF_MB})
    suffix = _suffix(upload.name or "")
    if suffix not in PROOF_EXTENSIONS:
        raise ValidationError(_("The proof must be a PDF, JPEG or PNG file."))
    if PROOF_EXTENSIONS[suffix] == "application/pdf":
        return None
    return images.check(upload, formats=PROOF_IMAGE_FORMATS, messages=IMAGE_MESSAGES)


def clean_proof(upload: UploadedFile) -> File[Any]:
    """The checked proof as it is stored: a photo is saved again without its metadata,
    since a phone photo of a signed form carries the GPS position of where it was signed;
    a PDF as it came."""
    facts = check_proof(upload)
    if facts is None:
        return upload
    cleaned = images.strip_metadata(upload, facts, quality=IMAGE_QUALITY, messages=IMAGE_MESSAGES)
    stem = Path(upload.name or "proof").stem or "proof"
    return ContentFile(cleaned.data, name=f"{stem}.{cleaned.facts.extension}")


def thumbnail(source: bytes | UploadedFile) -> ContentFile[bytes] | None:
    """A small PNG of an image for the library's list (None when Pillow cannot make one)."""
    data = images.thumbnail(source, THUMBNAIL_PX, fmt="PNG")
    return ContentFile(data, name="thumb.png") if data is not None else None


def content_type_for(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
