"""How retention and erasure reach the analytics store (leerpad.analytics.sync).

The LRS row store is the source of truth; the analytics store is a copy the sync feeds by
`stored` watermark, so it never sees a statement that changed or went after its export.
Privacy therefore tells it, after its own transaction committed:

- a person erased: `sync.erase_person(person_id, actor_keys)` removes their rows;
- statements deleted or anonymised (retention; an erased person named as instructor):
  `sync.refresh_statements(ids)` drops the store's copies of exactly those statements and
  exports what the LRS holds for them now (nothing for a deleted one, the anonymous actor
  for an anonymised one). When the ids are not known (a retry after a failure: they were
  only in memory) or there are more than `REFRESH_AT_MOST` of them (a first retention run
  over years of history), `sync.rebuild()` exports the whole LRS again instead: it reads
  everything, but costs no more for a million changes than for one.

Both run after the commit, never inside it: the store is files (or ClickHouse), which a
database rollback could not undo. If one fails, the work is kept as pending and the privacy
task retries it on the next scheduler tick (`retry_pending`, `tasks.retry_store_work`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from leerpad.core.logging import get_logger

log = get_logger(__name__)

# Above this many changed statements a rebuild is the cheaper way (and the ids need not be
# kept in memory): refreshing rewrites every month that holds one of them, and reads the
# LRS by id; a rebuild reads it once, in order.
REFRESH_AT_MOST = 100_000


def actor_keys(ifis: Iterable[str]) -> list[str]:
    """The analytics store's pseudonymous keys for identifiers other than the Leerpad account
    (which the store keys by person id)."""
    from leerpad.analytics.events import actor_key

    return sorted({key for ifi in ifis if (key := actor_key(ifi, None))})


def _initialised() -> bool:
    # Before its first export there is no copy to correct: that export reads the LRS as is.
    from leerpad.analytics import sync

    return sync.current_store().initialised()


def erase_person(person_id: int, keys: list[str]) -> int:
    from leerpad.analytics import sync

    if not _initialised():
        return 0
    return sync.erase_person(person_id, keys)


def refresh_changed_statements(ids: Sequence[str] | None = None) -> int:
    """Bring the store in line after statements were deleted or anonymised in the LRS;
    `ids` are their statement ids (None: not known, the whole store is rebuilt). Returns
    the rows exported again."""
    from leerpad.analytics import sync

    if not _initialised():
        return 0
    if ids is None or len(ids) > REFRESH_AT_MOST:
        result = sync.rebuild()
        log.info("privacy.store_rebuilt", rows=result.rows)
        return result.rows
    if not ids:
        return 0
    rows = sync.refresh_statements(ids)
    log.info("privacy.store_refreshed", statements=len(ids), rows=rows)
    return rows
