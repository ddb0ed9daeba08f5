"""Background work of the asset library: the daily consent and rights check."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from leerpad.assets import expiry
from leerpad.assets.models import CheckRun


@task()
@transaction.atomic
def check_assets() -> int:
    """Every scheduler tick queues this; only the day's first run checks (the check itself
    is idempotent too, see `expiry`). One transaction: a failed check does not count as
    the day's run."""
    today = timezone.localdate()
    _, first = CheckRun.objects.get_or_create(day=today)
    if not first:
        return 0
    return expiry.send_warnings(today)
