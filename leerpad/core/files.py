"""Serving a stored file from a permission-checked view, with single byte ranges.

Players seek with ranges, and phone browsers (Safari above all) only play a video when
they can ask for parts of it. Catalogue files, sparks and assets are all served here, so
the range rules and the privacy headers are written once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from django.core.files import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 256 * 1024


def _chunks(handle: IO[bytes], left: int) -> Iterator[bytes]:
    try:
        while left > 0:
            data = handle.read(min(_CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def _ranged(
    request: HttpRequest, handle: IO[bytes], size: int, content_type: str
) -> HttpResponseBase | None:
    """A 206 answer to a single byte range, a 416 to one outside the file, or None."""
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match is None or not (match[1] or match[2]):
        return None
    if match[1]:
        first = int(match[1])
        last = min(int(match[2]), size - 1) if match[2] else size - 1
    else:
        first, last = max(size - int(match[2]), 0), size - 1
    if first > last or first >= size:
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    handle.seek(first)
    response = StreamingHttpResponse(
        _chunks(handle, last - first + 1), status=206, content_type=content_type
    )
    response["Content-Length"] = str(last - first + 1)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response


def serve(
    request: HttpRequest,
    stored: Any,
    content_type: str,
    *,
    filename: str | None = None,
    attachment: bool = False,
) -> HttpResponseBase:
    """The stored file (a FieldFile) for the browser: shown inline with byte ranges, or as
    a download. A missing file is a 404. Private caching only: these files are not public."""
    if not stored:
        raise Http404
    try:
        size = stored.size
        handle = stored.open("rb")
    except OSError:
        raise Http404 from None
    response = None if attachment else _ranged(request, handle, size, content_type)
    if response is None:
        response = FileResponse(
            File(handle),
            as_attachment=attachment,
            filename=filename or "",
            content_type=content_type,
        )
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
