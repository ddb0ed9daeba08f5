"""What starts the privacy app's periodic work: the scheduler's tick (`core.signals.periodic`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.core.signals import periodic


@receiver(periodic, dispatch_uid="privacy.retention")
def queue_retention(sender: Any, **_: Any) -> None:
    """Every tick: cheap checks here, the work in tasks (a run starts once a day at most)."""
    from leerpad.privacy import retention
    from leerpad.privacy.models import ErasureRecord, RetentionPolicy, RetentionRun
    from leerpad.privacy.tasks import apply_retention, retry_store_work

    if RetentionPolicy.current().months and retention.due():
        apply_retention.enqueue()
    pending = ErasureRecord.objects.filter(store_pending=True).exists() or (
        RetentionRun.objects.filter(store_pending=True, finished_at__isnull=False).exists()
    )
    if pending:
        retry_store_work.enqueue()
