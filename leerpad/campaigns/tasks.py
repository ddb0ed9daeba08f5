"""Background work of campaigns: every scheduler tick queues `run_campaigns`, which plans
due weekly and triggered sends (`services.run_schedule`) and works through the outbox
(`outbox.process`). Running it twice, or in two workers at once, sends nothing twice
(see `outbox`)."""

from __future__ import annotations

from django_tasks import task

from leerpad.campaigns import outbox, services
from leerpad.core.logging import get_logger

log = get_logger(__name__)


@task()
def run_campaigns() -> int:
    planned = services.run_schedule()
    run = outbox.process()
    if planned or run.sent or run.failed or run.recovered:
        log.info(
            "campaigns.outbox_run",
            planned=planned,
            sent=run.sent,
            retrying=run.retrying,
            failed=run.failed,
            skipped=run.skipped,
            interrupted=len(run.recovered),
        )
    return run.sent
