"""Background work of the privacy app: the retention policy, and finishing erasures in the
analytics store that failed after their commit."""

from __future__ import annotations

from django_tasks import task

from leerpad.privacy import erasure, retention
from leerpad.privacy.models import RetentionRun


@task()
def apply_retention(force: bool = False) -> int:
    """Apply the retention policy if a day passed since the last run (or `force`: the
    admin's "run now"); returns the statements deleted or made anonymous."""
    if not force and not retention.due():
        return 0
    run = retention.apply()
    return run.statements if run is not None else 0


@task()
def retry_store_work() -> int:
    """Retry what the analytics store still owes: erasures, and runs whose rows changed."""
    done = erasure.retry_pending()
    for run in RetentionRun.objects.filter(store_pending=True, finished_at__isnull=False):
        done += retention.refresh_store(run)
    return done
