"""Writes for campaigns: segments. Each function is one transaction; rules are validated
here (through `rules.parse`), so the pages and the API store only what evaluates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from leerpad.accounts.models import Person
from leerpad.campaigns import rules as segment_rules
from leerpad.campaigns.models import Notification, Segment
from leerpad.core.logging import get_logger

if TYPE_CHECKING:
    from leerpad.campaigns import planning
    from leerpad.campaigns.models import Campaign, Delivery, Message, Preference

log = get_logger(__name__)


class SegmentError(ValueError):
    """A segment could not be saved; `messages` lists why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _clean(name: str, description: str, rules: Any) -> tuple[str, str, dict[str, Any]]:
    problems: list[str] = []
    name = name.strip()
    if not name:
        problems.append(gettext("A segment needs a name."))
    elif len(name) > 120:
        problems.append(gettext("The name is longer than 120 characters."))
    if len(description) > 1000:
        problems.append(gettext("The description is longer than 1000 characters."))
    try:
        ruleset = segment_rules.parse(rules)
    except segment_rules.RulesError as exc:
        problems += exc.messages
        ruleset = None
    if problems or ruleset is None:
        raise SegmentError(problems)
    return name, description.strip(), ruleset.as_json()


@transaction.atomic
def create_segment(name: str, description: str, rules: Any, *, by: Person | None) -> Segment:
    name, description, data = _clean(name, description, rules)
    return Segment.objects.create(name=name, description=description, rules=data, created_by=by)


@transaction.atomic
def update_segment(segment: Segment, name: str, description: str, rules: Any) -> Segment:
    name, description, data = _clean(name, description, rules)
    segment.name, segment.description, segment.rules = name, description, data
    segment.updated_at = timezone.now()
    segment.save(update_fields=["name", "description", "rules", "updated_at"])
    return segment


@transaction.atomic
def duplicate_segment(segment: Segment, *, by: Person | None) -> Segment:
    """A copy to change without touching the original (rules are copied as they are)."""
    name = gettext("Copy of %(name)s") % {"name": segment.name}
    return Segment.objects.create(
        name=name[:120], description=segment.description, rules=segment.rules, created_by=by
    )


@transaction.atomic
def delete_segment(segment: Segment) -> None:
    segment.delete()


# --- Campaigns, messages, delivery (issue 7) ---------------------------------------------


class CampaignError(ValueError):
    """A campaign or message could not be saved or launched; `messages` lists why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _unique_key(name: str, exclude: int | None = None) -> str:
    from django.utils.text import slugify

    from leerpad.campaigns.models import Campaign

    base = (slugify(name) or "campaign")[:40].strip("-") or "campaign"
    key, n = base, 1
    taken = Campaign.objects.exclude(pk=exclude) if exclude else Campaign.objects.all()
    while taken.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def check_campaign(campaign: Campaign) -> list[str]:
    """What keeps the campaign's goal and schedule from working (empty when fine)."""
    from leerpad.campaigns.models import Campaign

    problems: list[str] = []
    goal = campaign.goal
    if goal in (Campaign.Goal.ENROL, Campaign.Goal.COMPLETE_STEP) and campaign.goal_path_id is None:
        problems.append(gettext("Choose the path of the goal."))
    if goal == Campaign.Goal.COMPLETE_STEP and campaign.goal_step_uid is None:
        problems.append(gettext("Choose the step of the goal."))
    if goal == Campaign.Goal.REGISTER and campaign.goal_session_id is None:
        problems.append(gettext("Choose the session of the goal."))
    if campaign.schedule == Campaign.Schedule.ONCE and campaign.send_at is None:
        problems.append(gettext("A one-off campaign needs a date and time."))
    if campaign.schedule == Campaign.Schedule.WEEKLY and (
        campaign.weekday is None or campaign.hour is None or not 0 <= campaign.hour <= 23
    ):
        problems.append(gettext("A weekly campaign needs a weekday and an hour (0-23)."))
    if campaign.schedule == Campaign.Schedule.TRIGGERED:
        if not campaign.trigger:
            problems.append(gettext("Choose what triggers the campaign."))
        if not campaign.trigger_days or campaign.trigger_days > 365:
            problems.append(gettext("The trigger needs a number of days between 1 and 365."))
    return problems


@transaction.atomic
def save_campaign(campaign: Campaign, *, by: Person | None = None) -> Campaign:
    """Create or update a campaign (its fields set by the form); drafts and paused only."""
    from leerpad.campaigns.models import Campaign

    if campaign.pk and campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.PAUSED):
        raise CampaignError([gettext("Pause the campaign before changing it.")])
    problems = check_campaign(campaign)
    if problems:
        raise CampaignError(problems)
    if not campaign.key:
        campaign.key = _unique_key(campaign.name, campaign.pk)
    if campaign.pk is None:
        campaign.created_by = by
    campaign.updated_at = timezone.now()
    campaign.save()
    return campaign


