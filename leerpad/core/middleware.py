from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from leerpad.core.logging import get_logger

log = get_logger("leerpad.request")


ANONYMOUS_PATHS = "/workspace/voice/"


class RequestLogMiddleware:
    """One structured log line per request, and a request id on every line in between.

    The id comes from an upstream proxy's X-Request-ID when there is one, so a request
    can be followed across the proxy and Leerpad; it is echoed in the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Safe voice promises that nothing ties a question or an answer to its author; a log
        # line "person X posted to /workspace/voice/ at 10:01" would, and so would the page
        # they are sent back to a moment later: no request there carries a user.
        anonymous = request.path.startswith(ANONYMOUS_PATHS)
        log.info(
            "request",
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            user_id=(
                user.pk if user is not None and user.is_authenticated and not anonymous else None
            ),
        )
        response["X-Request-ID"] = request_id
        structlog.contextvars.clear_contextvars()
        return response
