"""Consistent online backups and restores of the SQLite database.

SQLite's online backup API copies the database inside one read transaction, so the copy
is a consistent snapshot even while Leerpad keeps writing: under WAL the writers carry on
meanwhile. Copying the file with `cp` is not safe: recent transactions may still sit in
the -wal file, and a copy taken during a write can be torn.

The functions take explicit paths, so they work on any file (and are tested on temporary
ones); the `backup` and `restore` commands resolve the live database from settings.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

SQLITE_ENGINE = "django.db.backends.sqlite3"
_SQLITE_HEADER = b"SQLite format 3\x00"
# Waits this long for a writer to let go before giving up, like the app's busy timeout.
_LOCK_TIMEOUT_SECONDS = 30.0
# Regular backups only: safety copies made before a restore carry a label and are never
# pruned automatically.
_BACKUP_NAME = re.compile(r"^leerpad-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite3$")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message tells the operator why."""


class NotSQLiteError(BackupError):
    """The configured database is not SQLite (PostgreSQL has its own tools)."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        super().__init__(f"The database engine is {engine}, not SQLite.")


class InvalidDatabaseError(BackupError):
    """A file that is not a sound SQLite database, or not a Leerpad one."""


def live_sqlite_path(alias: str = "default") -> Path:
    """The file of the configured SQLite database, or NotSQLiteError for other engines."""
    database = settings.DATABASES[alias]
    engine = str(database["ENGINE"])
    if engine != SQLITE_ENGINE:
        raise NotSQLiteError(engine)
    name = str(database["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return Path(name)


def not_sqlite_message(engine: str, command: str, tools: str) -> str:
    return (
        f"The database is {engine}, not SQLite: `leerpad {command}` only handles SQLite. "
        f"For PostgreSQL use its own tools ({tools}); docs/operations.md shows how."
    )


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit} ({size:,} bytes)"


def backup_filename(now: datetime | None = None, label: str = "") -> str:
    """leerpad-YYYYmmdd-HHMMSS.sqlite3 in UTC, so names sort in time order all year."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    suffix = f"-{label}" if label else ""
    return f"leerpad-{moment:%Y%m%d-%H%M%S}{suffix}.sqlite3"


def default_backup_path(directory: Path, now: datetime | None = None, label: str = "") -> Path:
    """A fresh timestamped path in `directory`; never one that already exists."""
    name = backup_filename(now, label)
    candidate = directory / name
    stem = name.removesuffix(".sqlite3")
    n = 1
    while candidate.exists():
        candidate = directory / f"{stem}-{n}.sqlite3"
        n += 1
    return candidate


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copy the SQLite database at `source` to the new file `dest` and verify the copy.

    The copy is written beside `dest` under a hidden name and only renamed once the
    integrity check passes, so a file with a backup's name is always a complete one. It is
    readable by its owner only: it holds personal data.
    """
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    if dest.exists():
        raise BackupError(f"{dest} already exists; a backup never overwrites a file.")
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    # Created empty with owner-only permissions before SQLite writes a single page.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            closing(_connect_read_only(source)) as src,
            closing(sqlite3.connect(partial, isolation_level=None)) as dst,
        ):
            # One step (pages=-1): the whole copy happens inside a single read transaction.
            src.backup(dst)
            # The copied header says WAL; a backup is better as one self-contained file.
            dst.execute("PRAGMA journal_mode=DELETE")
        verify(partial)
        if dest.exists():
            raise BackupError(f"{dest} appeared during the backup; not overwriting it.")
        partial.replace(dest)
    except sqlite3.Error as exc:
        raise BackupError(f"Backing up {source} failed: {exc}") from exc
    finally:
        for leftover in ("", "-journal", "-wal", "-shm"):
            Path(f"{partial}{leftover}").unlink(missing_ok=True)
    return dest


def verify(path: Path) -> None:
    """Raise InvalidDatabaseError unless `path` is an SQLite database that passes
    `PRAGMA integrity_check`."""
    if not path.is_file():
        raise InvalidDatabaseError(f"{path} does not exist or is not a file.")
    with path.open("rb") as file:
        header = file.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise InvalidDatabaseError(f"{path} is not an SQLite database.")
    try:
        with closing(_connect_read_only(path)) as conn:
            problems = _integrity_problems(conn)
    except sqlite3.DatabaseError as exc:
        raise InvalidDatabaseError(f"{path} cannot be read as an SQLite database: {exc}") from exc
    if problems:
        raise InvalidDatabaseError(f"{path} failed the integrity check: {'; '.join(problems[:5])}")


def verify_leerpad(path: Path) -> None:
    """Like verify(), and also require a Leerpad database: Django's migration table with
    Leerpad's people app in it."""
    verify(path)
    with closing(_connect_read_only(path)) as conn:
        has_migrations = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
        if has_migrations is None:
            raise InvalidDatabaseError(
                f"{path} is an SQLite database but not a Leerpad one "
                "(it has no django_migrations table)."
            )
        has_leerpad = conn.execute(
            "SELECT 1 FROM django_migrations WHERE app = ? LIMIT 1", ("accounts",)
        ).fetchone()
        if has_leerpad is None:
            raise InvalidDatabaseError(
                f"{path} is a Django database but not a Leerpad one "
                "(Leerpad's accounts app was never migrated in it)."
            )


