"""Background work of the reports app: the monthly draft."""

from __future__ import annotations

from django_tasks import task

from leerpad.core.logging import get_logger

log = get_logger(__name__)


@task()
def generate_monthly_draft() -> int | None:
    """A draft report for last month in the default language, unless one exists (idempotent)."""
    from leerpad.reports.services import generate_draft_if_missing

    report = generate_draft_if_missing()
    if report is not None:
        log.info("reports.draft_generated", report_id=report.pk, month=str(report.month))
        return report.pk
    return None
