"""One image check for every upload: is it a real image of an allowed format and size, and a
copy without its metadata.

Used by the sparks (photos from the floor) and the asset library. Each app keeps its own
limits and its own wording (`Messages`), the checks themselves live here:

- `check` opens the file with Pillow, refuses what is not an image, a format outside the
  app's list, a file or a picture that is too large (also a "decompression bomb": a small
  file that claims billions of pixels), and runs Pillow's `verify` (the file's structure).
- `strip_metadata` saves the image again with its pixels only: a phone photo carries EXIF
  with the GPS position where it was taken, the camera and the time, and PNG/WebP may carry
  text or XMP. The image is first turned the way the EXIF orientation says, so it still
  shows upright once that tag is gone. Animated images keep their first frame only.
- `thumbnail` makes a small preview.

Every error is a ValidationError with a translatable message for the person who uploaded.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MB = 1024 * 1024
# Pillow warns from ~89 and refuses from ~179 megapixels; a phone photo is 12 to 50.
MAX_PIXELS = 60_000_000
# Pillow format name -> content type of the file.
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# What Pillow raises on a file it cannot read, a truncated one or an absurd size.
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


_UNREADABLE_TEXT = _("This file is not an image Leerpad can read.")
_WRONG_FORMAT_TEXT = _("This image format is not accepted. Send one of: %(allowed)s.")
_TOO_LARGE_TEXT = _("This image is larger than %(limit)s MB. Send a smaller one.")
_TOO_MANY_PIXELS_TEXT = _(
    "This image has too many pixels (at most %(limit)s megapixels). Send a smaller one."
)


@dataclass(frozen=True)
class Messages:
    """What the person reads for each refusal; an app may word them its own way.

    Placeholders, filled in when shown: too_large %(limit)s (MB), wrong_format
    %(allowed)s (the formats), too_many_pixels %(limit)s (megapixels).
    """

    unreadable: str | _StrPromise = _UNREADABLE_TEXT
    wrong_format: str | _StrPromise = _WRONG_FORMAT_TEXT
    too_large: str | _StrPromise = _TOO_LARGE_TEXT
    too_many_pixels: str | _StrPromise = _TOO_MANY_PIXELS_TEXT


DEFAULT_MESSAGES = Messages()


@dataclass(frozen=True)
class Facts:
    """What the check found out about a readable image."""

    format: str  # Pillow's name: JPEG, PNG, GIF, WEBP
    width: int
    height: int
    animated: bool

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.format, Image.MIME.get(self.format, "image/" + self.format))

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.format, self.format.lower())


def _format_list(formats: Collection[str]) -> str:
    order = list(CONTENT_TYPES)
    known = sorted(formats, key=lambda f: (order.index(f) if f in order else len(order), f))
    return ", ".join("WebP" if f == "WEBP" else f for f in known)


def _too_many_pixels(messages: Messages, limit: int) -> ValidationError:
    return ValidationError(
        messages.too_many_pixels,
        code="too_many_pixels",
        params={"limit": max(1, limit // 1_000_000)},
    )


def _open(file: IO[bytes]) -> Image.Image:
    """Pillow's open, with its "this might be a decompression bomb" warning as an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(file)


def check(
    upload: IO[bytes],
    *,
    formats: Collection[str],
    max_bytes: int | None = None,
    max_pixels: int = MAX_PIXELS,
    messages: Messages = DEFAULT_MESSAGES,
) -> Facts:
    """The facts of an image upload, or ValidationError saying what is wrong.

    `formats` are Pillow's names (JPEG, PNG, GIF, WEBP). `max_bytes` None leaves the
    file size to the caller. The image is not decoded in full: the header gives the size,
    `verify` checks the structure. The file is rewound afterwards.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if max_bytes is not None and size > max_bytes:
        raise ValidationError(
            messages.too_large, code="too_large", params={"limit": max(1, max_bytes // MB)}
        )
    unreadable = ValidationError(messages.unreadable, code="unreadable")
    try:
        upload.seek(0)
        with _open(upload) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            animated = bool(getattr(probe, "is_animated", False))
            if fmt not in formats:
                raise ValidationError(
                    messages.wrong_format,
                    code="wrong_format",
                    params={"allowed": _format_list(formats)},
                )
            if width * height > max_pixels:
                raise _too_many_pixels(messages, max_pixels)
            probe.verify()  # the file's structure, without decoding all of it
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refused before we saw the size: it claims far too many pixels.
        raise _too_many_pixels(messages, max_pixels) from None
    except _UNREADABLE:
        raise unreadable from None
    finally:
        upload.seek(0)
    return Facts(format=fmt, width=width, height=height, animated=animated)


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """A copy with the pixels only: no EXIF (GPS, camera, time), no XMP, no comments."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        palette = image.getpalette()
        if palette is not None:
            clean.putpalette(palette)
        transparency = image.info.get("transparency")
        if transparency is not None:
            clean.info["transparency"] = transparency
    clean.paste(image)
    return clean


def _encode(image: Image.Image, fmt: str, quality: int) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=quality, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=quality)
    else:
        image.save(out, fmt)
    return out.getvalue()


@dataclass(frozen=True)
class Cleaned:
    """An image saved again without metadata, upright."""

    data: bytes
    facts: Facts
    thumbnail: bytes | None = None


def strip_metadata(
    upload: IO[bytes],
    facts: Facts,
    *,
    quality: int = 88,
    messages: Messages = DEFAULT_MESSAGES,
    thumbnail_box: int | None = None,
    thumbnail_fmt: str = "JPEG",
) -> Cleaned:
    """The image of a `check`ed upload saved again in its own format, without EXIF/GPS,
    XMP or text chunks, turned upright first (its orientation tag goes with the rest).
    With `thumbnail_box`, also its preview (see `thumbnail`), made from the same decoded
    picture rather than by decoding the cleaned file again.

    An image that passed `verify` can still fail to decode (a truncated JPEG, an unusual
    mode such as 16-bit grey): that is the `unreadable` ValidationError.
    """
    try:
        upload.seek(0)
        with _open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            clean = _pixels_only(upright, facts.format)
            data = _encode(clean, facts.format, quality)
            width, height = clean.size
            preview = (
                _preview(clean, thumbnail_box, thumbnail_fmt) if thumbnail_box is not None else None
            )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, *_UNREADABLE):
        raise ValidationError(messages.unreadable, code="unreadable") from None
    finally:
        upload.seek(0)
    return Cleaned(
        data=data,
        facts=Facts(format=facts.format, width=width, height=height, animated=False),
        thumbnail=preview,
    )


def _preview(image: Image.Image, box: int, fmt: str) -> bytes:
    small = image.copy()
    small.thumbnail((box, box))
    if fmt == "JPEG":
        small = small.convert("RGB")
    elif small.mode not in ("RGB", "RGBA"):
        small = small.convert("RGBA")
    out = io.BytesIO()
    small.save(out, fmt)
    return out.getvalue()


def thumbnail(source: bytes | IO[bytes], box: int, *, fmt: str = "JPEG") -> bytes | None:
    """A preview that fits in box x box pixels as JPEG (flattened) or PNG (keeps
    transparency); None when Pillow cannot make one (the caller shows none)."""
    file = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        file.seek(0)
        with _open(file) as image:
            # In place first: on a file not decoded yet, Pillow then decodes a JPEG at a
            # reduced size (draft mode) instead of in full.
            image.thumbnail((box, box))
            data = _preview(image, box, fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, *_UNREADABLE):
        return None
    finally:
        file.seek(0)
    return data
