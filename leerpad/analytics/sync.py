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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q

from leerpad.analytics import events
from leerpad.analytics.store.parquet import ParquetStore, State, store
from leerpad.core.logging import get_logger

log = get_logger(__name__)

BATCH = 20_000


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


def _read(state: State, size: int) -> list[tuple[Any, ...]]:
    from leerpad.lrs.models import Statement

    return list(
        Statement.objects.filter(_after(state))
        .order_by("stored", "pk")
        .values_list(
            "pk",
            "stored",
            "timestamp",
            "actor_ifi",
            "client_id",
            "verb_iri",
            "statement_ref",
            "voided",
            "payload",
        )[:size]
    )


def _void_targets(st: ParquetStore, state: State, ids: list[str]) -> int:
    """Remove statements voided after their export from the months that hold them."""
    from leerpad.lrs.models import Statement

    by_month: dict[str, list[str]] = defaultdict(list)
    for sid, timestamp in Statement.objects.filter(statement_id__in=ids).values_list(
        "statement_id", "timestamp"
    ):
        moment = timestamp.astimezone(dt.UTC)
        by_month[f"{moment.year:04d}-{moment.month:02d}"].append(str(sid))
    # Only the months the targets were done in can hold them: no other file is read.
    ids_found = [i for month_ids in by_month.values() for i in month_ids]
    return st.drop_statements(state, ids_found, months=list(by_month))


def sync(batch_size: int = BATCH, max_batches: int | None = None) -> SyncResult:
    """Export every statement stored since the watermark; returns what it did."""
    st = store()
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
            event_rows = []
            voided_ids: list[str] = []
            for _pk, stored, timestamp, ifi, client_id, verb, ref, voided, payload in rows:
                if verb == events.VOIDED:
                    if ref is not None:
                        voided_ids.append(str(ref))
                    continue
                if voided:
                    continue  # voided before its export: never reaches the store
                extra = {
                    "site": site,
                    "stored": stored,
                    "timestamp": timestamp,
                    "actor_ifi": ifi,
                    "client_id": client_id,
                }
                event_rows.append(events.statement_to_row(payload, extra))
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
    """Export the whole LRS again into fresh files.

    The old files stay listed until the new export is complete: the state is saved only
    at the end, so readers see the old store, then the new one. A crash leaves orphans the
    next writer removes, and the old store intact.
    """
    st = store()
    site = str(settings.SITE_URL)
    with st.writing() as state:
        st.recover(state)
        old = {month: list(names) for month, names in state.files.items()}
        fresh = State(generation=state.generation, retired=list(state.retired))
        result = SyncResult()
        while True:
            rows = _read(fresh, batch_size)
            if not rows:
                break
            result.batches += 1
            voided_ids = [str(r[6]) for r in rows if r[5] == events.VOIDED and r[6]]
            event_rows = [
                events.statement_to_row(
                    r[8],
                    {
                        "site": site,
                        "stored": r[1],
                        "timestamp": r[2],
                        "actor_ifi": r[3],
                        "client_id": r[4],
                    },
                )
                for r in rows
                if r[5] != events.VOIDED and not r[7]
            ]
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
        for month, names in old.items():
            st.retire(fresh, month, names)
        st.write_people(fresh, events.people_rows())
        st.save_state(fresh)
    return result


def compact() -> int:
    """Merge each month's batch files into one file sorted by timestamp."""
    st = store()
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
    st = store()
    with st.writing() as state:
        removed = st.erase_actor(state, person_id, actor_keys or ())
        st.write_people(state, events.people_rows())
        st.save_state(state)
    log.info("analytics.person_erased", person_id=person_id, rows=removed)
    return removed


def status() -> dict[str, Any]:
    st = store()
    state = st.load_state()
    files = st.files(state)
    return {
        "dir": str(st.root),
        "watermark_stored": state.stored,
        "watermark_statement": state.statement_id,
        "months": len(state.files),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files if p.exists()),
        "retired": len(state.retired),
    }
