"""Feed the analytics store from the LRS row store, in batches, by `stored` watermark.

Guarantees (docs/analytics.md):

- Order and completeness: the LRS stamps `stored` under its write lock, so (stored, id)
  grows in commit order; reading by keyset from the watermark never skips a statement.
- No duplicates, even after a crash: a batch's files are written first, then the state
  file with the new watermark (the commit). A crash in between leaves files no state
  lists; the next run deletes them (`ParquetStore.recover`) and exports the same
  statements again. Running the sync twice, or in two processes at once, is safe: the
  writer lock makes the second wait, and it then finds nothing new.
- Voiding: a statement voided before its export is not exported (the row store marks it);
  one voided after is removed from the store when the sync meets the voiding statement.
  Voiding statements themselves are not events: they are corrections, not learning
  activity (their `raw` stays in the LRS).
- Erasure: `erase_person` removes a person's rows from every month file.
- Statements changed in the LRS after their export (retention deletes or anonymises them,
  erasure anonymises statements naming the erased person): `refresh_statements(ids)`
  drops them and exports what the LRS has now, without moving the watermark; `rebuild`
  exports everything again (for many changes, or when the ids are not known).

The store is the configured engine's (`current_store`): the Parquet files (DuckDB) or
ClickHouse (`store/clickhouse.py`), which has the same method names. On ClickHouse a
batch is committed the same way (rows first, then the watermark, kept in ClickHouse), and
a repeated batch collapses in its ReplacingMergeTree instead of being cleaned up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs or py.typed
from django.conf import settings
from django.db.models import Q

from leerpad.analytics import events, query
from leerpad.analytics.store import parquet
from leerpad.analytics.store.parquet import State
from leerpad.core.logging import get_logger

log = get_logger(__name__)

BATCH = 20_000
# Statement ids per LRS query (and per ClickHouse DELETE) in `refresh_statements`.
REFRESH_BATCH = 2_000


class Store(Protocol):
    """What the sync needs of a store (ParquetStore, ClickHouseStore)."""

    root: Path

    def writing(self) -> contextlib.AbstractContextManager[State]: ...
    def load_state(self) -> State: ...
    def save_state(self, state: State) -> None: ...
    def initialised(self) -> bool: ...
    def recover(self, state: State) -> int: ...
    def purge_retired(self, state: State, now: dt.datetime | None = None) -> int: ...
    def append(self, state: State, table: pa.Table, first: str, last: str) -> int: ...
    def drop_statements(
        self, state: State, ids: Iterable[str], months: Iterable[str] | None = None
    ) -> int: ...
    def erase_actor(self, state: State, person_id: int, actor_keys: Iterable[str] = ()) -> int: ...
    def write_people(self, state: State, table: pa.Table) -> bool: ...
    def compact(self, state: State, months: Iterable[str] | None = None) -> int: ...
    def files(self, state: State | None = None) -> list[Path]: ...


def current_store() -> Store:
    """The configured engine's store (settings.LEERPAD_ANALYTICS_ENGINE)."""
    if query.engine() == "clickhouse":
        from leerpad.analytics.store import clickhouse

        return clickhouse.store()
    return parquet.store()


@dataclass
class SyncResult:
    rows: int = 0
    batches: int = 0
    dropped: int = 0
    orphans: int = 0


