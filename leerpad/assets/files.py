"""What may be uploaded, and thumbnails: images must open in Pillow, other kinds pass an
allow-list of extensions and content types, each kind has a size limit."""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from leerpad.assets.models import Kind

MB = 1024 * 1024
MAX_SIZE_MB = {Kind.IMAGE: 20, Kind.DOCUMENT: 50, Kind.AUDIO: 100, Kind.VIDEO: 500}
MAX_PROOF_MB = 10
THUMBNAIL_PX = 320

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
    width, height, fmt = _image_facts(upload)
    if fmt not in PILLOW_FORMATS:
        raise ValidationError(_("This is not a JPEG, PNG, GIF or WebP image."))
    return Checked(Image.MIME.get(fmt, content_type), size, width, height)


def _image_facts(upload: UploadedFile) -> tuple[int, int, str]:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
        upload.seek(0)
        # verify() leaves the image unusable; open again for the size.
        with Image.open(upload) as image:
            width, height = image.size
            fmt = image.format or ""
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("This file is not an image Leerpad can read.")) from None
    finally:
        upload.seek(0)
    return width, height, fmt


def check_proof(upload: UploadedFile) -> str:
    """A consent's proof: a PDF or a photo of the signed form; returns the content type."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > MAX_PROOF_MB * MB:
        raise ValidationError(_("The proof is larger than %(limit)s MB.") % {"limit": MAX_PROOF_MB})
    suffix = _suffix(upload.name or "")
    if suffix not in PROOF_EXTENSIONS:
        raise ValidationError(_("The proof must be a PDF, JPEG or PNG file."))
    return PROOF_EXTENSIONS[suffix]


def thumbnail(upload: UploadedFile) -> ContentFile[bytes] | None:
    """A small PNG of an image for the library's list (None when Pillow cannot make one)."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            converted = image.convert("RGBA") if image.mode not in ("RGB", "RGBA") else image
            out = io.BytesIO()
            converted.save(out, format="PNG")
    except (OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name="thumb.png")


def content_type_for(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
