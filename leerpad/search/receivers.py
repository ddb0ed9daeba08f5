"""The search index listens to the catalogue: a changed item is indexed again."""

from __future__ import annotations

from typing import Any

from leerpad.catalog.signals import content_changed
from leerpad.core.signals import server_starting


def on_content_changed(sender: Any, item_ids: list[int], **kwargs: Any) -> None:
    from leerpad.search.tasks import index_items

    index_items.enqueue(list(item_ids))


def on_server_starting(sender: Any, **kwargs: Any) -> str:
    from leerpad.search.service import ensure_index

    if ensure_index():
        return "The search index is empty: it is being built in the background."
    return ""


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="search.index_changed_items")
    server_starting.connect(on_server_starting, dispatch_uid="search.ensure_index")
