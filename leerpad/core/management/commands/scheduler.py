"""`leerpad scheduler`: the clock of periodic work (reminders and the like).

A loop that sends `core.signals.periodic` every `--interval` seconds; each app's receiver
queues its own task, which the task worker runs. One small process instead of cron, so
`make run` on a laptop sends reminders too; installs that prefer cron run
`leerpad scheduler --once` from it instead.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from leerpad.core.logging import get_logger
from leerpad.core.signals import periodic

log = get_logger(__name__)


def tick() -> int:
    """Send `periodic` once; returns how many receivers ran without an error."""
    ok = 0
    for receiver, result in periodic.send_robust(sender=Command, now=timezone.now()):
        if isinstance(result, Exception):
            log.error("scheduler.receiver_failed", receiver=str(receiver), error=str(result))
        else:
            ok += 1
    close_old_connections()
    return ok


class Command(BaseCommand):
    help = "Send the periodic signal every few minutes, so apps queue their periodic tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=int, default=600, help="Seconds between runs (default 600)."
        )
        parser.add_argument("--once", action="store_true", help="Run once and stop (for cron).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            tick()
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        interval = max(10, int(options["interval"]))
        log.info("scheduler.started", interval=interval)
        while not stop.is_set():
            tick()
            stop.wait(interval)
