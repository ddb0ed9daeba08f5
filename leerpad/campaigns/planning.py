"""Planning a send: who of the segment gets a campaign's messages, and when.

For one occurrence of a campaign (a one-off send, one week of a weekly send, or the
people a trigger found) every member of the segment is checked against the respect
rules, in this order: opted out of the channel, already reached the goal, over the
frequency cap (LEERPAD_CAMPAIGN_CAP_PER_WEEK contacts in any 7 days, across all
campaigns; the messages of one occurrence on several channels count as one contact);
the others get a Delivery planned for the first moment in their send window. Skipped
people get a `skipped` row with the reason, so the log and the counts tell why.

`plan_occurrence(..., dry_run=True)` counts without writing: the launch confirmation.
Writing is idempotent: Delivery rows are found or created on their unique key, in one
transaction per batch, so planning the same occurrence again changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns import experiments, respect
from leerpad.campaigns import rules as segment_rules
from leerpad.campaigns.models import HOLDOUT_KEY, Campaign, Delivery, Message, Preference, Variant

BATCH = 500
# Statuses that count as a contact for the frequency cap.
CONTACTS = (Delivery.Status.QUEUED, Delivery.Status.SENDING, Delivery.Status.SENT)
# "Visit Leerpad" is reached by people who signed in within this many days before the send.
VISIT_RECENT_DAYS = 7


def cap_per_week() -> int:
    return int(getattr(settings, "LEERPAD_CAMPAIGN_CAP_PER_WEEK", 2))


@dataclass(frozen=True)
class PlanCounts:
    """What planning an occurrence did (or, dry, would do)."""

    segment: int
    opted_out: int
    goal_reached: int
    capped: int
    people: int  # people who get the campaign
    messages: int  # messages queued (people x channels)
    first_at: dt.datetime | None
    created: int = 0  # messages this run queued (0 when dry, or when planned before)


def goal_link(campaign: Campaign) -> str:
    """The page the goal is reached on: where a message's link leads unless it names one."""
    if campaign.goal in (Campaign.Goal.ENROL, Campaign.Goal.COMPLETE_STEP) and campaign.goal_path:
        return campaign.goal_path.get_absolute_url()
    if campaign.goal == Campaign.Goal.REGISTER and campaign.goal_session is not None:
        return str(campaign.goal_session.item.get_absolute_url())
    return reverse("core:home")


def _step_iris(campaign: Campaign) -> frozenset[str]:
    from leerpad.paths.completions import step_iris
    from leerpad.paths.models import Step

    path = campaign.goal_path
    if path is None or campaign.goal_step_uid is None:
        return frozenset()
    iris: set[str] = set()
    # Any version's step with that uid: the step is the same one across versions.
    for step in Step.objects.filter(version__path=path, uid=campaign.goal_step_uid).select_related(
        "item", "quiz"
    ):
        iris |= step_iris(step, path.key)
    return frozenset(iris)


def goal_reached(campaign: Campaign, person_ids: Iterable[int], now: dt.datetime) -> set[int]:
    """Which of the people already did what the campaign asks."""
    ids = list(person_ids)
    if not ids:
        return set()
    reached: set[int] = set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        reached |= _reached(campaign, chunk, now)
    return reached


def _reached(campaign: Campaign, ids: list[int], now: dt.datetime) -> set[int]:
    from leerpad.catalog.models import Registration
    from leerpad.paths.models import Completion, Enrolment

    goal = campaign.goal
    if goal == Campaign.Goal.VISIT:
        since = now - dt.timedelta(days=VISIT_RECENT_DAYS)
        people = Person.objects.filter(pk__in=ids, last_login__gte=since)
        return set(people.values_list("pk", flat=True))
    if goal == Campaign.Goal.ENROL and campaign.goal_path_id is not None:
        enrolled = Enrolment.objects.filter(person_id__in=ids, path_id=campaign.goal_path_id)
        enrolled = enrolled.exclude(status=Enrolment.Status.LEFT)
        return set(enrolled.values_list("person_id", flat=True))
    if goal == Campaign.Goal.COMPLETE_STEP:
        iris = _step_iris(campaign)
        if not iris:
            return set()
        done = Completion.objects.filter(person_id__in=ids, activity_iri__in=iris)
        return set(done.values_list("person_id", flat=True))
    if goal == Campaign.Goal.REGISTER and campaign.goal_session_id is not None:
        registered = Registration.objects.filter(
            person_id__in=ids, session_id=campaign.goal_session_id
        ).exclude(state=Registration.State.CANCELLED)
        return set(registered.values_list("person_id", flat=True))
    return set()


