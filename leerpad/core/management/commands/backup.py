from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leerpad.core import backups
from leerpad.core.logging import get_logger

log = get_logger(__name__)


class Command(BaseCommand):
    help = (
        "Make a consistent online backup of the SQLite database (safe while Leerpad runs) "
        "and verify it. PostgreSQL: use pg_dump."
    )
    # A backup must work even when the configuration has a problem worth fixing later.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="PATH",
            help=(
                "File to write, or an existing folder to write a timestamped file in. "
                "Default: LEERPAD_BACKUP_DIR/leerpad-YYYYmmdd-HHMMSS.sqlite3 (UTC)."
            ),
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="After the backup, delete all but the N newest backups in that folder.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep: int | None = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1 (the backup just made).")
        try:
            source = backups.live_sqlite_path()
        except backups.NotSQLiteError as exc:
            raise CommandError(backups.not_sqlite_message(exc.engine, "backup", "pg_dump")) from exc
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc

        dest = self._destination(options["output"])
        try:
            backups.backup_sqlite(source, dest)
        except backups.BackupError as exc:
            log.error("backup.failed", source=str(source), dest=str(dest), error=str(exc))
            raise CommandError(str(exc)) from exc
        size = dest.stat().st_size
        log.info("backup.created", source=str(source), path=str(dest), bytes=size)
        self.stdout.write(self.style.SUCCESS(f"Backup written and verified: {dest}"))
        self.stdout.write(f"Size: {backups.human_size(size)}")

        if keep is not None:
            removed = backups.prune(dest.parent, keep)
            for path in removed:
                log.info("backup.pruned", path=str(path))
                self.stdout.write(f"Deleted old backup: {path}")
            if not removed:
                self.stdout.write(f"No old backups to delete (keeping {keep}).")

    def _destination(self, output: str | None) -> Path:
        if output is None:
            return backups.default_backup_path(Path(settings.LEERPAD_BACKUP_DIR))
        path = Path(output).expanduser()
        if path.is_dir():
            return backups.default_backup_path(path)
        return path
