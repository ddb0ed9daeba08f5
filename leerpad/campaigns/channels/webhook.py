"""Posting JSON to an incoming webhook (Slack, Teams) with the standard library."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

TIMEOUT = 10  # seconds


class WebhookError(RuntimeError):
    pass


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST `payload`; raises WebhookError unless the receiver answers 2xx."""
    if not url:
        raise WebhookError("No webhook address is configured for this channel.")
    if not url.startswith(("https://", "http://")):
        raise WebhookError("The webhook address must start with https://.")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status = response.status
            body = response.read(2000)
    except OSError as exc:  # URLError, HTTPError, timeouts are all OSErrors
        raise WebhookError(f"The webhook could not be reached: {exc}") from exc
    if not 200 <= status < 300:
        raise WebhookError(f"The webhook answered {status}: {body[:200]!r}")