def restore_sqlite(src: Path, dest: Path) -> None:
    """Replace the contents of the database at `dest` with the Leerpad database at `src`.

    Goes through the backup API into the live file rather than moving files around, so
    processes that have the database open see either the old or the restored data, never
    a mixture, and keep working without a restart.
    """
    verify_leerpad(src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(
                sqlite3.connect(dest, timeout=_LOCK_TIMEOUT_SECONDS, isolation_level=None)
            ) as target,
            tempfile.TemporaryDirectory(dir=dest.parent, prefix=".restore-") as staging,
        ):
            source = src
            target_page_size = _page_size(target)
            if _journal_mode(target) == "wal":
                with closing(_connect_read_only(src)) as conn:
                    source_page_size = _page_size(conn)
                if source_page_size != target_page_size:
                    # A WAL database cannot change its page size, so the restore would fail
                    # with "readonly database": rebuild a copy with the live page size first.
                    source = _with_page_size(src, Path(staging), target_page_size)
            with closing(_connect_read_only(source)) as conn:
                conn.backup(target)
            problems = _integrity_problems(target)
    except sqlite3.Error as exc:
        raise BackupError(f"Restoring {src} into {dest} failed: {exc}") from exc
    if problems:
        raise BackupError(
            f"{dest} failed the integrity check after the restore: {'; '.join(problems[:5])}"
        )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest regular backups in `directory`; return the
    deleted paths. Files Leerpad did not name (and pre-restore safety copies) stay."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    if not directory.is_dir():
        return []
    backups: list[tuple[str, int, Path]] = []
    for path in directory.iterdir():
        match = _BACKUP_NAME.match(path.name)
        if match and path.is_file():
            backups.append((match["stamp"], int(match["n"] or 0), path))
    backups.sort(reverse=True)
    removed = [path for _, _, path in backups[keep:]]
    for path in removed:
        path.unlink()
    return removed


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=_LOCK_TIMEOUT_SECONDS
    )


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    rows: list[tuple[str]] = conn.execute("PRAGMA integrity_check").fetchall()
    return [row[0] for row in rows if row[0] != "ok"]


def _page_size(conn: sqlite3.Connection) -> int:
    row: tuple[int] = conn.execute("PRAGMA page_size").fetchone()
    return int(row[0])


def _journal_mode(conn: sqlite3.Connection) -> str:
    row: tuple[str] = conn.execute("PRAGMA journal_mode").fetchone()
    return row[0].lower()


def _with_page_size(src: Path, directory: Path, page_size: int) -> Path:
    staged = backup_sqlite(src, directory / "staged.sqlite3")
    with closing(sqlite3.connect(staged, isolation_level=None)) as conn:
        # PRAGMA takes no bound parameters; int() keeps anything but a number out.
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("VACUUM")
    return staged
