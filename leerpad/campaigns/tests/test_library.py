"""The message library's rules (through `library`): validation shared with campaign
messages, unique names, duplicate, starters, search, previews built by the channels' own
code, and the use count."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from leerpad.accounts.models import Person
from leerpad.campaigns import library, personalise
from leerpad.campaigns.channels import slack, teams
from leerpad.campaigns.models import LANGUAGES, MESSAGE_PARTS, Message, MessageTemplate
from leerpad.campaigns.tests.campaign_helpers import TEXTS


def _make(name: str = "Welcome", **fields: object) -> MessageTemplate:
    fields.setdefault("texts", TEXTS)
    return library.create_template(name, **fields)  # type: ignore[arg-type]


def test_unknown_tokens_are_refused_naming_the_known_ones(db: None) -> None:
    texts = {"en": {"hook": "Hi {name}", "story": "{first_name.upper}", "ask": "Go"}}
    with pytest.raises(library.LibraryError) as caught:
        _make(texts=texts)
    problems = " ".join(caught.value.messages)
    assert "Unknown placeholder {name}" in problems
    assert personalise.known_tokens() in problems
    assert not MessageTemplate.objects.exists()


def test_a_template_needs_a_name_text_a_free_name_and_a_leerpad_link(db: None) -> None:
    with pytest.raises(library.LibraryError, match="needs a name"):
        _make("  ")
    with pytest.raises(library.LibraryError, match="at least one language"):
        _make(texts={"en": {"hook": "  "}})
    with pytest.raises(library.LibraryError, match="page of Leerpad"):
        _make(link="https://evil.example/")
    with pytest.raises(library.LibraryError, match="Unknown channel"):
        _make(channel="fax")
    _make()
    with pytest.raises(library.LibraryError, match="exists already"):
        _make("welcome")


def test_texts_and_tags_are_stored_in_the_message_shape(db: None) -> None:
    t = _make(tags="Onboarding,  new   hire, onboarding,", link=" /paths/welkom/ ")
    assert t.tags == ["onboarding", "new hire"]
    assert t.link == "/paths/welkom/"
    assert set(t.texts) == set(LANGUAGES)
    assert all(set(parts) == set(MESSAGE_PARTS) for parts in t.texts.values())
    assert t.texts["en"]["hook"] == "Hi {first_name}" and t.texts["fr"]["hook"] == ""


def test_update_checks_the_same_rules_and_keeps_its_own_name(db: None) -> None:
    t = _make()
    _make("Other")
    with pytest.raises(library.LibraryError, match="exists already"):
        library.update_template(t, "other", texts=TEXTS)
    with pytest.raises(library.LibraryError, match="Unknown placeholder"):
        library.update_template(t, "Welcome", texts={"nl": {"ask": "{nope}"}})
    updated = library.update_template(t, "Welcome", texts=TEXTS, channel="slack", tags="a")
    assert (updated.channel, updated.tags) == ("slack", ["a"])


def test_duplicate_is_a_fresh_copy_with_a_free_name(db: None) -> None:
    t = _make(tags="x")
    library.record_use(t.pk)
    first = library.duplicate_template(t, by=None)
    second = library.duplicate_template(t, by=None)
    assert first.name == "Copy of Welcome" and second.name == "Copy of Welcome (2)"
    assert first.texts == t.texts and first.tags == ["x"] and first.times_used == 0


def test_starters_are_valid_in_three_languages_and_added_once(db: None) -> None:
    assert 4 <= len(library.STARTERS) <= 6
    for starter in library.STARTERS:
        assert personalise.problems(starter.texts) == [], starter.name
        for lang in LANGUAGES:
            assert all(starter.texts[lang][part] for part in ("hook", "story", "ask")), lang
    assert library.add_starters() == len(library.STARTERS)
    assert library.add_starters() == 0
    assert MessageTemplate.objects.count() == len(library.STARTERS)
    # A starter renamed or deleted by the team comes back; the rest stay as they are.
    MessageTemplate.objects.filter(name=library.STARTERS[0].name).delete()
    assert library.add_starters() == 1


def test_search_by_words_channel_and_tag(db: None) -> None:
    _make("Welcome mail", channel="email", tags="onboarding")
    _make("Stalled nudge", channel="any", tags="stalled", purpose="For people stuck in a path")
    _make("Slack session", channel="slack", tags="sessions, onboarding")

    def names(found: Iterable[MessageTemplate]) -> list[str]:
        return [t.name for t in found]

    assert names(library.search("stuck")) == ["Stalled nudge"]
    assert names(library.search(channel="email")) == ["Stalled nudge", "Welcome mail"]
    assert names(library.search(channel="any")) == ["Stalled nudge"]
    assert names(library.search(tag="Onboarding")) == ["Slack session", "Welcome mail"]
    assert names(library.search("session", channel="slack", tag="onboarding")) == ["Slack session"]
    assert library.all_tags() == ["onboarding", "sessions", "stalled"]
    assert names(library.for_channel("teams")) == ["Stalled nudge"]


def test_record_use_counts_only_real_templates(db: None) -> None:
    t = _make()
    assert library.record_use(str(t.pk)) and library.record_use(t.pk)
    assert not library.record_use(None) and not library.record_use("x")
    assert not library.record_use(t.pk + 100)
    t.refresh_from_db()
    assert t.times_used == 2


def test_previews_are_built_by_each_channels_own_code(lena: Person) -> None:
    found = library.previews(TEXTS, "any", "/paths/welkom/", lena)
    assert [p.language for p in found] == list(LANGUAGES)
    nl, fr, en = found
    assert not fr.written and fr.channels == ()
    assert [c.channel for c in nl.channels] == list(Message.Channel.values)
    email, slack_p, teams_p, in_app = nl.channels
    # The tokens are filled with the viewer's own name and location.
    assert email.rendered.hook == "Dag Lena" and "Een verhaal uit Gent." in email.html
    assert email.subject == "Hallo Lena"
    # The e-mail's HTML part is the one `channels.email` sends (its footer in the language).
    assert "/paths/welkom/" in email.html and 'lang="nl"' in email.html
    assert slack_p.payload == slack.payload(slack_p.rendered)
    assert teams_p.payload == teams.card(teams_p.rendered)
    assert '"Begin nu"' in slack_p.payload_json
    assert in_app.title == "Dag Lena"
    assert en.channels[0].rendered.ask == "Start now"
    # A template for one channel shows that channel only.
    only = library.previews(TEXTS, "teams", "", lena)
    assert [c.channel for c in only[0].channels] == ["teams"]


def test_initial_from_a_message_copies_it_under_a_free_name(db: None) -> None:
    from leerpad.campaigns.tests.campaign_helpers import campaign

    c = campaign(("slack",))
    message = c.messages.get()
    initial = library.initial_from_message(message)
    assert initial["name"] == "Welcome · Slack" and initial["channel"] == "slack"
    assert initial["texts"]["en"]["hook"] == "Hi {first_name}"
    _make("Welcome · Slack")
    assert library.initial_from_message(message)["name"] == "Welcome · Slack (2)"
