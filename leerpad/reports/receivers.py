"""The scheduler's tick: on the first days of a month, queue a draft report for the month
before, when there is none yet. L&D then reads it, adjusts the narrative and publishes;
nothing is published automatically."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from leerpad.core.logging import get_logger
from leerpad.core.signals import periodic

log = get_logger(__name__)

# The first days of a month, so a scheduler that was down on the 1st still catches up.
DRAFT_DAYS = (1, 2, 3)


@receiver(periodic, dispatch_uid="reports.monthly_draft")
def queue_monthly_draft(sender: Any, now: dt.datetime | None = None, **_: Any) -> None:
    from leerpad.reports.models import MonthlyReport
    from leerpad.reports.services import latest_closed_month
    from leerpad.reports.tasks import generate_monthly_draft

    today = (now or timezone.now()).astimezone(dt.UTC).date()
    if today.day not in DRAFT_DAYS:
        return
    # Checked here too, so the ticks of those days queue one task, not hundreds.
    if MonthlyReport.objects.filter(month=latest_closed_month(today)).exists():
        return
    try:
        generate_monthly_draft.enqueue()
    except Exception:
        log.exception("reports.queue_failed")