def audience(campaign: Campaign, now: dt.datetime) -> QuerySet[Person]:
    """The segment's members, narrowed by the trigger for triggered campaigns."""
    ruleset = segment_rules.parse(campaign.segment.rules, check_references=False)
    people = segment_rules.members(ruleset, now=now)
    if campaign.schedule != Campaign.Schedule.TRIGGERED:
        return people
    days = dt.timedelta(days=campaign.trigger_days or 0)
    if campaign.trigger == Campaign.Trigger.NEW_HIRE:
        return people.filter(date_joined__gte=now - days)
    if campaign.trigger == Campaign.Trigger.STALLED:
        from leerpad.paths.models import Enrolment

        stalled = Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE, last_activity_at__lte=now - days
        )
        if campaign.goal_path_id is not None:
            stalled = stalled.filter(path_id=campaign.goal_path_id)
        return people.filter(pk__in=stalled.values("person_id"))
    return people.none()


def _contacts(
    person_ids: list[int], around: dt.datetime, exclude: tuple[int, str]
) -> dict[int, list[dt.datetime]]:
    """Per person, when their other contacts are planned or were sent, within 14 days of
    `around` (a person's own time may be up to a few days after it: weekend, time zone,
    quiet hours; the cap looks 7 days either side of that)."""
    margin = dt.timedelta(days=14)
    found: dict[int, dict[tuple[int, str], dt.datetime]] = defaultdict(dict)
    for start in range(0, len(person_ids), BATCH):
        rows = Delivery.objects.filter(
            person_id__in=person_ids[start : start + BATCH],
            status__in=CONTACTS,
            scheduled_for__gte=around - margin,
            scheduled_for__lte=around + margin,
        ).values_list("person_id", "campaign_id", "occurrence", "scheduled_for")
        for person_id, campaign_id, occurrence, when in rows:
            if (campaign_id, occurrence) == exclude:
                continue
            found[person_id].setdefault((campaign_id, occurrence), when)
    return {pid: list(contacts.values()) for pid, contacts in found.items()}


@dataclass(frozen=True)
class _Decision:
    person_id: int
    at: dt.datetime
    reason: str  # "" = send
    variant: str | None = None  # the experiment's arm, when one is running