def _micros(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _after(state: State) -> Q:
    if state.stored is None:
        return Q()
    stored = dt.datetime.fromisoformat(state.stored)
    return Q(stored__gt=stored) | Q(stored=stored, pk__gt=state.pk)


# The LRS columns a batch is read with, in this order (`_events` unpacks them).
_COLUMNS = (
    "pk",
    "stored",
    "timestamp",
    "actor_ifi",
    "client_id",
    "verb_iri",
    "statement_ref",
    "voided",
    "payload",
)


def _read(state: State, size: int) -> list[tuple[Any, ...]]:
    from leerpad.lrs.models import Statement

    return list(
        Statement.objects.filter(_after(state))
        .order_by("stored", "pk")
        .values_list(*_COLUMNS)[:size]
    )


def _events(rows: Iterable[tuple[Any, ...]], site: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The event rows of a batch of LRS rows (`_COLUMNS`), and the ids its voiding
    statements void. Voiding statements are not events, nor are statements voided before
    their export."""
    event_rows: list[dict[str, Any]] = []
    voided_ids: list[str] = []
    for _pk, stored, timestamp, ifi, client_id, verb, ref, voided, payload in rows:
        if verb == events.VOIDED:
            if ref is not None:
                voided_ids.append(str(ref))
            continue
        if voided:
            continue
        extra = {
            "site": site,
            "stored": stored,
            "timestamp": timestamp,
            "actor_ifi": ifi,
            "client_id": client_id,
        }
        event_rows.append(events.statement_to_row(payload, extra))
    return event_rows, voided_ids


def _month(timestamp: dt.datetime) -> str:
    """The store's month of a statement (as `events.statement_to_row` cuts it: UTC)."""
    moment = timestamp.astimezone(dt.UTC)
    return f"{moment.year:04d}-{moment.month:02d}"


def _void_targets(st: Store, state: State, ids: list[str]) -> int:
    """Remove statements voided after their export from the months that hold them."""
    from leerpad.lrs.models import Statement

    by_month: dict[str, list[str]] = defaultdict(list)
    for sid, timestamp in Statement.objects.filter(statement_id__in=ids).values_list(
        "statement_id", "timestamp"
    ):
        by_month[_month(timestamp)].append(str(sid))
    # Only the months the targets were done in can hold them: no other file is read.
    ids_found = [i for month_ids in by_month.values() for i in month_ids]
    return st.drop_statements(state, ids_found, months=list(by_month))


def sync(batch_size: int = BATCH, max_batches: int | None = None) -> SyncResult:
    """Export every statement stored since the watermark; returns what it did."""
    st = current_store()
    result = SyncResult()
    site = str(settings.SITE_URL)
    with st.writing() as state:
        result.orphans = st.recover(state)
        st.purge_retired(state)
        while max_batches is None or result.batches < max_batches:
            rows = _read(state, batch_size)
            if not rows:
                break
            result.batches += 1
            event_rows, voided_ids = _events(rows, site)
            first, last = rows[0], rows[-1]
            result.rows += st.append(
                state,
                events.rows_to_table(event_rows),
                f"{_micros(first[1])}_{first[0]}",
                f"{_micros(last[1])}_{last[0]}",
            )
            if voided_ids:
                result.dropped += _void_targets(st, state, voided_ids)
            state.stored = last[1].astimezone(dt.UTC).isoformat()
            state.pk = last[0]
            state.statement_id = str(last[-1].get("id", ""))
            st.save_state(state)
        st.write_people(state, events.people_rows())
        st.save_state(state)
    if result.rows or result.dropped:
        log.info(
            "analytics.synced",
            rows=result.rows,
            batches=result.batches,
            dropped=result.dropped,
        )
    return result


def rebuild(batch_size: int = BATCH) -> SyncResult:
    """Export the whole LRS again.

    Parquet: into fresh files; the old files stay listed until the new export is complete
    (the state is saved only at the end), so readers see the old store, then the new one.
    A crash leaves orphans the next writer removes, and the old store intact.

    ClickHouse: over the old rows, with the next generation (a row exported again
    collapses with its old copy, so readers always see a whole store), then the rows of
    older generations go: what the LRS no longer has. A crash leaves the old watermark,
    and the next rebuild starts again.
    """
    st = current_store()
    site = str(settings.SITE_URL)
    with st.writing() as state:
        st.recover(state)
        old = {month: list(names) for month, names in state.files.items()}
        fresh = State(generation=state.generation + 1, retired=list(state.retired))
        result = SyncResult()
        while True:
            rows = _read(fresh, batch_size)
            if not rows:
                break
            result.batches += 1
            event_rows, voided_ids = _events(rows, site)
            first, last = rows[0], rows[-1]
            # Distinct names from the old store's, which stays listed until the end.
            result.rows += st.append(
                fresh,
                events.rows_to_table(event_rows),
                f"r{fresh.generation}_{_micros(first[1])}_{first[0]}",
                f"{_micros(last[1])}_{last[0]}",
            )
            if voided_ids:
                result.dropped += _void_targets(st, fresh, voided_ids)
            fresh.stored = last[1].astimezone(dt.UTC).isoformat()
            fresh.pk = last[0]
            fresh.statement_id = str(last[-1].get("id", ""))
        result.dropped += _retire_old(st, fresh, old)
        st.write_people(fresh, events.people_rows())
        st.save_state(fresh)
    return result


def _retire_old(st: Store, fresh: State, old: dict[str, list[str]]) -> int:
    """The end of a rebuild: the old copy goes (see `rebuild`); returns rows removed."""
    if isinstance(st, parquet.ParquetStore):
        for month, names in old.items():
            st.retire(fresh, month, names)
        return 0
    from leerpad.analytics.store.clickhouse import ClickHouseStore

    assert isinstance(st, ClickHouseStore)  # noqa: S101  (the only other store)
    return st.drop_generations_before(fresh)


def refresh_statements(ids: Iterable[str], batch_size: int = REFRESH_BATCH) -> int:
    """Make the store match the LRS for these statements, which changed there after their
    export (deleted, or anonymised, by retention or erasure); returns the rows exported
    again. Much cheaper than `rebuild` when few statements changed: only the months that
    hold them are rewritten (Parquet) or deleted from (ClickHouse).

    Under the writer lock: the store's rows of these ids go, then the rows the LRS still has
    for them are exported again (the same conversion as `sync`: a voided statement or a
    voiding statement gives no event) under new batch names; the watermark stays where it
    is. Ids after the watermark are left alone: the next sync exports them as they are now.
    Running it again changes nothing more (idempotent).

    Parquet: one commit (state write) at the end, so readers see the store before or
    after, never half of it; a crash leaves orphans the next writer removes. ClickHouse:
    the rows are deleted, then inserted again, so a question running between the two may
    miss the changed statements for that moment.
    """
    from leerpad.lrs.models import Statement

    # The store holds ids as the LRS normalises them; a malformed id is a caller's error.
    wanted = list(dict.fromkeys(str(uuid.UUID(str(i))) for i in ids))
    st = current_store()
    site = str(settings.SITE_URL)
    exported = dropped = 0
    with st.writing() as state:
        if state.stored is None:
            return 0  # nothing exported yet: the first sync reads the LRS as it is now
        st.recover(state)
        watermark = (dt.datetime.fromisoformat(state.stored), state.pk)
        drop: list[str] = []
        again: list[int] = []  # pks of the LRS rows to export again
        months: set[str] | None = set()
        # The LRS in batches of ids (a few thousand bound values per query); the light
        # columns only, the statements themselves are read below.
        for start in range(0, len(wanted), batch_size):
            chunk = wanted[start : start + batch_size]
            found = Statement.objects.filter(statement_id__in=chunk).values_list(
                "statement_id", "stored", "pk", "timestamp"
            )
            seen: set[str] = set()
            for sid, stored, pk, timestamp in found:
                seen.add(str(sid))
                if (stored, pk) > watermark:
                    continue  # not exported yet
                drop.append(str(sid))
                again.append(pk)
                if months is not None:
                    months.add(_month(timestamp))
            gone = [i for i in chunk if i not in seen]
            if gone:
                # Deleted from the LRS: their month is unknown, so every month is searched.
                drop += gone
                months = None
        # Parquet: one rewrite per month for all ids (a rewrite per batch would rewrite a
        # big month again and again); ClickHouse: one DELETE per batch of ids, to keep the
        # bound array small.
        step = max(len(drop), 1) if isinstance(st, parquet.ParquetStore) else batch_size
        for start in range(0, len(drop), step):
            dropped += st.drop_statements(
                state, drop[start : start + step], None if months is None else sorted(months)
            )
        for start in range(0, len(again), batch_size):
            rows = list(
                Statement.objects.filter(pk__in=again[start : start + batch_size])
                .order_by("stored", "pk")
                .values_list(*_COLUMNS)
            )
            event_rows, _voids = _events(rows, site)
            # A name of its own ("batch-" like a sync's: tidying merges it the same way).
            exported += st.append(
                state,
                events.rows_to_table(event_rows),
                f"refresh_{uuid.uuid4().hex}",
                str(len(event_rows)),
            )
        st.save_state(state)
    log.info("analytics.refreshed", statements=len(wanted), dropped=dropped, rows=exported)
    return exported


def compact() -> int:
    """Merge each month's batch files into one file sorted by timestamp (ClickHouse: merge
    each month's parts)."""
    st = current_store()
    with st.writing() as state:
        st.recover(state)
        st.purge_retired(state)
        merged = st.compact(state)
        st.save_state(state)
    return merged


def erase_person(person_id: int, actor_keys: list[str] | None = None) -> int:
    """Remove a person's rows from the store (GDPR erasure); returns the rows removed.

    The LRS keeps its own copy: erasing there is the LRS's part of the erasure, and must
    come first, or a `rebuild` would bring the rows back.
    """
    st = current_store()
    with st.writing() as state:
        removed = st.erase_actor(state, person_id, actor_keys or ())
        st.write_people(state, events.people_rows())
        st.save_state(state)
    log.info("analytics.person_erased", person_id=person_id, rows=removed)
    return removed


def status() -> dict[str, Any]:
    """Where the store is, its watermark and size; `engine` says which tier."""
    st = current_store()
    if not isinstance(st, parquet.ParquetStore):
        from leerpad.analytics.store.clickhouse import ClickHouseStore

        assert isinstance(st, ClickHouseStore)  # noqa: S101  (the only other store)
        return st.status()
    state = st.load_state()
    files = st.files(state)
    return {
        "engine": "duckdb",
        "dir": str(st.root),
        "watermark_stored": state.stored,
        "watermark_statement": state.statement_id,
        "months": len(state.files),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files if p.exists()),
        "retired": len(state.retired),
    }
