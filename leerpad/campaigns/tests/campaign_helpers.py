"""Helpers for the campaign tests: a campaign with messages over a segment of everyone,
fixed moments (UTC) with known weekdays, and local receivers for the channels."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from leerpad.campaigns import services
from leerpad.campaigns.models import Campaign, Message, Segment

UTC = dt.UTC
# Tuesday 1 December 2026, 10:00 UTC = 11:00 in Brussels (CET, UTC+1).
TUESDAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
# Friday 4 December 2026, 17:30 UTC = 18:30 in Brussels: after the send window.
FRIDAY_EVENING = dt.datetime(2026, 12, 4, 17, 30, tzinfo=UTC)

TEXTS = {
    "nl": {
        "subject": "Hallo {first_name}",
        "hook": "Dag {first_name}",
        "story": "Een verhaal uit {location}.",
        "ask": "Begin nu",
    },
    "en": {
        "subject": "Hello {first_name}",
        "hook": "Hi {first_name}",
        "story": "A story from {location}.",
        "ask": "Start now",
    },
}


def everyone() -> Segment:
    return services.create_segment("Everyone", "", {"match": "all", "rules": []}, by=None)


def campaign(
    channels: tuple[str, ...] = (Message.Channel.EMAIL,),
    *,
    segment: Segment | None = None,
    texts: dict[str, dict[str, str]] | None = None,
    **fields: Any,
) -> Campaign:
    fields.setdefault("name", "Welcome")
    fields.setdefault("send_at", TUESDAY)
    made = services.save_campaign(Campaign(segment=segment or everyone(), **fields))
    for channel in channels:
        services.save_message(made, channel, texts or TEXTS)
    return made


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.server.received.append(  # type: ignore[attr-defined]
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
        )
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def http_receiver(status: int = 200) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTP server that records every POSTed JSON body; yields (url, received)."""
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    server.received = []  # type: ignore[attr-defined]
    server.status = status  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", server.received  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
