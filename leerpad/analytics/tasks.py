"""Background work of the analytics app: keep the store seconds behind the LRS.

`sync_analytics` is queued by every scheduler tick and after every committed statement
batch (`receivers`). Debounced: at most one sync waits in the queue at a time, through a
marker file in the store's folder (a file, not the cache, because the web processes, the
worker and the scheduler are separate processes and the default cache is per process).
The task removes the marker before it starts, so statements arriving during a sync queue
the next one. A marker older than `STALE_AFTER` (a worker that died) no longer blocks.
"""

from __future__ import annotations

import os
import time

from django_tasks import task

from leerpad.analytics import query, sync
from leerpad.analytics.store.parquet import store
from leerpad.core.logging import get_logger

log = get_logger(__name__)

MARKER = "sync.queued"
STALE_AFTER = 300  # seconds


def _claim() -> bool:
    """Create the marker; False when a sync is already queued."""
    st = store()
    st.root.mkdir(parents=True, exist_ok=True)
    marker = st.root / MARKER
    try:
        if time.time() - marker.stat().st_mtime < STALE_AFTER:
            return False
        marker.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False  # another process queued one just now
    return True


def queue_sync() -> bool:
    """Queue a sync unless one is queued already; returns whether it queued one."""
    if not _claim():
        return False
    try:
        sync_analytics.enqueue()
    except Exception:
        (store().root / MARKER).unlink(missing_ok=True)
        raise
    return True


@task()
def sync_analytics() -> int:
    (store().root / MARKER).unlink(missing_ok=True)
    rows = sync.sync().rows
    tidy()
    return rows


def tidy() -> int:
    """Merge the small batch files frequent syncs leave (see `ParquetStore.tidy`)."""
    # The engine as the query layer reads it (LEERPAD_ANALYTICS_ENGINE, any case, empty =
    # duckdb): the Parquet files exist only on the DuckDB tier.
    if query.engine() != "duckdb":
        return 0  # ClickHouse merges its own parts
    st = store()
    with st.writing() as state:
        merges = st.tidy(state)
        if merges:
            st.save_state(state)
    return merges
