from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from leerpad.core import backups
from leerpad.core.logging import get_logger

log = get_logger(__name__)


def stdin_is_interactive() -> bool:
    return sys.stdin.isatty()


class Command(BaseCommand):
    help = (
        "Replace the SQLite database with a backup, after a safety backup of the current "
        "one. PostgreSQL: use pg_restore."
    )
    # A restore is what you reach for when things are broken; checks must not block it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask for confirmation (needed when not run from a terminal).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            live = backups.live_sqlite_path()
        except backups.NotSQLiteError as exc:
            raise CommandError(
                backups.not_sqlite_message(exc.engine, "restore", "pg_restore or psql")
            ) from exc
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc

        source = Path(options["path"]).expanduser()
        if source.exists() and live.exists() and source.resolve() == live.resolve():
            raise CommandError(f"{source} is the live database itself; choose a backup file.")
        try:
            backups.verify_leerpad(source)
        except backups.BackupError as exc:
            raise CommandError(f"Not restoring: {exc}") from exc

        if not options["yes"]:
            self._confirm(source, live)

        # Our own connection must not hold a transaction open across the restore.
        connections.close_all()
        if live.exists():
            safety = backups.default_backup_path(
                Path(settings.LEERPAD_BACKUP_DIR), label="pre-restore"
            )
            try:
                backups.backup_sqlite(live, safety)
            except backups.BackupError as exc:
                raise CommandError(
                    f"Not restoring: the safety backup of the current database failed: {exc}"
                ) from exc
            log.info("restore.safety_backup", path=str(safety))
            self.stdout.write(f"Safety backup of the current database: {safety}")

        try:
            backups.restore_sqlite(source, live)
        except backups.BackupError as exc:
            log.error("restore.failed", source=str(source), dest=str(live), error=str(exc))
            raise CommandError(str(exc)) from exc
        finally:
            connections.close_all()
        log.info("restore.done", source=str(source), dest=str(live))
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into {live}."))
        self.stdout.write(
            "Running processes see the restored data from their next request. If the backup "
            "comes from an older Leerpad version, run `leerpad migrate` now."
        )

    def _confirm(self, source: Path, live: Path) -> None:
        if not stdin_is_interactive():
            raise CommandError(
                "Not restoring: confirmation is needed and there is no terminal to ask. "
                f"Re-run with --yes to replace {live} with {source}."
            )
        self.stdout.write(
            f"This replaces ALL data in {live}\n"
            f"with the backup {source} ({backups.human_size(source.stat().st_size)}).\n"
            "A safety backup of the current database is made first."
        )
        answer = input("Type 'yes' to restore: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
