"""Tracked links (statement with the campaign's extensions, then the target with the
arrival), one-click unsubscribe without login, preferences and in-app notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.campaigns import links, outbox, services
from leerpad.campaigns.models import Delivery, Message, Notification, Preference
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign
from leerpad.core import extensions as xapi
from leerpad.lrs.agents import agent_for_person
from leerpad.lrs.models import Statement

ClientFor = Callable[[Person], Client]


def _sent(channel: str = Message.Channel.EMAIL, **fields: Any) -> Delivery:
    c = campaign((channel,), **fields)
    services.launch(c, now=TUESDAY)
    outbox.process(TUESDAY)
    return Delivery.objects.select_related("campaign", "person").get(
        campaign=c, person__email="lena@example.test"
    )


def _path(url: str) -> str:
    return urlsplit(url).path


def test_tracked_link_records_the_visit_and_redirects_with_the_arrival(
    client: Client, lena: Person
) -> None:
    delivery = _sent(name="Winter safety")
    response = client.get(_path(delivery.payload["link"]))
    assert response.status_code == 302
    assert response["Location"] == "/?via=campaign&campaign=winter-safety"
    statement = Statement.objects.get(verb_iri="http://adlnet.gov/expapi/verbs/launched")
    assert statement.payload["actor"] == agent_for_person(lena)
    extensions = statement.payload["context"]["extensions"]
    assert extensions == {
        xapi.ARRIVAL: "campaign",
        xapi.CAMPAIGN: "winter-safety",
        xapi.MESSAGE: str(delivery.message_id),
    }
    assert statement.object_iri.endswith(f"/campaigns/winter-safety/messages/{delivery.message_id}")
    delivery.refresh_from_db()
    first = delivery.clicked_at
    assert first is not None
    client.get(_path(delivery.payload["link"]))  # a second click: a second visit, same first click
    assert Statement.objects.filter(verb_iri=statement.verb_iri).count() == 2
    delivery.refresh_from_db()
    assert delivery.clicked_at == first


def test_tracked_link_leads_to_the_messages_own_page(client: Client, lena: Person) -> None:
    c = campaign((Message.Channel.IN_APP,), name="Quiz")
    services.save_message(c, Message.Channel.IN_APP, {"en": {"hook": "Hi"}}, link="/catalog/?q=x")
    services.launch(c, now=TUESDAY)
    outbox.process(TUESDAY)
    notification = Notification.objects.get(person=lena)
    response = client.get(_path(notification.link))
    assert response["Location"] == "/catalog/?q=x&via=campaign&campaign=quiz"


def test_forged_or_unknown_tokens_are_not_found(client: Client, lena: Person) -> None:
    assert client.get("/campaigns/go/nonsense/").status_code == 404
    assert client.get(reverse("campaigns:go", args=[links.go_token(999)])).status_code == 404
    assert not Statement.objects.exists()


def test_links_outside_leerpad_are_refused(db: None, lena: Person) -> None:
    c = campaign()
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        with pytest.raises(services.CampaignError):
            services.save_message(c, Message.Channel.EMAIL, {"en": {"hook": "x"}}, link=bad)


def test_unsubscribe_asks_first_then_opts_out_of_that_channel_only(
    client: Client, lena: Person
) -> None:
    delivery = _sent()
    url = _path(delivery.payload["unsubscribe"])
    page = client.get(url)
    assert page.status_code == 200 and b"<form" in page.content
    assert Preference.objects.get(person=lena).opted_out == []
    assert client.post(url).status_code == 200
    assert Preference.objects.get(person=lena).opted_out == [Message.Channel.EMAIL]
    assert b"unsubscribed" in client.get(url).content


def test_one_click_unsubscribe_works_without_session_or_csrf(lena: Person) -> None:
    delivery = _sent()
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        _path(delivery.payload["unsubscribe"]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Preference.objects.get(person=lena).opted_out == [Message.Channel.EMAIL]


def test_a_forged_unsubscribe_token_changes_nothing(client: Client, lena: Person) -> None:
    pref = services.preference_of(lena)
    token = links.unsubscribe_token(pref.unsubscribe_token, "email")
    assert client.post(f"/campaigns/unsubscribe/{token}x/").status_code == 404
    other = links.unsubscribe_token("someone-else", "email")
    assert client.post(f"/campaigns/unsubscribe/{other}/").status_code == 404
    assert Preference.objects.get(person=lena).opted_out == []


def test_preferences_page(client: Client, client_for: ClientFor, lena: Person) -> None:
    assert client.get(reverse("campaigns:preferences")).status_code == 302  # to log in
    c = client_for(lena)
    assert c.get(reverse("campaigns:preferences")).status_code == 200
    response = c.post(
        reverse("campaigns:preferences"),
        {
            "channels": ["email", "in_app"],
            "quiet_start": "21:00",
            "quiet_end": "08:00",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 302
    pref = Preference.objects.get(person=lena)
    assert sorted(pref.opted_out) == ["slack", "teams"]
    assert (pref.quiet_start.hour, pref.quiet_end.hour, pref.time_zone) == (21, 8, "Europe/Paris")  # type: ignore[union-attr]
    bad = c.post(
        reverse("campaigns:preferences"), {"time_zone": "Mars/Base", "quiet_start": "21:00"}
    )
    assert bad.status_code == 400
    assert b"Unknown time zone" in bad.content and b"both ends" in bad.content


def test_notifications_on_home_and_their_page(client_for: ClientFor, lena: Person) -> None:
    _sent(Message.Channel.IN_APP)
    c = client_for(lena)
    home = c.get("/").content.decode()
    assert "Dag Lena" in home and "1 unread" in home
    page = c.get(reverse("campaigns:notifications")).content.decode()
    assert "Een verhaal uit Gent." in page
    note = Notification.objects.get(person=lena)
    assert c.post(reverse("campaigns:notification_read", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "1 unread" not in c.get("/").content.decode()


def test_banners_show_on_top_of_home(client_for: ClientFor, lena: Person) -> None:
    c = campaign((Message.Channel.IN_APP,), name="Banner")
    services.save_message(c, Message.Channel.IN_APP, {"nl": {"hook": "Groot nieuws"}}, banner=True)
    services.launch(c, now=TUESDAY)
    outbox.process(TUESDAY)
    assert 'class="campaign-banner"' in client_for(lena).get("/").content.decode()


def test_someone_elses_notification_cannot_be_marked(
    client_for: ClientFor, lena: Person, cas: Person
) -> None:
    _sent(Message.Channel.IN_APP)
    note = Notification.objects.get(person=lena)
    assert (
        client_for(cas).post(reverse("campaigns:notification_read", args=[note.pk])).status_code
        == 404
    )
