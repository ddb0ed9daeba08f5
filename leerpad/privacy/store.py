"""How retention and erasure reach the analytics store (leerpad.analytics.sync).

The LRS row store is the source of truth; the analytics store is a copy the sync feeds by
`stored` watermark, so it never sees a statement that changed or went after its export.
Privacy therefore tells it, after its own transaction committed:

- a person erased: `sync.erase_person(person_id, actor_keys)` removes their rows;
- statements deleted or anonymised (retention; an erased person named as instructor):
  `sync.rebuild()` exports the LRS again, so the store holds exactly what the LRS holds now
  (deleted rows gone, anonymised rows with their anonymous actor). A rebuild reads the whole
  LRS; it runs at most once a day from the retention task, and only when something changed.
  A targeted "drop these ids and export them again" in `analytics.sync` would be cheaper on
  large stores (see docs/privacy.md, for operators).

Both run after the commit, never inside it: the store is files (or ClickHouse), which a
database rollback could not undo. If one fails, the work is kept as pending and the privacy
task retries it on the next scheduler tick (`retry_pending`).
"""

from __future__ import annotations

from collections.abc import Iterable

from leerpad.core.logging import get_logger

log = get_logger(__name__)


def actor_keys(ifis: Iterable[str]) -> list[str]:
    """The analytics store's pseudonymous keys for identifiers other than the Leerpad account
    (which the store keys by person id)."""
    from leerpad.analytics.events import actor_key

    return sorted({key for ifi in ifis if (key := actor_key(ifi, None))})


def _initialised() -> bool:
    # Before its first export there is no copy to correct: that export reads the LRS as is.
    from leerpad.analytics import sync
    from leerpad.analytics.store import parquet

    # The configured engine's store where sync offers it (the ClickHouse work adds
    # `current_store`), else the Parquet store, the default.
    current = getattr(sync, "current_store", None)
    st = current() if current is not None else parquet.store()
    return bool(st.initialised())


def erase_person(person_id: int, keys: list[str]) -> int:
    from leerpad.analytics import sync

    if not _initialised():
        return 0
    return sync.erase_person(person_id, keys)


def refresh_changed_statements() -> int:
    """Bring the store in line after statements were deleted or anonymised in the LRS."""
    from leerpad.analytics import sync

    if not _initialised():
        return 0
    result = sync.rebuild()
    log.info("privacy.store_rebuilt", rows=result.rows)
    return result.rows
