"""Planning a send: the send window and quiet hours in each person's time zone (with the
edges: weekends, other zones, daylight saving), the frequency cap across campaigns,
opt-outs, the goal, and idempotent planning."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from leerpad.accounts.models import Person
from leerpad.campaigns import planning, respect, services
from leerpad.campaigns.models import Campaign, Delivery, Message, Preference
from leerpad.campaigns.tests.campaign_helpers import FRIDAY_EVENING, TUESDAY, UTC, campaign
from leerpad.campaigns.tests.segment_world import World, build

BRUSSELS = ZoneInfo("Europe/Brussels")
NEW_YORK = ZoneInfo("America/New_York")


# --- the window and quiet hours (pure) -------------------------------------------------------


def test_inside_the_window_a_message_goes_at_once() -> None:
    assert respect.next_allowed(TUESDAY, BRUSSELS) == TUESDAY  # 11:00 local


def test_after_friday_18h_waits_for_monday_9h_local() -> None:
    monday_9_brussels = dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert respect.next_allowed(FRIDAY_EVENING, BRUSSELS) == monday_9_brussels


def test_the_window_is_in_the_recipients_own_zone() -> None:
    # 10:00 UTC is 05:00 in New York: wait until 09:00 there, 14:00 UTC.
    assert respect.next_allowed(TUESDAY, NEW_YORK) == dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    # Friday 17:30 UTC is 12:30 in New York: still inside their window.
    assert respect.next_allowed(FRIDAY_EVENING, NEW_YORK) == FRIDAY_EVENING


def test_quiet_hours_over_midnight_replace_the_window() -> None:
    quiet = (dt.time(22, 0), dt.time(7, 0))
    # Tuesday 23:00 Brussels → Wednesday 07:00 Brussels (06:00 UTC).
    late = dt.datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
    assert respect.next_allowed(late, BRUSSELS, quiet) == dt.datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    # 19:00 is outside these quiet hours, though after the default window: it goes.
    evening = dt.datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert respect.next_allowed(evening, BRUSSELS, quiet) == evening
    # Early Wednesday 03:00 local → 07:00 the same day.
    early = dt.datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    assert respect.next_allowed(early, BRUSSELS, quiet) == dt.datetime(
        2026, 12, 2, 6, 0, tzinfo=UTC
    )


def test_quiet_hours_within_a_day_and_weekends() -> None:
    lunch = (dt.time(12, 0), dt.time(13, 30))
    at = dt.datetime(2026, 12, 1, 11, 15, tzinfo=UTC)  # 12:15 Brussels
    assert respect.next_allowed(at, BRUSSELS, lunch) == dt.datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    saturday = dt.datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    # With own quiet hours the day starts at midnight; the weekend still waits for Monday.
    assert respect.next_allowed(saturday, BRUSSELS, lunch) == dt.datetime(
        2026, 12, 6, 23, 0, tzinfo=UTC
    )


def test_daylight_saving_moves_the_utc_time_of_9h() -> None:
    # Saturday 27 March 2027; the clocks go forward on Sunday 28 March.
    saturday = dt.datetime(2027, 3, 27, 12, 0, tzinfo=UTC)
    # Monday 09:00 CEST (UTC+2) is 07:00 UTC, not 08:00 as a week earlier.
    assert respect.next_allowed(saturday, BRUSSELS) == dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    week_before = dt.datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    assert respect.next_allowed(week_before, BRUSSELS) == dt.datetime(2027, 3, 22, 8, 0, tzinfo=UTC)


def test_a_quiet_end_in_the_skipped_hour_moves_forward_with_the_clocks() -> None:
    # New York springs forward on Sunday 14 March 2027 02:00 → 03:00; with weekday
    # quiet hours ending 02:30 nothing lands on Sunday, so use the zone's rule directly.
    moment = respect.at_local(dt.date(2027, 3, 14), dt.time(2, 30), NEW_YORK)
    assert moment.hour == 3 and moment.minute == 30
    assert moment.utcoffset() == dt.timedelta(hours=-4)


def test_an_unknown_zone_falls_back_to_the_default() -> None:
    assert respect.zone("Mars/Olympus", "Europe/Brussels") == BRUSSELS
    assert respect.zone("", "Europe/Brussels") == BRUSSELS


def test_cap_counts_contacts_within_seven_days_either_side() -> None:
    at = TUESDAY
    others = [at - dt.timedelta(days=3), at + dt.timedelta(days=6)]
    assert not respect.within_cap(at, others, 2)
    assert respect.within_cap(at, others, 3)
    far = [at - dt.timedelta(days=7), at + dt.timedelta(days=8)]
    assert respect.within_cap(at, far, 1)


# --- planning an occurrence --------------------------------------------------------------------


@pytest.fixture
def world(db: None, django_capture_on_commit_callbacks: Any) -> World:
    return build(django_capture_on_commit_callbacks)


def _rows(c: Campaign) -> dict[str, tuple[str, str]]:
    return {
        d.person.first_name: (d.status, d.reason)
        for d in Delivery.objects.filter(campaign=c).select_related("person")
    }


def test_plan_queues_for_the_segment_in_each_persons_window(world: World) -> None:
    Preference.objects.create(person=world.bob, time_zone="America/New_York")
    Preference.objects.create(
        person=world.cleo, quiet_start=dt.time(10, 0), quiet_end=dt.time(12, 0)
    )
    c = campaign(send_at=TUESDAY)
    counts = planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY)
    assert (counts.segment, counts.people, counts.messages) == (4, 4, 4)
    planned = {
        d.person.first_name: d.scheduled_for
        for d in Delivery.objects.filter(campaign=c).select_related("person")
    }
    assert planned["Ann"] == TUESDAY
    assert planned["Bob"] == dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 09:00 New York
    assert planned["Cleo"] == dt.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # 12:00 Brussels
    assert counts.first_at == TUESDAY
    assert all(d.next_attempt_at == d.scheduled_for for d in Delivery.objects.all())


def test_opted_out_goal_reached_and_capped_are_skipped_with_the_reason(world: World) -> None:
    Preference.objects.create(person=world.max, opted_out=[Message.Channel.EMAIL])
    c = campaign(
        name="Enrol",
        goal=Campaign.Goal.ENROL,
        goal_path=world.path,
        send_at=TUESDAY,
    )
    preview = planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY, dry_run=True)
    assert not Delivery.objects.filter(campaign=c).exists()  # a dry run writes nothing
    counts = planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY)
    assert preview == dataclasses.replace(counts, created=0)
    # ann, bob and cleo are enrolled (cleo completed): the goal is reached; max left the
    # path, but opted out of e-mail.
    assert (counts.segment, counts.opted_out, counts.goal_reached, counts.capped) == (4, 1, 3, 0)
    assert counts.people == counts.messages == 0
    assert _rows(c)["Max"] == (Delivery.Status.SKIPPED, Delivery.Reason.OPTED_OUT)
    assert _rows(c)["Ann"] == (Delivery.Status.SKIPPED, Delivery.Reason.GOAL_REACHED)


def test_the_cap_spans_all_campaigns(world: World, settings: Any) -> None:
    settings.LEERPAD_CAMPAIGN_CAP_PER_WEEK = 2
    first = campaign(name="One", send_at=TUESDAY - dt.timedelta(days=5))
    second = campaign(name="Two", send_at=TUESDAY - dt.timedelta(days=2))
    for c in (first, second):
        planning.plan_occurrence(c, "once", c.send_at, now=c.send_at)  # type: ignore[arg-type]
    Delivery.objects.filter(campaign=second, person=world.bob).delete()
    c = campaign(name="Three", send_at=TUESDAY)
    counts = planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY)
    assert counts.capped == 3 and counts.people == 1
    assert _rows(c)["Bob"] == (Delivery.Status.QUEUED, "")
    assert _rows(c)["Ann"] == (Delivery.Status.SKIPPED, Delivery.Reason.CAPPED)
    settings.LEERPAD_CAMPAIGN_CAP_PER_WEEK = 3
    later = campaign(name="Four", send_at=TUESDAY)
    assert planning.plan_occurrence(later, "once", TUESDAY, now=TUESDAY).capped == 0


def test_several_channels_of_one_send_count_as_one_contact(world: World) -> None:
    both = (Message.Channel.EMAIL, Message.Channel.IN_APP)
    first = campaign(both, name="One", send_at=TUESDAY - dt.timedelta(days=1))
    planning.plan_occurrence(first, "once", first.send_at, now=first.send_at)  # type: ignore[arg-type]
    c = campaign(both, name="Two", send_at=TUESDAY)
    counts = planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY)
    assert (counts.capped, counts.people, counts.messages) == (0, 4, 8)


def test_planning_twice_changes_nothing(world: World) -> None:
    c = campaign((Message.Channel.EMAIL, Message.Channel.SLACK), send_at=TUESDAY)
    planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY)
    before = list(Delivery.objects.order_by("pk").values_list("pk", "scheduled_for", "status"))
    planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY + dt.timedelta(hours=1))
    after = list(Delivery.objects.order_by("pk").values_list("pk", "scheduled_for", "status"))
    assert before == after and len(before) == 8


def test_visit_goal_is_reached_by_a_recent_sign_in(world: World) -> None:
    Person.objects.filter(pk=world.ann.pk).update(last_login=TUESDAY - dt.timedelta(days=2))
    Person.objects.filter(pk=world.bob.pk).update(last_login=TUESDAY - dt.timedelta(days=9))
    c = campaign(goal=Campaign.Goal.VISIT, send_at=TUESDAY)
    assert planning.goal_reached(c, [world.ann.pk, world.bob.pk], TUESDAY) == {world.ann.pk}


def test_register_goal_counts_registrations_and_the_waiting_list(world: World) -> None:
    c = campaign(goal=Campaign.Goal.REGISTER, goal_session=world.session, send_at=TUESDAY)
    ids = [world.ann.pk, world.bob.pk, world.cleo.pk]
    assert planning.goal_reached(c, ids, TUESDAY) == {world.bob.pk, world.cleo.pk}


# --- schedules ---------------------------------------------------------------------------------


def test_weekly_sends_are_planned_a_day_ahead_per_iso_week(world: World) -> None:
    c = campaign(schedule=Campaign.Schedule.WEEKLY, weekday=0, hour=9, send_at=None)
    friday = dt.datetime(2027, 3, 26, 12, 0, tzinfo=UTC)
    assert planning.next_weekly(c, friday) == dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    assert planning.due_occurrence(c, friday) is None  # more than a day ahead
    sunday = dt.datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    assert planning.due_occurrence(c, sunday) == (
        "2027-W13",
        dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC),
    )


def test_scheduler_plans_triggered_new_hires_once(world: World) -> None:
    c = campaign(
        schedule=Campaign.Schedule.TRIGGERED,
        trigger=Campaign.Trigger.NEW_HIRE,
        trigger_days=7,
        send_at=None,
    )
    services.launch(c)
    # ann joined 3 days ago; cleo 10 days ago, bob and max long ago.
    assert set(Delivery.objects.values_list("person__first_name", flat=True)) == {"Ann"}
    assert services.run_schedule() == 0  # the next tick finds nobody new
    assert Delivery.objects.count() == 1


def test_stalled_trigger_finds_people_inactive_in_the_path(world: World) -> None:
    c = campaign(
        schedule=Campaign.Schedule.TRIGGERED,
        trigger=Campaign.Trigger.STALLED,
        trigger_days=14,
        goal=Campaign.Goal.COMPLETE_STEP,
        goal_path=world.path,
        goal_step_uid="6d1c6a3e-8c44-4c44-9b6c-1d2a3b4c5d6e",
        send_at=None,
    )
    names = {p.first_name for p in planning.audience(c, dt.datetime.now(UTC))}
    assert names == {"Ann"}  # active, last activity 20 days ago (bob: 2 days)


def test_campaign_checks_name_what_is_missing(db: None, make_person: Callable[..., Person]) -> None:
    with pytest.raises(services.CampaignError) as caught:
        campaign(schedule=Campaign.Schedule.WEEKLY, send_at=None, goal=Campaign.Goal.ENROL)
    text = " ".join(caught.value.messages)
    assert "path of the goal" in text and "weekday" in text
