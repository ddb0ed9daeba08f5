"""The search index listens to the catalogue: a changed item is indexed again."""

from __future__ import annotations

from typing import Any

from leerpad.catalog.signals import content_changed
from leerpad.core.logging import get_logger
from leerpad.core.signals import server_starting

log = get_logger(__name__)

# Up to this many items are indexed right after the change commits, in the same process:
# a few hundred milliseconds that make "I just published it" findable at once, even where
# no task worker runs. Larger batches (a big import, a rebuild) go to the task queue.
INLINE_LIMIT = 2000


def on_content_changed(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    from leerpad.search import service
    from leerpad.search.tasks import index_items

    ids = list(item_ids)
    if len(ids) <= INLINE_LIMIT:
        try:
            service.index_items(ids)
            return
        except Exception:
            log.exception("search.inline_index_failed", items=len(ids))
    index_items.enqueue(ids)


def on_server_starting(sender: Any, **kwargs: Any) -> str:
    from leerpad.search.service import ensure_index

    if ensure_index():
        return "The search index is empty: it is being built in the background."
    return ""


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="search.index_changed_items")
    server_starting.connect(on_server_starting, dispatch_uid="search.ensure_index")
