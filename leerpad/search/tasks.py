"""Background work that keeps the search index in step with the catalogue."""

from __future__ import annotations

from django_tasks import task

from leerpad.core.logging import get_logger
from leerpad.search import service

log = get_logger(__name__)


@task()
def index_items(item_ids: list[int]) -> int:
    written = service.index_items(item_ids)
    log.info("search.indexed", items=len(item_ids), written=written)
    return written


@task()
def rebuild_index() -> int:
    written = service.rebuild()
    log.info("search.rebuilt", documents=written)
    return written
