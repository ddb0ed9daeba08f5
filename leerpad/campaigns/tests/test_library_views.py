"""The message library's pages: permissions, list and filters, the editor with validation
and preview, duplicate, delete with confirmation, starters, and the use in a campaign
(fill from the library, save as a template)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.campaigns import library
from leerpad.campaigns.models import Campaign, MessageTemplate
from leerpad.campaigns.tests.campaign_helpers import TEXTS, campaign, everyone

ClientFor = Callable[[Person], Client]


def _template(name: str = "Welcome", **fields: object) -> MessageTemplate:
    fields.setdefault("texts", TEXTS)
    return library.create_template(name, **fields)  # type: ignore[arg-type]


def _form(**extra: str) -> dict[str, str]:
    data = {
        "name": "Stalled nudge",
        "purpose": "People who stopped halfway",
        "channel": "any",
        "tags": "stalled, paths",
        "link": "",
        "en_subject": "Keep going, {first_name}",
        "en_hook": "You did {progress} already",
        "en_story": "Karim from Antwerp finished in three weeks.",
        "en_ask": "Continue",
    }
    data.update(extra)
    return data


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None) -> None:
    t = _template()
    pages: list[tuple[str, list[Any]]] = [
        ("campaigns:library", []),
        ("campaigns:library_new", []),
        ("campaigns:library_detail", [t.pk]),
        ("campaigns:library_edit", [t.pk]),
        ("campaigns:library_delete", [t.pk]),
        ("campaigns:library_picker", ["email"]),
    ]
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_learners_and_l_and_d_specialists_get_403(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    t = _template()
    for person in (lena, dirk):
        client = client_for(person)
        assert client.get(reverse("campaigns:library")).status_code == 403
        assert client.get(reverse("campaigns:library_detail", args=[t.pk])).status_code == 403
        assert client.post(reverse("campaigns:library_new"), _form()).status_code == 403
        assert client.post(reverse("campaigns:library_starters")).status_code == 403
        assert client.post(reverse("campaigns:library_delete", args=[t.pk])).status_code == 403
    assert MessageTemplate.objects.count() == 1


def test_empty_library_offers_the_starters_once(client_for: ClientFor, mira: Person) -> None:
    client = client_for(mira)
    page = client.get(reverse("campaigns:library")).content.decode()
    assert "The library is empty" in page and "Add the starter templates" in page
    assert "How to write a message that moves people" in page
    response = client.post(reverse("campaigns:library_starters"), follow=True)
    assert f"Added {len(library.STARTERS)} starter templates" in response.content.decode()
    client.post(reverse("campaigns:library_starters"))
    assert MessageTemplate.objects.count() == len(library.STARTERS)
    page = client.get(reverse("campaigns:library")).content.decode()
    assert "The library is empty" not in page and library.STARTERS[0].name in page


def test_list_filters_and_paginates(client_for: ClientFor, mira: Person) -> None:
    for n in range(22):
        _template(f"Template {n:02d}", channel="email" if n % 2 else "slack", tags=f"t{n % 3}")
    client = client_for(mira)
    page = client.get(reverse("campaigns:library")).content.decode()
    assert "Template 00" in page and "Template 21" not in page and "Page 1 of 2" in page
    response = client.get(reverse("campaigns:library"), {"channel": "slack", "tag": "t0"})
    text = response.content.decode()
    assert "Template 00" in text and "Template 06" in text and "Template 03" not in text
    text = client.get(reverse("campaigns:library"), {"q": "nothing like it"}).content.decode()
    assert "No template matches these filters" in text


def test_create_refuses_unknown_tokens_and_shows_them_under_the_field(
    client_for: ClientFor, mira: Person
) -> None:
    client = client_for(mira)
    response = client.post(reverse("campaigns:library_new"), _form(en_hook="Hi {name}"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown placeholder {name}" in page and "{first_name}, {location}" in page
    response = client.post(
        reverse("campaigns:library_new"), _form(en_hook="", en_ask="", en_story="", en_subject="")
    )
    assert response.status_code == 400
    assert "Write the message in at least one language" in response.content.decode()
    response = client.post(reverse("campaigns:library_new"), _form(link="http://x.example"))
    assert response.status_code == 400 and "page of Leerpad" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_create_edit_and_see_the_previews(client_for: ClientFor, mira: Person) -> None:
    client = client_for(mira)
    response = client.post(reverse("campaigns:library_new"), _form())
    assert response.status_code == 302
    t = MessageTemplate.objects.get()
    assert t.created_by == mira and t.tags == ["stalled", "paths"]
    page = client.get(reverse("campaigns:library_detail", args=[t.pk])).content.decode()
    # Every channel of an "any" template, with the viewer's own name in it.
    assert "Keep going, Mira" in page
    # The e-mail HTML sits escaped in the frame's srcdoc, so its quotes do not end it.
    for label in ("Block Kit JSON", "Adaptive Card JSON", 'srcdoc="&lt;!doctype html&gt;', "Teams"):
        assert label in page
    response = client.post(
        reverse("campaigns:library_edit", args=[t.pk]), _form(name="Renamed", channel="teams")
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert (t.name, t.channel) == ("Renamed", "teams")
    page = client.get(reverse("campaigns:library_detail", args=[t.pk])).content.decode()
    assert "Adaptive Card JSON" in page and "Block Kit JSON" not in page


def test_live_preview_shows_problems_or_the_channels(client_for: ClientFor, mira: Person) -> None:
    client = client_for(mira)
    url = reverse("campaigns:library_preview")
    page = client.post(url, _form(en_story="{oops}")).content.decode()
    assert "Unknown placeholder {oops}" in page
    page = client.post(url, _form(channel="slack")).content.decode()
    assert "Block Kit JSON" in page and "Adaptive Card JSON" not in page
    assert "Not written in this language" in page  # Dutch and French are empty


def test_duplicate_and_delete_with_confirmation(client_for: ClientFor, mira: Person) -> None:
    t = _template()
    client = client_for(mira)
    response = client.post(reverse("campaigns:library_duplicate", args=[t.pk]))
    copy = MessageTemplate.objects.get(name="Copy of Welcome")
    assert response["Location"] == reverse("campaigns:library_edit", args=[copy.pk])
    page = client.get(reverse("campaigns:library_delete", args=[t.pk])).content.decode()
    assert "Delete “Welcome”?" in page
    assert MessageTemplate.objects.filter(pk=t.pk).exists()
    client.post(reverse("campaigns:library_delete", args=[t.pk]))
    assert not MessageTemplate.objects.filter(pk=t.pk).exists()


def test_picker_offers_templates_of_the_channel(client_for: ClientFor, mira: Person) -> None:
    _template("Mail only", channel="email")
    _template("Everywhere", channel="any")
    _template("Chat only", channel="slack")
    client = client_for(mira)
    page = client.get(reverse("campaigns:library_picker", args=["email"])).content.decode()
    assert "Mail only" in page and "Everywhere" in page and "Chat only" not in page
    assert "hx-confirm" in page
    page = client.get(reverse("campaigns:library_picker", args=["teams"])).content.decode()
    assert "Everywhere" in page
    assert client.get(reverse("campaigns:library_picker", args=["fax"])).status_code == 400
    MessageTemplate.objects.all().delete()
    page = client.get(reverse("campaigns:library_picker", args=["email"])).content.decode()
    assert "No template for this channel" in page


def test_fill_then_save_counts_the_use(client_for: ClientFor, mira: Person) -> None:
    t = _template(channel="email", link="/paths/welkom/")
    other = _template("Chat only", channel="slack")
    client = client_for(mira)
    url = reverse("campaigns:library_fill", args=["email"])
    page = client.get(url, {"library-email": str(t.pk), "email-link": "/old/"}).content.decode()
    # The channel's fields, filled, marked as coming from the template; nothing saved.
    assert 'id="msg-email"' in page and "Hallo {first_name}" in page
    assert f'name="email-library_template" value="{t.pk}"' in page
    assert 'value="/paths/welkom/"' in page
    assert not Campaign.objects.exists()
    # A template of another channel cannot fill this one.
    assert client.get(url, {"library-email": str(other.pk)}).status_code == 404
    segment = everyone()
    data: dict[str, str] = {
        "name": "Welcome week",
        "segment": str(segment.pk),
        "goal": "visit",
        "schedule": "once",
        "send_at": "2026-12-01T10:00",
        "email-library_template": str(t.pk),
        "email-link": "/paths/welkom/",
    }
    for lang, parts in TEXTS.items():
        for part, text in parts.items():
            data[f"email-{lang}_{part}"] = text
    # An error keeps the mark; the use is counted only when the campaign saves.
    bad = client.post(reverse("campaigns:campaign_new"), {**data, "name": ""})
    assert bad.status_code == 400
    assert f'name="email-library_template" value="{t.pk}"' in bad.content.decode()
    t.refresh_from_db()
    assert t.times_used == 0
    assert client.post(reverse("campaigns:campaign_new"), data).status_code == 302
    t.refresh_from_db()
    assert t.times_used == 1
    assert Campaign.objects.get().messages.get().texts["nl"]["hook"] == "Dag {first_name}"


def test_save_a_campaign_message_as_a_template(client_for: ClientFor, mira: Person) -> None:
    c = campaign(("slack",))
    message = c.messages.get()
    client = client_for(mira)
    log = client.get(reverse("campaigns:campaign_log", args=[c.pk])).content.decode()
    url = reverse("campaigns:library_from_message", args=[message.pk])
    assert url in log
    page = client.get(url).content.decode()
    assert "Welcome · Slack" in page and "Dag {first_name}" in page
    data = _form(name="From the welcome", channel="slack")
    assert client.post(url, data).status_code == 302
    t = MessageTemplate.objects.get()
    assert t.name == "From the welcome" and t.channel == "slack"
    # The campaign keeps its own message.
    message.refresh_from_db()
    assert message.texts["en"]["hook"] == "Hi {first_name}"
