"""Retention: statements older than the policy's period are deleted or made anonymous.

The policy is one row in the database (`RetentionPolicy`), set on an admin page with a
preview. The periodic task (`tasks.apply_retention`, queued by the scheduler, at most once
a day) applies it in batches of `BATCH` statements, each in its own transaction, so a run
over millions of statements never holds one long transaction or lock, and a run that stops
half-way is simply continued by the next. Age is measured from `stored` (when the LRS
recorded the statement: indexed, and what the public page promises: "months after it was
recorded"). Each run is kept as a `RetentionRun` (when, policy, how many).

What stays: path enrolments, certificates, sign-offs and quiz attempts are the apps' own
records, not statements; they follow the person's account (and erasure), not this period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.logging import get_logger
from leerpad.privacy import records, store
from leerpad.privacy.models import RetentionAction, RetentionPolicy, RetentionRun

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from leerpad.lrs.models import Statement

log = get_logger(__name__)

BATCH = 1000
# "Daily at most": a run starts only when the last one started longer ago than this.
RUN_EVERY = dt.timedelta(hours=23)
MAX_MONTHS = 600


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the last day of the month
    when that month is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def cutoff(months: int, now: dt.datetime | None = None) -> dt.datetime:
    """Statements recorded before this moment are past the period (cut at midnight, so a
    preview and the run of the same day agree)."""
    today = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return months_before(today, months)


def _affected(action: str, before: dt.datetime) -> QuerySet[Statement]:
    from leerpad.lrs.models import Statement

    rows = Statement.objects.filter(stored__lt=before)
    if action == RetentionAction.ANONYMISE:
        # Already anonymous: anonymised by an earlier run, or an anonymous group.
        rows = rows.exclude(
            Q(actor_ifi__startswith=records.anonymous_ifi_prefix()) | Q(actor_ifi="")
        )
    return rows


@dataclass(frozen=True)
class Preview:
    months: int | None
    action: str
    cutoff: dt.datetime | None
    statements: int


def preview(months: int | None, action: str, now: dt.datetime | None = None) -> Preview:
    """What the policy would do if it ran now."""
    if not months:
        return Preview(None, action, None, 0)
    before = cutoff(months, now)
    return Preview(months, action, before, _affected(action, before).count())


@transaction.atomic
def set_policy(months: int | None, action: str, by: Person) -> RetentionPolicy:
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be 1..{MAX_MONTHS} or None, not {months}")
    if action not in RetentionAction.values:
        raise ValueError(f"unknown retention action {action!r}")
    policy = RetentionPolicy.objects.select_for_update().order_by("pk").first() or RetentionPolicy()
    policy.months = months
    policy.action = action
    policy.updated_at = timezone.now()
    policy.updated_by_name = by.get_full_name() or by.email
    policy.save()
    log.info("privacy.retention_set", months=months, action=action, by=by.pk)
    return policy


@transaction.atomic
def _apply_batch(action: str, before: dt.datetime, size: int) -> list[str]:
    """One batch in one transaction; returns the statement ids deleted or anonymised."""
    pks = list(
        _affected(action, before).order_by("stored", "pk").values_list("pk", flat=True)[:size]
    )
    if not pks:
        return []
    if action == RetentionAction.DELETE:
        return records.delete(pks)
    return records.anonymise(pks)


def due(now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    last = RetentionRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    return last is None or now - last >= RUN_EVERY


def apply(
    now: dt.datetime | None = None, batch_size: int = BATCH, max_batches: int | None = None
) -> RetentionRun | None:
    """Apply the policy now (whatever the time of the last run); None when no period is set."""
    policy = RetentionPolicy.current()
    if not policy.months:
        return None
    before = cutoff(policy.months, now)
    run = RetentionRun.objects.create(
        started_at=now or timezone.now(), months=policy.months, action=policy.action, cutoff=before
    )
    batches = 0
    # The ids the analytics store must refresh; None once there are so many that it is
    # rebuilt instead (store.REFRESH_AT_MOST), which also bounds the memory held here.
    changed: list[str] | None = []
    try:
        while max_batches is None or batches < max_batches:
            done = _apply_batch(policy.action, before, batch_size)
            if not done:
                break
            batches += 1
            run.statements += len(done)
            if changed is not None:
                changed += done
                if len(changed) > store.REFRESH_AT_MOST:
                    changed = None
            # Saved per batch: a run that dies half-way still says what it did.
            RetentionRun.objects.filter(pk=run.pk).update(statements=run.statements)
    except Exception as error:
        log.exception("privacy.retention_failed", run=run.pk)
        run.error = str(error)[:2000]
    run.finished_at = timezone.now()
    run.store_pending = run.statements > 0
    run.save()
    log.info("privacy.retention_applied", run=run.pk, statements=run.statements, action=run.action)
    if run.store_pending:
        refresh_store(run, changed)
    return run


def refresh_store(run: RetentionRun, changed: list[str] | None = None) -> bool:
    """Update the analytics store after a run (`changed`: the statement ids it deleted or
    anonymised; None, as on a retry, rebuilds the store); False (and kept pending) when
    it failed."""
    try:
        store.refresh_changed_statements(changed)
    except Exception:
        log.exception("privacy.retention_store_failed", run=run.pk)
        return False
    RetentionRun.objects.filter(pk=run.pk).update(store_pending=False)
    run.store_pending = False
    return True


def recent_runs(limit: int = 20) -> list[RetentionRun]:
    return list(RetentionRun.objects.all()[:limit])
