"""The outbox: sends what is due once, retries with back-off, never sends twice (also
after a crash mid-send), shows failures; and each channel's real hand-over: e-mail to
an SMTP server started here, Slack and Teams JSON to a local HTTP receiver."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns import channels, outbox, services
from leerpad.campaigns.models import Campaign, Delivery, Message, Notification, Preference
from leerpad.campaigns.tasks import run_campaigns
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign, http_receiver
from leerpad.core.signals import periodic

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def people(make_person: Callable[..., Person], gent: Any) -> list[Person]:
    return [
        make_person("Lena", location=gent, language="nl"),
        make_person("Ezra", language="en"),
    ]


def launched(channel_list: tuple[str, ...], **fields: Any) -> Campaign:
    c = campaign(channel_list, **fields)
    services.launch(c, now=TUESDAY)
    return c


def test_due_messages_are_sent_once_even_when_the_task_runs_twice(people: list[Person]) -> None:
    c = launched((Message.Channel.EMAIL, Message.Channel.IN_APP))
    first = outbox.process(TUESDAY)
    second = outbox.process(TUESDAY + MINUTE)
    assert (first.sent, second.sent) == (4, 0)
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2
    assert set(c.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    lena_mail = next(m for m in mail.outbox if m.to == ["lena@example.test"])
    assert lena_mail.subject == "Hallo Lena"  # her language, her name
    assert "Een verhaal uit Gent." in lena_mail.body


def test_nothing_goes_out_before_its_time_or_while_paused(people: list[Person]) -> None:
    c = launched((Message.Channel.EMAIL,), send_at=TUESDAY + dt.timedelta(hours=2))
    assert outbox.process(TUESDAY).sent == 0
    services.pause(c)
    assert outbox.process(TUESDAY + dt.timedelta(hours=3)).sent == 0
    services.launch(c, now=TUESDAY + dt.timedelta(hours=3))
    assert outbox.process(TUESDAY + dt.timedelta(hours=3)).sent == 2
    assert len(mail.outbox) == 2


def test_a_second_worker_cannot_claim_a_claimed_delivery(people: list[Person]) -> None:
    launched((Message.Channel.EMAIL,))
    pk = outbox.due(TUESDAY)[0]
    assert outbox.claim(pk, TUESDAY) is not None
    assert outbox.claim(pk, TUESDAY) is None
    assert outbox.send_one(pk, TUESDAY) == "taken"


def test_crash_after_handing_over_an_email_is_not_resent(people: list[Person]) -> None:
    c = launched((Message.Channel.EMAIL,))
    pk = outbox.due(TUESDAY)[0]
    # A worker claims it and hands it to the mail server, then dies before marking it.
    attempt = outbox.claim(pk, TUESDAY)
    assert attempt is not None
    delivery = Delivery.objects.select_related("person", "message__campaign").get(pk=pk)
    channels.send(delivery, outbox._rendered(delivery))
    assert len(mail.outbox) == 1
    # Within the lease nobody touches it; after, it is failed, visibly, and not resent.
    assert outbox.process(TUESDAY + MINUTE).recovered == []
    run = outbox.process(TUESDAY + outbox.LEASE + MINUTE)
    assert pk in run.recovered
    assert len(mail.outbox) == 2  # the other person's mail only
    stuck = Delivery.objects.get(pk=pk)
    assert stuck.status == Delivery.Status.FAILED and "not repeated" in stuck.last_error
    # The marketer decides: retry sends it (again) once.
    assert services.retry(stuck, now=TUESDAY + dt.timedelta(hours=1))
    outbox.process(TUESDAY + dt.timedelta(hours=1))
    assert len(mail.outbox) == 3
    assert c.deliveries.filter(status=Delivery.Status.SENT).count() == 2


def test_crash_during_an_in_app_send_is_repeated_without_a_second_notification(
    people: list[Person],
) -> None:
    launched((Message.Channel.IN_APP,))
    pk = outbox.due(TUESDAY)[0]
    outbox.claim(pk, TUESDAY)
    delivery = Delivery.objects.select_related("person", "message__campaign").get(pk=pk)
    channels.send(delivery, outbox._rendered(delivery))  # made it, then the worker died
    outbox.process(TUESDAY + outbox.LEASE + MINUTE)
    assert Delivery.objects.get(pk=pk).status == Delivery.Status.SENT
    assert Notification.objects.filter(delivery_id=pk).count() == 1
    assert Notification.objects.count() == 2


def test_failures_back_off_then_fail_visibly(people: list[Person], settings: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LEERPAD_SLACK_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"
    launched((Message.Channel.SLACK,))
    person = people[0]
    at = TUESDAY
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outbox.process(at)
        d = Delivery.objects.get(person=person)
        assert d.status == Delivery.Status.QUEUED and "could not be reached" in d.last_error
        assert d.next_attempt_at is not None
        waits.append(d.next_attempt_at - at)
        assert outbox.process(d.next_attempt_at - dt.timedelta(seconds=1)).sent == 0
        at = d.next_attempt_at
    assert waits == list(outbox.BACKOFF)
    outbox.process(at)
    d = Delivery.objects.get(person=person)
    assert (d.status, d.attempts) == (Delivery.Status.FAILED, outbox.MAX_ATTEMPTS)


def test_people_who_reach_the_goal_or_opt_out_before_the_send_are_skipped(
    people: list[Person],
) -> None:
    lena, ezra = people
    launched((Message.Channel.EMAIL,), send_at=TUESDAY + dt.timedelta(hours=1))
    Preference.objects.create(person=ezra, opted_out=[Message.Channel.EMAIL])
    Person.objects.filter(pk=lena.pk).update(last_login=TUESDAY)  # she visited
    run = outbox.process(TUESDAY + dt.timedelta(hours=1))
    assert (run.sent, run.skipped) == (0, 2)
    assert mail.outbox == []
    reasons = dict(Delivery.objects.values_list("person__first_name", "reason"))
    assert reasons == {"Lena": Delivery.Reason.GOAL_REACHED, "Ezra": Delivery.Reason.OPTED_OUT}


def test_the_scheduler_tick_runs_the_outbox(people: list[Person]) -> None:
    c = launched((Message.Channel.IN_APP,))
    # The tick works at the real time: make the planned messages due now.
    Delivery.objects.update(next_attempt_at=timezone.now() - MINUTE)
    periodic.send(sender=None)
    assert c.deliveries.filter(status=Delivery.Status.SENT).count() == 2
    run_campaigns.call()
    assert Notification.objects.count() == 2
    c.refresh_from_db()
    assert c.status == Campaign.Status.DONE


# --- channels for real ---------------------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[_Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()


def test_email_reaches_a_real_smtp_server(people: list[Person], smtp_server: _Inbox) -> None:
    c = launched((Message.Channel.EMAIL,))
    assert outbox.process(TUESDAY).sent == 2
    assert len(smtp_server.messages) == 2
    parsed = [
        email.message_from_bytes(raw, policy=email.policy.default) for raw in smtp_server.messages
    ]
    lena = next(m for m in parsed if m["To"] == "lena@example.test")
    assert lena["Subject"] == "Hallo Lena"
    assert lena["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/campaigns/unsubscribe/" in lena["List-Unsubscribe"]
    text = lena.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = lena.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    delivery = c.deliveries.get(person=people[0])
    assert delivery.payload["link"] in text and delivery.payload["link"] in html
    assert "/campaigns/go/" in delivery.payload["link"]
    assert "<img" not in html  # no tracking pixel


def test_slack_gets_block_kit_with_a_button(people: list[Person], settings: Any) -> None:
    with http_receiver() as (url, received):
        settings.LEERPAD_SLACK_WEBHOOK_URL = url
        c = launched((Message.Channel.SLACK,))
        assert outbox.process(TUESDAY).sent == 2
    bodies = {r["json"]["text"]: r["json"] for r in received}
    body = bodies["Dag Lena"]
    assert received[0]["headers"]["Content-Type"].startswith("application/json")
    section, actions = body["blocks"]
    assert section == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Dag Lena\n\nEen verhaal uit Gent."},
    }
    button = actions["elements"][0]
    assert (actions["type"], button["type"], button["text"]["text"]) == (
        "actions",
        "button",
        "Begin nu",
    )
    assert button["url"] == c.deliveries.get(person=people[0]).payload["link"]


def test_teams_gets_an_adaptive_card_1_4(people: list[Person], settings: Any) -> None:
    with http_receiver() as (url, received):
        settings.LEERPAD_TEAMS_WEBHOOK_URL = url
        launched((Message.Channel.TEAMS,))
        assert outbox.process(TUESDAY).sent == 2
    body = received[0]["json"]
    assert body["type"] == "message"
    attachment = body["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["type"] == "TextBlock" and card["body"][0]["text"].startswith(
        ("Dag", "Hi")
    )
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert "/campaigns/go/" in card["actions"][0]["url"]


def test_a_webhook_error_answer_is_a_failed_attempt(people: list[Person], settings: Any) -> None:
    with http_receiver(status=500) as (url, received):
        settings.LEERPAD_TEAMS_WEBHOOK_URL = url
        launched((Message.Channel.TEAMS,))
        run = outbox.process(TUESDAY)
    assert (run.sent, run.retrying) == (0, 2)
    assert len(received) == 2
    assert all("500" in e for e in Delivery.objects.values_list("last_error", flat=True))
