"""The embedded analytics store: immutable Parquet files on local disk, and one state file.

Layout under `settings.LEERPAD_ANALYTICS_DIR`:

    state.json                                   the commit point (see below)
    people.parquet                               the people dimension (replaced whole)
    events/month=YYYY-MM/batch-<first>-<last>.parquet   one per sync batch and month
    events/month=YYYY-MM/compact-<generation>.parquet   after compaction or a rewrite
    .lock                                        held by the one writer (flock)

Why this shape (docs/analytics.md has the figures): a DuckDB or chDB database file admits
one process at a time, while immutable files can be read by any number of web and worker
processes at once without a lock. Files are written whole to a temporary name and renamed,
so a file is either absent or complete.

`state.json` lists the files that make up the store, with the sync watermark. It is written
atomically (temporary file, fsync, rename) after the files it names, and readers read only
the files it lists. So the state file is the commit: a crash after a file was written but
before the state was saved leaves an orphan that no reader sees and that the next writer
deletes (`recover`) before exporting the same statements again; no row is ever counted
twice. Compaction and rewrites (voiding, erasure) swap a month's list of files in one state
write, so a reader sees the month either before or after, never half of it. Files dropped
from the list are deleted only after `RETIRE_AFTER`, so a reader that listed them just
before the swap can still finish its query.

One writer at a time: every change runs under an exclusive `flock` on `.lock` (the sync
task, compaction, erasure and the management command may run in different processes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs or py.typed
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.conf import settings

from leerpad.analytics.events import FILE_SCHEMA, PEOPLE_SCHEMA
from leerpad.core.logging import get_logger

log = get_logger(__name__)

RETIRE_AFTER = dt.timedelta(minutes=10)
# Tiered merging (`ParquetStore.tidy`): a month's batch files are merged once there are this
# many, and the whole month once it has more files than TIDY_FILES. Each file a question
# reads costs a few milliseconds of opening and metadata, so a month stays at a few files.
TIDY_BATCHES = 16
TIDY_FILES = 8
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_held: set[Path] = set()  # stores whose lock this process holds (makes `writing` reentrant)
_held_guard = threading.Lock()


@dataclass
class State:
    """What the store holds: its files per month and how far the sync has read the LRS."""

    # The last exported row of the LRS in its (stored, id) order; None before the first sync.
    stored: str | None = None
    pk: int = 0
    statement_id: str | None = None
    files: dict[str, list[str]] = field(default_factory=dict)  # month -> file names
    retired: list[tuple[str, str]] = field(default_factory=list)  # (relative path, when)
    generation: int = 0
    people_hash: str = ""

    def paths(self) -> list[str]:
        """Every listed file, relative to the store's root."""
        return [
            f"events/month={month}/{name}"
            for month in sorted(self.files)
            for name in self.files[month]
        ]