def _clean_link(link: str) -> str:
    link = link.strip()
    # Only pages of this Leerpad: a tracked link must not become an open redirect.
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise CampaignError([gettext("The link must be a page of Leerpad, starting with “/”.")])
    return link


@transaction.atomic
def save_message(
    campaign: Campaign,
    channel: str,
    texts: dict[str, dict[str, str]],
    *,
    link: str = "",
    banner: bool = False,
) -> Message:
    """The campaign's message on `channel` (one per channel this round), tokens checked."""
    from leerpad.campaigns import personalise
    from leerpad.campaigns.models import LANGUAGES, MESSAGE_PARTS, Message

    if channel not in Message.Channel.values:
        raise CampaignError([gettext("Unknown channel.")])
    clean = {
        lang: {part: str(texts.get(lang, {}).get(part, "")).strip() for part in MESSAGE_PARTS}
        for lang in LANGUAGES
    }
    problems = personalise.problems(clean)
    if not any(any(parts.values()) for parts in clean.values()):
        problems.insert(0, gettext("Write the message in at least one language."))
    if problems:
        raise CampaignError(problems)
    message, _ = Message.objects.update_or_create(
        campaign=campaign,
        channel=channel,
        defaults={"texts": clean, "link": _clean_link(link), "banner": banner},
    )
    return message


def _occurrence_at(campaign: Campaign, now: dt.datetime) -> tuple[str, dt.datetime]:
    from leerpad.campaigns import planning, respect
    from leerpad.campaigns.models import Campaign

    if campaign.schedule == Campaign.Schedule.WEEKLY:
        at = planning.next_weekly(campaign, now)
        zone = respect.zone("", settings.TIME_ZONE)
        return planning.week_key(at.astimezone(zone).date()), at
    if campaign.schedule == Campaign.Schedule.ONCE:
        return "once", campaign.send_at or now
    return "trigger", now


def launch_preview(campaign: Campaign, now: dt.datetime | None = None) -> planning.PlanCounts:
    """What launching would do for the first occurrence (nothing is written)."""
    from leerpad.campaigns import planning

    now = now or timezone.now()
    occurrence, at = _occurrence_at(campaign, now)
    return planning.plan_occurrence(campaign, occurrence, at, now=now, dry_run=True)


def launch(campaign: Campaign, now: dt.datetime | None = None) -> planning.PlanCounts:
    """Start the campaign: a one-off send is planned at once (the outbox sends each
    message when its time comes); weekly and triggered sends are planned by the scheduler,
    and the first due one right now. Planning writes in batches (see `planning`)."""
    from leerpad.campaigns import planning
    from leerpad.campaigns.models import Campaign

    now = now or timezone.now()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in (Campaign.Status.DRAFT, Campaign.Status.PAUSED):
            raise CampaignError([gettext("Only a draft or paused campaign can be launched.")])
        problems = check_campaign(locked)
        if not locked.messages.exists():
            problems.append(gettext("Write at least one message first."))
        if problems:
            raise CampaignError(problems)
        locked.status = Campaign.Status.RUNNING
        locked.launched_at = locked.launched_at or now
        locked.updated_at = now
        locked.save(update_fields=["status", "launched_at", "updated_at"])
    campaign.refresh_from_db()
    occurrence = planning.due_occurrence(campaign, now)
    if occurrence is None:
        return launch_preview(campaign, now)
    return planning.plan_occurrence(campaign, occurrence[0], occurrence[1], now=now)


@transaction.atomic
def pause(campaign: Campaign) -> None:
    """Stop sending; queued messages wait (the outbox sends only for running campaigns)."""
    from leerpad.campaigns.models import Campaign

    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.RUNNING).update(
        status=Campaign.Status.PAUSED, updated_at=timezone.now()
    )
    campaign.refresh_from_db()


@transaction.atomic
def cancel(campaign: Campaign) -> int:
    """End the campaign; messages not sent yet are skipped. Returns how many."""
    from leerpad.campaigns.models import Campaign, Delivery

    Campaign.objects.filter(pk=campaign.pk).exclude(status=Campaign.Status.DONE).update(
        status=Campaign.Status.CANCELLED, updated_at=timezone.now()
    )
    campaign.refresh_from_db()
    return Delivery.objects.filter(campaign=campaign, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SKIPPED, reason=Delivery.Reason.CANCELLED, next_attempt_at=None
    )


@transaction.atomic
def retry(delivery: Delivery, now: dt.datetime | None = None) -> bool:
    """Queue a failed delivery again, with a fresh set of attempts (the marketer's call
    after an interrupted or failed send)."""
    from leerpad.campaigns.models import Delivery

    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED,
            attempts=0,
            next_attempt_at=now or timezone.now(),
        )
    )


