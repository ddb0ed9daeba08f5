"""The outbox: deliveries that are due are claimed, rendered, handed to their channel and
marked sent; failures are retried with back-off and, after the last attempt, shown as
failed in the campaign log.

Never a double message:

- The claim is a conditional UPDATE (status queued → sending, with a fresh attempt id)
  that only one worker can win, on SQLite and PostgreSQL alike; it commits before the
  hand-over, so a crash leaves the row `sending`, not `queued`.
- The unique (campaign, message, person, occurrence) key means planning twice cannot
  queue a message twice.
- A row still `sending` after `LEASE` was interrupted mid-send. For e-mail, Slack and
  Teams the provider may have accepted it, so it is not repeated (at most once): it
  becomes `failed` with an explanation, and a marketer may retry it. In-app notifications
  are keyed by the delivery, so those are simply queued again (exactly once).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from leerpad.campaigns import channels, experiments, links, personalise, planning
from leerpad.campaigns.models import Campaign, Delivery, Preference
from leerpad.core.logging import get_logger

log = get_logger(__name__)

# Waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure is final.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long an attempt may take before it counts as interrupted.
LEASE = dt.timedelta(minutes=10)
BATCH = 200

INTERRUPTED = (
    "The send was interrupted after the hand-over began; it is not repeated automatically "
    "so nobody gets the message twice. Retry it if it did not arrive."
)


@dataclass
class OutboxRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: list[int] = field(default_factory=list)


def recover_interrupted(now: dt.datetime) -> list[int]:
    """Settle attempts that stopped mid-send (see the module docstring)."""
    stuck = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=now - LEASE)
    ids = list(stuck.values_list("pk", flat=True))
    stuck.filter(channel__in=channels.REPEATABLE).update(
        status=Delivery.Status.QUEUED, next_attempt_at=now
    )
    stuck.exclude(channel__in=channels.REPEATABLE).update(
        status=Delivery.Status.FAILED, last_error=INTERRUPTED, next_attempt_at=None
    )
    return ids


def due(now: dt.datetime, limit: int = BATCH) -> list[int]:
    return list(
        Delivery.objects.filter(
            status=Delivery.Status.QUEUED,
            next_attempt_at__lte=now,
            campaign__status=Campaign.Status.RUNNING,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def process(now: dt.datetime | None = None, limit: int = BATCH) -> OutboxRun:
    """Send what is due at `now` (at most `limit` deliveries)."""
    now = now or timezone.now()
    run = OutboxRun(recovered=recover_interrupted(now))
    for pk in due(now, limit):
        outcome = send_one(pk, now)
        if outcome == "sent":
            run.sent += 1
        elif outcome == "retrying":
            run.retrying += 1
        elif outcome == "failed":
            run.failed += 1
        elif outcome == "skipped":
            run.skipped += 1
    return run


def claim(pk: int, now: dt.datetime) -> uuid.UUID | None:
    """Take the delivery for one attempt; None when another worker has it (or it is not due)."""
    attempt = uuid.uuid4()
    won = Delivery.objects.filter(
        pk=pk, status=Delivery.Status.QUEUED, next_attempt_at__lte=now
    ).update(
        status=Delivery.Status.SENDING,
        attempt_id=attempt,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return attempt if won else None


def _rendered(delivery: Delivery) -> personalise.Rendered:
    """The message as this person gets it; rendered once, at the first attempt, and kept
    (retries send the same text, and the log shows what was sent)."""
    if delivery.payload:
        return personalise.Rendered.from_json(delivery.payload)
    pref, _ = Preference.objects.get_or_create(person_id=delivery.person_id)
    rendered = personalise.render(
        # An experiment's variant replaces one part of the message (campaigns.experiments).
        experiments.message_for(delivery),
        delivery.person,
        link=links.go_url(delivery.pk),
        unsubscribe=links.unsubscribe_url(pref.unsubscribe_token, delivery.channel),
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        payload=rendered.as_json(), language=rendered.language
    )
    return rendered


def _skip(delivery: Delivery, attempt: uuid.UUID, reason: str) -> str:
    Delivery.objects.filter(pk=delivery.pk, attempt_id=attempt).update(
        status=Delivery.Status.SKIPPED, reason=reason, next_attempt_at=None
    )
    return "skipped"


def send_one(pk: int, now: dt.datetime) -> str:
    """One attempt at one delivery: "sent", "retrying", "failed", "skipped" or "taken"."""
    attempt = claim(pk, now)
    if attempt is None:
        return "taken"
    delivery = Delivery.objects.select_related(
        "campaign__goal_path__current", "message__campaign", "person__location"
    ).get(pk=pk)
    # The respect rules again at the moment of sending: people may have opted out or
    # reached the goal since the send was planned; nudges stop once the goal is reached.
    if not delivery.person.is_active:
        return _skip(delivery, attempt, Delivery.Reason.INACTIVE)
    pref = Preference.objects.filter(person_id=delivery.person_id).first()
    if pref is not None and delivery.channel in pref.opted_out:
        return _skip(delivery, attempt, Delivery.Reason.OPTED_OUT)
    if planning.goal_reached(delivery.campaign, [delivery.person_id], now):
        return _skip(delivery, attempt, Delivery.Reason.GOAL_REACHED)
    try:
        rendered = _rendered(delivery)
        channels.send(delivery, rendered)
    except Exception as exc:
        return _failed(delivery, attempt, exc, now)
    Delivery.objects.filter(pk=pk, attempt_id=attempt).update(
        status=Delivery.Status.SENT, sent_at=now, last_error="", next_attempt_at=None
    )
    return "sent"


def _failed(delivery: Delivery, attempt: uuid.UUID, exc: Exception, now: dt.datetime) -> str:
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("campaigns.delivery_failed", delivery=delivery.pk, attempt=attempts, error=error)
    mine = Delivery.objects.filter(pk=delivery.pk, attempt_id=attempt)
    if attempts >= MAX_ATTEMPTS:
        mine.update(status=Delivery.Status.FAILED, last_error=error, next_attempt_at=None)
        return "failed"
    mine.update(
        status=Delivery.Status.QUEUED,
        last_error=error,
        next_attempt_at=now + BACKOFF[attempts - 1],
    )
    return "retrying"