def plan_occurrence(
    campaign: Campaign,
    occurrence: str,
    at: dt.datetime,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> PlanCounts:
    """Plan (or, dry, count) the messages of one occurrence planned for `at`."""
    now = now or timezone.now()
    at = max(at, now)
    messages = list(campaign.messages.all())
    people = list(audience(campaign, now).order_by("pk").values_list("pk", flat=True))
    prefs = {p.person_id: p for p in Preference.objects.filter(person_id__in=people)}
    channels = {m.channel for m in messages}
    reached = goal_reached(campaign, people, now)
    contacts = _contacts(people, at, (campaign.pk, occurrence))
    # A running experiment decides each person's messages (and the hold-out gets none).
    arms = experiments.arms_for(campaign, people)
    variants = experiments.variants_by_key(campaign) if arms else {}
    cap = cap_per_week()
    default_zone = settings.TIME_ZONE

    opted = capped = reached_n = 0
    decisions: list[_Decision] = []
    for person_id in people:
        pref = prefs.get(person_id)
        arm = arms.get(person_id)
        variant = variants.get(arm) if arm else None
        person_channels = (
            {m.channel for m in experiments.messages_for(variant, messages)}
            if variant is not None
            else channels
        )
        open_channels = person_channels - set(pref.opted_out if pref else [])
        zone_info = respect.zone(pref.time_zone if pref else "", default_zone)
        quiet = (
            (pref.quiet_start, pref.quiet_end)
            if pref and pref.quiet_start and pref.quiet_end
            else None
        )
        delay = dt.timedelta(hours=variant.delay_hours if variant else 0)
        when = respect.next_allowed(at + delay, zone_info, quiet)
        if not open_channels:
            opted += 1
            decisions.append(_Decision(person_id, when, Delivery.Reason.OPTED_OUT))
        elif person_id in reached:
            reached_n += 1
            decisions.append(_Decision(person_id, when, Delivery.Reason.GOAL_REACHED))
        elif not respect.within_cap(when, contacts.get(person_id, []), cap):
            capped += 1
            decisions.append(_Decision(person_id, when, Delivery.Reason.CAPPED))
        elif arm == HOLDOUT_KEY:
            decisions.append(_Decision(person_id, when, Delivery.Reason.HOLDOUT, arm))
        else:
            decisions.append(_Decision(person_id, when, "", arm))

    sending = [d for d in decisions if not d.reason]
    queued = 0
    for d in sending:
        pref = prefs.get(d.person_id)
        queued += sum(
            1
            for m in _messages_of(d, messages, variants)
            if not (pref and m.channel in pref.opted_out)
        )
    counts = PlanCounts(
        segment=len(people),
        opted_out=opted,
        goal_reached=reached_n,
        capped=capped,
        people=len(sending),
        messages=queued,
        first_at=min((d.at for d in sending), default=None),
    )
    if dry_run:
        return counts
    created = 0
    for start in range(0, len(decisions), BATCH):
        batch = decisions[start : start + BATCH]
        created += _write(campaign, messages, occurrence, batch, prefs, now, variants)
    return dataclasses.replace(counts, created=created)


def _messages_of(
    decision: _Decision, messages: list[Message], variants: dict[str, Variant]
) -> list[Message]:
    if decision.variant is None:
        return messages
    if decision.variant == HOLDOUT_KEY:
        # One skipped row records the hold-out person (and when), for the results.
        return messages[:1]
    return experiments.messages_for(variants.get(decision.variant), messages)


@transaction.atomic
def _write(
    campaign: Campaign,
    messages: list[Message],
    occurrence: str,
    decisions: list[_Decision],
    prefs: dict[int, Preference],
    now: dt.datetime,
    variants: dict[str, Variant] | None = None,
) -> int:
    created = 0
    # Where each person works now, copied onto their rows (one query per batch): the report
    # groups by it, so a later move does not rewrite where the message reached them.
    places = {
        pk: (location, role)
        for pk, location, role in Person.objects.filter(
            pk__in=[d.person_id for d in decisions]
        ).values_list("pk", "location_id", "job_role_id")
    }
    for d in decisions:
        pref = prefs.get(d.person_id)
        location_id, job_role_id = places.get(d.person_id, (None, None))
        for message in _messages_of(d, messages, variants or {}):
            reason = d.reason
            if not reason and pref and message.channel in pref.opted_out:
                reason = Delivery.Reason.OPTED_OUT
            _row, new = Delivery.objects.get_or_create(
                campaign=campaign,
                message=message,
                person_id=d.person_id,
                occurrence=occurrence,
                defaults={
                    "channel": message.channel,
                    "status": Delivery.Status.SKIPPED if reason else Delivery.Status.QUEUED,
                    "reason": reason,
                    "scheduled_for": d.at,
                    "next_attempt_at": None if reason else d.at,
                    "variant": d.variant or "",
                    "location_id": location_id,
                    "job_role_id": job_role_id,
                    "created_at": now,
                },
            )
            created += bool(new and not reason)
    return created


# --- occurrences ---------------------------------------------------------------------------


def week_key(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def next_weekly(campaign: Campaign, now: dt.datetime) -> dt.datetime:
    """The next weekly send at or after `now` (weekday and hour in the organisation's zone)."""
    tz = respect.zone("", settings.TIME_ZONE)
    local = now.astimezone(tz)
    weekday = campaign.weekday or 0
    hour = campaign.hour if campaign.hour is not None else respect.WINDOW_START.hour
    day = local.date() + dt.timedelta(days=(weekday - local.weekday()) % 7)
    at = respect.at_local(day, dt.time(hour, 0), tz)
    if at < local:
        at = respect.at_local(day + dt.timedelta(days=7), dt.time(hour, 0), tz)
    return at.astimezone(dt.UTC)


def due_occurrence(campaign: Campaign, now: dt.datetime) -> tuple[str, dt.datetime] | None:
    """The occurrence the scheduler should plan now, if any: a one-off send once; a weekly
    send from a day before it (so goals and caps are checked close to the time); a
    triggered campaign on every tick (people the trigger finds for the first time)."""
    if campaign.schedule == Campaign.Schedule.ONCE:
        return ("once", campaign.send_at or now)
    if campaign.schedule == Campaign.Schedule.WEEKLY:
        at = next_weekly(campaign, now)
        if at - now <= dt.timedelta(days=1):
            return (week_key(at.astimezone(respect.zone("", settings.TIME_ZONE)).date()), at)
        return None
    return ("trigger", now)
