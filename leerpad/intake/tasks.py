"""Background work of intake: parked requests come back on their revisit date. Every
scheduler tick queues it; a request comes back once (its status changes), so repeats
do nothing."""

from __future__ import annotations

from django_tasks import task

from leerpad.core.logging import get_logger
from leerpad.intake import services

log = get_logger(__name__)


@task()
def bring_back_parked() -> int:
    count = services.bring_back_due()
    if count:
        log.info("intake.parked_back", count=count)
    return count