def sql_path(path: Path) -> str:
    """A path of the store as an SQL string literal.

    Only the store's own names reach SQL this way (months and file names it made itself,
    checked against a strict pattern): file lists are not bindable parameters in DuckDB.
    """
    text = str(path)
    if "'" in text:
        raise ValueError(f"unexpected quote in store path {text!r}")
    return f"'{text}'"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ParquetStore:
    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root or settings.LEERPAD_ANALYTICS_DIR)
        self.events_dir = self.root / "events"
        self.state_path = self.root / "state.json"
        self.people_path = self.root / "people.parquet"

    # --- state -------------------------------------------------------------------------

    def load_state(self) -> State:
        try:
            data = json.loads(self.state_path.read_text())
        except FileNotFoundError:
            return State()
        data["retired"] = [tuple(r) for r in data.get("retired", [])]
        return State(**data)

    def save_state(self, state: State) -> None:
        """The commit: after this, readers see exactly the files `state` lists."""
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.state_path, json.dumps(asdict(state), indent=1).encode())

    def initialised(self) -> bool:
        return self.state_path.exists()

    @contextlib.contextmanager
    def writing(self) -> Iterator[State]:
        """Hold the writer lock; yields the current state (save it with `save_state`)."""
        root = self.root.resolve() if self.root.exists() else self.root
        with _held_guard:
            nested = root in _held
        if nested:
            yield self.load_state()
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with _held_guard:
                _held.add(self.root.resolve())
            try:
                yield self.load_state()
            finally:
                with _held_guard:
                    _held.discard(self.root.resolve())
                fcntl.flock(lock, fcntl.LOCK_UN)

    # --- housekeeping --------------------------------------------------------------------

    def recover(self, state: State) -> int:
        """Delete files no state lists (left by a writer that crashed); returns how many."""
        if not self.events_dir.exists():
            return 0
        known = set(state.paths()) | {path for path, _ in state.retired}
        removed = 0
        for path in self.events_dir.glob("month=*/*"):
            relative = str(path.relative_to(self.root))
            if relative not in known:
                path.unlink(missing_ok=True)
                removed += 1
        if removed:
            log.warning("analytics.orphans_removed", count=removed)
        return removed

    def purge_retired(self, state: State, now: dt.datetime | None = None) -> int:
        """Delete retired files whose grace time is over; the caller saves the state."""
        now = now or dt.datetime.now(dt.UTC)
        keep: list[tuple[str, str]] = []
        purged = 0
        for path, when in state.retired:
            if now - dt.datetime.fromisoformat(when) >= RETIRE_AFTER:
                (self.root / path).unlink(missing_ok=True)
                purged += 1
            else:
                keep.append((path, when))
        state.retired = keep
        return purged

    def retire(self, state: State, month: str, names: Iterable[str]) -> None:
        """Mark files for deletion once `RETIRE_AFTER` has passed (readers may hold them)."""
        when = dt.datetime.now(dt.UTC).isoformat()
        state.retired.extend((f"events/month={month}/{name}", when) for name in names)

    def month_dir(self, month: str) -> Path:
        if not _MONTH.match(month):
            raise ValueError(f"not a month: {month!r}")
        return self.events_dir / f"month={month}"

    def files(self, state: State | None = None) -> list[Path]:
        state = state or self.load_state()
        return [self.root / p for p in state.paths()]

    # --- writes ----------------------------------------------------------------------------

    def append(self, state: State, table: pa.Table, first: str, last: str) -> int:
        """Write one batch (an event table with `month`) as one file per month; list them
        in `state` (not saved: the caller saves once the batch is complete)."""
        if table.num_rows == 0:
            return 0
        name = f"batch-{first}-{last}.parquet"
        if not _NAME.match(name):
            raise ValueError(f"bad batch name {name!r}")
        months = table.column("month")
        for month in sorted(set(months.to_pylist())):
            part = table.filter(pc.equal(months, month)).select(FILE_SCHEMA.names)
            directory = self.month_dir(month)
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / name
            tmp = directory / f".{name}.tmp"
            pq.write_table(part, tmp, compression="zstd")
            os.replace(tmp, target)
            listed = state.files.setdefault(month, [])
            if name not in listed:  # the same batch again overwrote its own file
                listed.append(name)
        return int(table.num_rows)

    def rewrite_month(
        self,
        state: State,
        month: str,
        where: str = "true",
        con: Any = None,
        names: list[str] | None = None,
    ) -> tuple[int, int]:
        """Replace a month's files (or only `names` of them) by one file sorted by
        timestamp, keeping the rows that match `where` (SQL over the month's rows; may use
        tables registered on `con`). Returns (rows before, rows after). The caller saves
        the state."""
        listed = state.files.get(month, [])
        names = [n for n in listed if names is None or n in names]
        kept = [n for n in listed if n not in names]
        if not names:
            return 0, 0
        directory = self.month_dir(month)
        sources = ", ".join(sql_path(directory / n) for n in names)
        con = con or duckdb.connect()
        count_sql = f"SELECT count(*) FROM read_parquet([{sources}])"  # noqa: S608
        before_row = con.execute(count_sql).fetchone()
        before = int(before_row[0]) if before_row else 0
        state.generation += 1
        name = f"compact-{state.generation:08d}.parquet"
        tmp = directory / f".{name}.tmp"
        # DuckDB streams the copy and sorts out of core, so a large month does not have to
        # fit in memory; the columns are listed to keep the file schema exact.
        columns = ", ".join(f'"{c}"' for c in FILE_SCHEMA.names)
        # `where` is one of this module's own conditions, the values it filters on are in
        # a registered table: nothing from outside is formatted into this SQL.
        select = f"SELECT {columns} FROM read_parquet([{sources}], union_by_name = true)"  # noqa: S608
        order = "ORDER BY timestamp, stored, statement_id"
        con.execute(
            f"COPY ({select} WHERE {where} {order}) "
            f"TO {sql_path(tmp)} (FORMAT parquet, COMPRESSION zstd)"
        )
        after = pq.ParquetFile(tmp).metadata.num_rows
        self.retire(state, month, names)
        if after:
            os.replace(tmp, directory / name)
            state.files[month] = [*kept, name]
        else:
            tmp.unlink()
            if kept:
                state.files[month] = kept
            else:
                del state.files[month]
        return before, after

    def compact(self, state: State, months: Iterable[str] | None = None) -> int:
        """Merge each month of several files into one sorted file; returns months merged."""
        merged = 0
        for month in sorted(months or state.files):
            if len(state.files.get(month, [])) > 1:
                self.rewrite_month(state, month)
                merged += 1
        return merged

    def tidy(self, state: State, batches: int | None = None, files: int | None = None) -> int:
        """Keep the number of files per month small without rewriting big files often.

        A sync that runs every few seconds adds a small batch file each time, and a
        question reads every file, so files must be merged; merging the whole month each
        time would rewrite millions of rows for a few new ones. So merging is tiered: when a
        month has `batches` batch files, those are merged into one file (the others stay);
        when it has more than `files` files in all, the whole month becomes one. Returns the
        number of merges."""
        batches = TIDY_BATCHES if batches is None else batches
        files = TIDY_FILES if files is None else files
        merges = 0
        for month in sorted(state.files):
            small = [n for n in state.files[month] if n.startswith("batch-")]
            if len(small) >= batches:
                self.rewrite_month(state, month, names=small)
                merges += 1
            if len(state.files.get(month, [])) > files:
                self.rewrite_month(state, month)
                merges += 1
        return merges

    def _rewrite_where(
        self,
        state: State,
        column: str,
        values: list[Any],
        arrow_type: pa.DataType,
        months: Iterable[str] | None = None,
    ) -> int:
        """Drop rows whose `column` is in `values` from every month that has any."""
        if not values:
            return 0
        con = duckdb.connect()
        con.register("dropped", pa.table({"v": pa.array(values, type=arrow_type)}))
        removed = 0
        wanted = set(state.files) if months is None else set(months) & set(state.files)
        for month in sorted(wanted):
            sources = ", ".join(sql_path(self.month_dir(month) / n) for n in state.files[month])
            count_sql = f"SELECT count(*) FROM read_parquet([{sources}])"  # noqa: S608
            hit_sql = f'{count_sql} WHERE "{column}" IN (SELECT v FROM dropped)'  # noqa: S608
            hit = con.execute(hit_sql).fetchone()
            if hit and hit[0]:
                before, after = self.rewrite_month(
                    state,
                    month,
                    f'"{column}" IS NULL OR "{column}" NOT IN (SELECT v FROM dropped)',  # noqa: S608
                    con,
                )
                removed += before - after
        return removed

    def drop_statements(
        self, state: State, ids: Iterable[str], months: Iterable[str] | None = None
    ) -> int:
        """Remove statements (voided after their export) from `months` (default: all);
        returns the rows removed."""
        return self._rewrite_where(state, "statement_id", sorted(set(ids)), pa.string(), months)

    def erase_actor(self, state: State, person_id: int, actor_keys: Iterable[str] = ()) -> int:
        """Remove every row of a person (GDPR erasure): their Leerpad account and any other
        actor keys of theirs (e.g. the hash of an mbox an outside tool sent)."""
        keys = sorted({str(person_id), *actor_keys})
        removed = self._rewrite_where(state, "person_id", [person_id], pa.int64())
        return removed + self._rewrite_where(state, "actor_key", keys, pa.string())

    def write_people(self, state: State, table: pa.Table) -> bool:
        """Replace the people dimension when it changed; returns whether it did."""
        import hashlib

        table = table.cast(PEOPLE_SCHEMA)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        data = sink.getvalue().to_pybytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest == state.people_hash and self.people_path.exists():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.people_path, data)
        state.people_hash = digest
        return True

    def reset(self, state: State) -> None:
        """Forget everything (for a rebuild): all files retired, the watermark back to 0."""
        for month, names in state.files.items():
            self.retire(state, month, names)
        state.files = {}
        state.stored, state.pk, state.statement_id = None, 0, None


def store() -> ParquetStore:
    return ParquetStore(settings.LEERPAD_ANALYTICS_DIR)
