"""The marketer's campaign pages: permissions, create with token validation and preview,
launch with the respect-rule counts, the log with failures and retry, pause and cancel,
the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns import outbox, services
from leerpad.campaigns.models import Campaign, Delivery, Message, Preference
from leerpad.campaigns.tests.campaign_helpers import campaign, everyone

ClientFor = Callable[[Person], Client]

PAGES: list[tuple[str, list[int]]] = [
    ("campaigns:campaigns", []),
    ("campaigns:campaign_new", []),
    ("campaigns:calendar", []),
]


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None) -> None:
    for name, args in PAGES:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_learners_and_l_and_d_specialists_get_403(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    c = campaign()
    for person in (lena, dirk):
        client = client_for(person)
        for name, args in [
            *PAGES,
            ("campaigns:campaign_log", [c.pk]),
            ("campaigns:campaign_launch", [c.pk]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 403
        assert client.post(reverse("campaigns:campaign_launch", args=[c.pk])).status_code == 403
    assert c.deliveries.count() == 0


def test_empty_list_invites_to_create(client_for: ClientFor, mira: Person) -> None:
    page = client_for(mira).get(reverse("campaigns:campaigns")).content.decode()
    assert "No campaigns yet" in page
    form = client_for(mira).get(reverse("campaigns:campaign_new")).content.decode()
    assert "Microsoft Teams" in form and "{first_name}" in form


def _form(segment_pk: int, **extra: str) -> dict[str, str]:
    data = {
        "name": "Welcome week",
        "segment": str(segment_pk),
        "goal": "visit",
        "schedule": "once",
        "send_at": "2026-12-01T10:00",
        "email-en_subject": "Welcome {first_name}",
        "email-en_hook": "Hi {first_name}",
        "email-en_story": "Your colleagues in {location} started already.",
        "email-en_ask": "Have a look",
        "email-link": "",
    }
    data.update(extra)
    return data


def test_unknown_tokens_are_refused_naming_the_known_ones(
    client_for: ClientFor, mira: Person
) -> None:
    segment = everyone()
    response = client_for(mira).post(
        reverse("campaigns:campaign_new"),
        _form(segment.pk, **{"email-en_hook": "Hi {name.__class__}"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown placeholder" in page and "{first_name}, {location}, {path}, {progress}" in page
    assert not Campaign.objects.exists()


def test_create_edit_and_launch_with_the_respect_counts(
    client_for: ClientFor, mira: Person, lena: Person, cas: Person, greet: Person
) -> None:
    segment = everyone()
    client = client_for(mira)
    response = client.post(reverse("campaigns:campaign_new"), _form(segment.pk))
    assert response.status_code == 302
    c = Campaign.objects.get()
    assert (c.key, c.status) == ("welcome-week", Campaign.Status.DRAFT)
    message = c.messages.get()
    assert message.channel == Message.Channel.EMAIL
    assert message.texts["en"]["hook"] == "Hi {first_name}"
    Preference.objects.create(person=cas, opted_out=["email"])
    Person.objects.filter(pk=greet.pk).update(last_login=timezone.now())  # visited already
    page = client.get(reverse("campaigns:campaign_launch", args=[c.pk])).content.decode()
    # mira, lena, cas, greet: cas opted out; greet and mira (signed in here) visited.
    assert (
        "4 in the segment; 1 opted out, 0 over the weekly limit, 2 already reached the goal" in page
    )
    assert "→ 1 message; the first goes out on" in page
    assert c.deliveries.count() == 0
    assert client.post(reverse("campaigns:campaign_launch", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert c.status == Campaign.Status.RUNNING
    assert c.deliveries.filter(status=Delivery.Status.QUEUED).count() == 1
    assert c.deliveries.get(status=Delivery.Status.QUEUED).person == lena
    # Running campaigns are paused before they change.
    edit = client.get(reverse("campaigns:campaign_edit", args=[c.pk]))
    assert edit.status_code == 302
    client.post(reverse("campaigns:campaign_pause", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == Campaign.Status.PAUSED
    assert client.get(reverse("campaigns:campaign_edit", args=[c.pk])).status_code == 200


def test_preview_fills_tokens_for_the_marketer(client_for: ClientFor, mira: Person) -> None:
    response = client_for(mira).post(
        reverse("campaigns:message_preview", args=["slack", "fr"]),
        {"slack-fr_hook": "Salut {first_name}", "slack-fr_ask": "Allons-y"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Salut Mira" in page and "Allons-y" in page
    bad = client_for(mira).post(
        reverse("campaigns:message_preview", args=["slack", "fr"]), {"slack-fr_hook": "{x!r}"}
    )
    assert "Known tokens" in bad.content.decode()


def test_log_shows_failures_and_retry_requeues(
    client_for: ClientFor, mira: Person, lena: Person, settings: Any
) -> None:
    settings.LEERPAD_TEAMS_WEBHOOK_URL = ""  # not configured: every attempt fails
    c = campaign((Message.Channel.TEAMS,), send_at=timezone.now())
    services.launch(c)
    now = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.process(now)
        now += dt.timedelta(hours=3)
    failed = c.deliveries.filter(status=Delivery.Status.FAILED)
    assert failed.count() == 2
    client = client_for(mira)
    page = client.get(
        reverse("campaigns:campaign_log", args=[c.pk]) + "?status=failed"
    ).content.decode()
    assert "No webhook address is configured" in page and "Retry" in page
    delivery = failed.first()
    assert delivery is not None
    client.post(reverse("campaigns:delivery_retry", args=[c.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 0)


def test_cancel_asks_then_skips_what_is_planned(
    client_for: ClientFor, mira: Person, lena: Person
) -> None:
    c = campaign(send_at=timezone.now() + dt.timedelta(days=3))
    services.launch(c)
    client = client_for(mira)
    page = client.get(reverse("campaigns:campaign_cancel", args=[c.pk])).content.decode()
    assert "2 planned messages will not be sent" in page
    client.post(reverse("campaigns:campaign_cancel", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == Campaign.Status.CANCELLED
    assert set(c.deliveries.values_list("reason", flat=True)) == {Delivery.Reason.CANCELLED}
    with pytest.raises(services.CampaignError):
        services.launch(c)


def test_calendar_lists_planned_sends_by_day(
    client_for: ClientFor, mira: Person, lena: Person
) -> None:
    c = campaign(name="Kick-off", send_at=timezone.now() + dt.timedelta(days=2))
    services.launch(c)
    weekly = campaign(
        name="Weekly tip", schedule=Campaign.Schedule.WEEKLY, weekday=2, hour=10, send_at=None
    )
    Campaign.objects.filter(pk=weekly.pk).update(status=Campaign.Status.RUNNING)
    page = client_for(mira).get(reverse("campaigns:calendar")).content.decode()
    assert "Kick-off" in page and "2 messages" in page
    assert page.count("Weekly tip") >= 4  # every week of the next four
