from __future__ import annotations

import atexit
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger

from leerpad.core.logging import formatter_factory
from leerpad.core.signals import server_starting

DEFAULT_BIND = "127.0.0.1:8000"
# More workers than this mostly queue on SQLite's single writer and cost memory.
MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4


def default_workers() -> int:
    """LEERPAD_WORKERS, or the usual 2 x cores + 1, capped at MAX_DEFAULT_WORKERS."""
    configured = os.environ.get("LEERPAD_WORKERS", "").strip()
    if not configured:
        return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)
    try:
        workers = int(configured)
    except ValueError:
        raise CommandError(f"LEERPAD_WORKERS must be a whole number, not {configured!r}.") from None
    if workers < 1:
        raise CommandError("LEERPAD_WORKERS must be at least 1.")
    return workers


def gunicorn_options(bind: str, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        # Threads inside each worker: a slow client or upload does not block a process.
        "worker_class": "gthread",
        # RequestLogMiddleware writes one structured line per request already.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": str(settings.LOG_LEVEL).lower(),
        "logger_class": StructuredLogger,
        "timeout": 60,
        # On SIGTERM (deploy, restart) requests in flight get this long to finish.
        "graceful_timeout": 30,
        "keepalive": 5,
        # Recycling workers now and then bounds slow memory growth; jitter staggers it.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "proc_name": "leerpad",
    }


class StructuredLogger(GunicornLogger):  # type: ignore[misc]
    """Gunicorn's own lines (start, worker exits, timeouts) in Leerpad's log format."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = formatter_factory(str(settings.LOG_FORMAT))
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(formatter)


class LeerpadServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn serving leerpad.wsgi; constructing it only loads the configuration."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # Gunicorn 25.1+ opens a control socket at one fixed path per user by default,
        # which a second instance on the same account would fight over.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self) -> WSGIHandler:
        from leerpad.wsgi import application

        return application


def uses_task_queue() -> bool:
    backend = str(settings.TASKS["default"]["BACKEND"])
    return backend.startswith("django_tasks_db")


def start_task_worker() -> subprocess.Popen[bytes]:
    """Run `leerpad db_worker` beside the web server, and stop it when the server stops.

    One command serves a small install whole; larger ones run workers as services of
    their own (`leerpad serve --no-task-worker` plus `leerpad db_worker` and one
    `leerpad scheduler`).
    """
    return _companion("db_worker", "--no-startup-delay")


def start_scheduler() -> subprocess.Popen[bytes]:
    """Run `leerpad scheduler` (periodic work such as reminders) beside the web server."""
    return _companion("scheduler")


def _companion(*command: str) -> subprocess.Popen[bytes]:
    # The command names are fixed above; no input reaches them.
    worker = subprocess.Popen([sys.executable, "-m", "leerpad", *command])  # noqa: S603

    def stop() -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)
    return worker


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def serving_url(bind: str) -> str:
    if bind.startswith("unix:"):
        return f"the unix socket {bind.removeprefix('unix:')}"
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        host, port = bind, "8000"
    url = f"http://{host}:{port}/"
    if host in ("0.0.0.0", "[::]"):  # noqa: S104 (recognising the address, not binding)
        return f"{url} (all network interfaces)"
    return url


class Command(BaseCommand):
    help = "Run the production server: gunicorn with several workers and threads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=DEFAULT_BIND,
            help=f"HOST:PORT or unix:PATH to listen on (default {DEFAULT_BIND}).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Worker processes (default LEERPAD_WORKERS, else 2 x cores + 1, at most 8).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            help=f"Threads per worker (default {DEFAULT_THREADS}).",
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start the background-task worker and scheduler "
            "(run `leerpad db_worker` and `leerpad scheduler` yourself).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = self.build_server(**options)
        cfg = server.cfg
        self.stdout.write(
            self.style.SUCCESS(f"Leerpad is serving on {serving_url(options['bind'])}")
            + f" ({_count(cfg.workers, 'worker')} x {_count(cfg.threads, 'thread')})."
            + " Ctrl+C stops it."
        )
        self.stdout.flush()
        # Apps prepare what they need (search: an index for an existing catalogue).
        for _receiver, note in server_starting.send(sender=self.__class__):
            if note:
                self.stdout.write(str(note))
        # Workers are forked from this process: they must not inherit its connections.
        connections.close_all()
        if not options.get("no_task_worker") and uses_task_queue():
            start_task_worker()
            start_scheduler()
        server.run()

    def build_server(self, **options: Any) -> LeerpadServer:
        """Checks and configuration, without starting anything (tests use this)."""
        self.check_static_files()
        requested_workers: int | None = options.get("workers")
        requested_threads: int | None = options.get("threads")
        workers = default_workers() if requested_workers is None else requested_workers
        threads = DEFAULT_THREADS if requested_threads is None else requested_threads
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        bind = str(options.get("bind") or DEFAULT_BIND)
        return LeerpadServer(gunicorn_options(bind, workers, threads))

    def check_static_files(self) -> None:
        if settings.DEBUG:
            return
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if not manifest.is_file():
            raise CommandError(
                f"Static files have not been collected ({manifest} is missing), so pages "
                "would fail to render. Run `leerpad collectstatic --noinput` first."
            )