def run_schedule(now: dt.datetime | None = None) -> int:
    """The scheduler's work for campaigns: plan due weekly and triggered occurrences, and
    close one-off campaigns whose messages all went out. Returns deliveries planned."""
    from leerpad.campaigns import planning
    from leerpad.campaigns.models import Campaign, Delivery

    now = now or timezone.now()
    planned = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.RUNNING).select_related(
        "segment"
    ):
        if campaign.schedule == Campaign.Schedule.ONCE:
            open_rows = campaign.deliveries.filter(
                status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
            )
            if not open_rows.exists():
                Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DONE)
            continue
        occurrence = planning.due_occurrence(campaign, now)
        if occurrence is None:
            continue
        if (
            campaign.schedule == Campaign.Schedule.WEEKLY
            and campaign.deliveries.filter(occurrence=occurrence[0]).exists()
        ):
            continue
        try:
            planned += planning.plan_occurrence(campaign, *occurrence, now=now).created
        except Exception:
            log.exception("campaigns.plan_failed", campaign=campaign.pk)
    return planned


# --- People: preferences, unsubscribe, notifications, clicks ---------------------------------


def preference_of(person: Person) -> Preference:
    from leerpad.campaigns.models import Preference

    return Preference.objects.get_or_create(person=person)[0]


@transaction.atomic
def set_preferences(
    person: Person,
    *,
    opted_out: list[str],
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    time_zone: str,
) -> Preference:
    from leerpad.campaigns import respect
    from leerpad.campaigns.models import Message

    problems: list[str] = []
    if time_zone and not respect.is_zone(time_zone):
        problems.append(gettext("Unknown time zone; use a name such as Europe/Brussels."))
    if (quiet_start is None) != (quiet_end is None):
        problems.append(gettext("Give both ends of the quiet hours, or neither."))
    if problems:
        raise CampaignError(problems)
    pref = preference_of(person)
    pref.opted_out = sorted({c for c in opted_out if c in Message.Channel.values})
    pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
    pref.time_zone = time_zone
    pref.updated_at = timezone.now()
    pref.save()
    return pref


@transaction.atomic
def unsubscribe(preference_token: str, channel: str) -> Preference | None:
    """Opt the person behind a one-click link out of `channel`; None for an unknown token."""
    from leerpad.campaigns.models import Message, Preference

    pref = Preference.objects.select_for_update().filter(unsubscribe_token=preference_token).first()
    if pref is None or channel not in Message.Channel.values:
        return None
    if channel not in pref.opted_out:
        pref.opted_out = sorted([*pref.opted_out, channel])
        pref.updated_at = timezone.now()
        pref.save(update_fields=["opted_out", "updated_at"])
    return pref


@transaction.atomic
def mark_read(person: Person, notification_id: int | None = None) -> int:
    """Mark one notification (or all) of the person as read."""
    from leerpad.campaigns.models import Notification

    unread = Notification.objects.filter(person=person, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def follow_link(delivery: Delivery, now: dt.datetime | None = None) -> str:
    """A tracked link was followed: record the visit in the LRS for the recipient, mark the
    delivery clicked (the first time) and return where to go, carrying the campaign so the
    page the person lands on records a campaign arrival."""
    from urllib.parse import urlencode

    from leerpad.campaigns import planning, tracking
    from leerpad.campaigns.models import Delivery

    now = now or timezone.now()
    target = delivery.message.link or planning.goal_link(delivery.campaign)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, clicked_at__isnull=True).update(clicked_at=now)
        tracking.clicked(delivery, target, now)
    params = {"via": "campaign", "campaign": delivery.campaign.key}
    if delivery.variant:
        # The landing page records the variant too (catalog.tracking reads it).
        params["variant"] = delivery.variant
    query = urlencode(params)
    return f"{target}{'&' if '?' in target else '?'}{query}"


def _notification(person_id: int, title: str, body: str, link: str, link_text: str) -> Notification:
    # Too long a title or link text is cut to fit its column.
    return Notification(
        person_id=person_id, title=title[:300], body=body, link=link, link_text=link_text[:200]
    )


def notify(
    person: Person, *, title: str, body: str = "", link: str = "", link_text: str = ""
) -> Notification:
    """An in-app notification for one person (the bell in the header), for any app.

    Write the texts under `translation.override(person.language ...)`: they are stored as
    the person will read them. Too long a title or link text is cut to fit its column.
    """
    notification = _notification(person.pk, title, body, link, link_text)
    notification.save()
    return notification


def notify_many(
    people: Iterable[tuple[int, str]],
    texts: Callable[[], tuple[str, str, str]],
    *,
    link: str = "",
) -> int:
    """The same notification for many people at once (person id, language): `texts()`
    returns (title, body, link text) and is called once per language, with that language
    active; one bulk insert. Returns how many were made. For audiences of thousands, where
    `notify` per person would be a query each."""
    by_language: dict[str, list[int]] = defaultdict(list)
    for person_id, language in people:
        by_language[language or settings.LANGUAGE_CODE].append(person_id)
    rows: list[Notification] = []
    for language, person_ids in by_language.items():
        with translation.override(language):
            title, body, link_text = texts()
        rows += [_notification(pk, title, body, link, link_text) for pk in person_ids]
    Notification.objects.bulk_create(rows, batch_size=500)
    return len(rows)
