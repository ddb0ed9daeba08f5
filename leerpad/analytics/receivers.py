"""What starts a sync of the analytics store: the scheduler's tick, and committed
statements (so the store stays seconds behind the LRS). Both only queue the debounced
task (`tasks.queue_sync`); the worker does the export."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.core.logging import get_logger
from leerpad.core.signals import periodic
from leerpad.lrs.signals import statements_recorded

log = get_logger(__name__)


@receiver(periodic, dispatch_uid="analytics.sync")
def sync_periodically(sender: Any, **_: Any) -> None:
    """Every tick: the first tick also creates the store (the first full export)."""
    from leerpad.analytics.tasks import queue_sync

    queue_sync()


@receiver(statements_recorded, dispatch_uid="analytics.sync_on_statements")
def sync_on_statements(sender: Any, statements: list[dict[str, Any]], **_: Any) -> None:
    from leerpad.analytics.sync import current_store
    from leerpad.analytics.tasks import queue_sync

    try:
        # Before the first full export (a scheduler tick or `leerpad analytics sync`) there
        # is no store to keep up to date; this also keeps a request from paying for that
        # export. The configured engine's store: a Parquet state file, or ClickHouse's
        # state table (remembered once true, so this costs no round trip per write).
        if not current_store().initialised():
            return
        queue_sync()
    except Exception:
        # The statements are stored whatever happens here; the next tick catches up.
        log.exception("analytics.queue_failed", statements=len(statements))
