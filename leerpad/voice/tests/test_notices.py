"""Notifications of pulses: everyone in the audience hears that a pulse opened, in their own
language, and gets one reminder two days before it closes, answered or not; nobody outside
the audience hears anything; drafts, closed pulses and pulses without a closing date get no
reminder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Notification
from leerpad.voice import queries, receivers, services
from leerpad.voice.models import Pulse, Space
from leerpad.voice.tests.world import make_team

pytestmark = pytest.mark.django_db

# A closing date whose month every language writes differently: maart, mars, March.
CLOSES = dt.date(timezone.localdate().year + 1, 3, 15)
REMINDER_DAY = CLOSES - dt.timedelta(days=2)


def _space(size: int, name: str = "Voice team") -> tuple[Space, list[Person]]:
    team, people = make_team(size, name=name)
    space = services.create_space(title="Store talk", audience="team", team=team, by=None)
    return space, people


def _pulse(space: Space, closes_on: dt.date | None = CLOSES) -> Pulse:
    return services.create_pulse(
        space, title="How are we doing?", statements=["I feel heard"], closes_on=closes_on
    )


def _notified(pulse: Pulse, *, reminders: bool = False) -> dict[int, Notification]:
    """The notices about `pulse` (the opening ones, or the reminders), by person."""
    link = reverse("voice:pulse", args=[pulse.pk])
    found = [
        notice
        for notice in Notification.objects.filter(link=link)
        if notice.title.startswith(REMINDER_STARTS) == reminders
    ]
    by_person = {notice.person_id: notice for notice in found}
    assert len(by_person) == len(found)  # one each, never two
    return by_person


def _in(person: Person, text: str) -> str:
    """`text` as `person` reads it (the notices are stored in the reader's language)."""
    with translation.override(person.language):
        return translation.gettext(text)


def _reminder_start(language: str) -> str:
    """How a reminder's title begins in `language`: the text before its first placeholder."""
    with translation.override(language):
        title = translation.gettext(
            "Reminder: the pulse “%(pulse)s” in “%(space)s” closes on %(date)s"
        )
    return title.split("%(")[0]


REMINDER_STARTS = tuple(_reminder_start(language) for language in ("nl", "fr", "en"))


def _reminders(pulse: Pulse) -> dict[int, Notification]:
    return _notified(pulse, reminders=True)


def test_opening_notifies_everyone_in_the_audience_in_their_language(
    make_person: Callable[..., Person],
) -> None:
    space, people = _space(6)
    languages = ["nl", "fr", "en", "nl", "fr", "en"]
    for person, language in zip(people, languages, strict=True):
        person.language = language
        person.save(update_fields=["language"])
    # A facilitator outside the team and someone of another team hear nothing.
    facilitator = make_person("Fenna")
    services.set_facilitators(space, [facilitator])
    _other_space, outsiders = _space(2, name="Other team")
    pulse = _pulse(space)

    with translation.override("en"):
        assert services.open_pulse(pulse) == 6
        assert translation.get_language() == "en"  # the reader's language did not leak out

    notified = _notified(pulse)
    assert set(notified) == {p.pk for p in people}
    assert facilitator.pk not in notified
    assert not Notification.objects.filter(person__in=outsiders).exists()
    year = CLOSES.year
    written = {"nl": f"15 maart {year}", "fr": f"15 mars {year}", "en": f"March 15, {year}"}
    for person, language in zip(people, languages, strict=True):
        notice = notified[person.pk]
        assert "How are we doing?" in notice.title and "Store talk" in notice.title
        assert written[language] in notice.body, (language, notice.body)
        for other, date in written.items():
            if other != language:
                assert date not in notice.body
        assert notice.link == f"/workspace/voice/pulses/{pulse.pk}/"
        assert notice.link_text and notice.read_at is None


def test_a_pulse_without_closing_date_says_it_stays_open() -> None:
    space, people = _space(5)
    pulse = _pulse(space, closes_on=None)
    services.open_pulse(pulse)
    body = _notified(pulse)[people[0].pk].body
    assert _in(people[0], "It stays open until the facilitator closes it.") in body


def test_opening_for_many_people_takes_the_same_number_of_queries() -> None:
    """Bulk work: no query per person."""
    counts = []
    for size, name in ((5, "Small team"), (40, "Large team")):
        space, _people = _space(size, name=name)
        pulse = _pulse(space)
        with CaptureQueriesContext(connection) as captured:
            services.open_pulse(pulse)
        assert len(_notified(pulse)) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_refused_opening_notifies_nobody() -> None:
    space, _people = _space(5)
    pulse = _pulse(space)
    services.open_pulse(pulse)
    before = Notification.objects.count()
    stale = Pulse.objects.get(pk=pulse.pk)
    stale.status = Pulse.Status.DRAFT  # a second click from a page loaded before the first
    with pytest.raises(services.VoiceError, match="Only a draft"):
        services.open_pulse(stale)
    assert Notification.objects.count() == before


def test_reminder_goes_once_to_everyone_whether_they_answered_or_not() -> None:
    space, people = _space(6)
    pulse = _pulse(space)
    services.open_pulse(pulse)
    services.vote(pulse, people[0], ratings=[4])
    pulse.refresh_from_db()

    # Not yet: more than two days before the closing date.
    assert services.send_reminders(REMINDER_DAY - dt.timedelta(days=1)) == 0
    assert _reminders(pulse) == {}

    assert services.send_reminders(REMINDER_DAY) == 6
    reminders = _reminders(pulse)
    # The one who answered gets it too: the list must not show who answered.
    assert set(reminders) == {p.pk for p in people}
    expected = _in(
        people[0], "If you have not answered yet, you can still answer until the end of %(date)s."
    ).split("%(")[0]
    assert expected in reminders[people[0].pk].body
    pulse.refresh_from_db()
    assert pulse.reminder_sent_on == REMINDER_DAY

    # Once: the next runs of the day and of the following days send nothing.
    for day in (REMINDER_DAY, REMINDER_DAY + dt.timedelta(days=1), CLOSES):
        assert services.send_reminders(day) == 0
    assert len(_reminders(pulse)) == 6


def test_reminder_is_in_the_readers_language() -> None:
    space, people = _space(5)
    people[0].language, people[1].language = "fr", "en"
    Person.objects.bulk_update(people[:2], ["language"])
    pulse = _pulse(space)
    services.open_pulse(pulse)
    services.send_reminders(REMINDER_DAY)
    reminders = _reminders(pulse)
    assert f"15 mars {CLOSES.year}" in reminders[people[0].pk].title
    assert f"March 15, {CLOSES.year}" in reminders[people[1].pk].title
    assert f"15 maart {CLOSES.year}" in reminders[people[2].pk].title


def test_no_reminder_for_drafts_closed_or_undated_pulses_or_outsiders() -> None:
    space, _people = _space(5)
    _other_space, outsiders = _space(3, name="Other team")
    draft = _pulse(space)
    closed = _pulse(space)
    services.open_pulse(closed)
    closed.refresh_from_db()
    services.close_pulse(closed)
    undated = _pulse(space, closes_on=None)
    services.open_pulse(undated)
    for day in (REMINDER_DAY, REMINDER_DAY + dt.timedelta(days=1), CLOSES):
        assert services.send_reminders(day) == 0
    for pulse in (draft, closed, undated):
        pulse.refresh_from_db()
        assert pulse.reminder_sent_on is None
        assert _reminders(pulse) == {}
    assert not Notification.objects.filter(person__in=outsiders).exists()


def test_no_reminder_after_the_closing_date_or_for_a_pulse_opened_two_days_before() -> None:
    space, _people = _space(5)
    late = _pulse(space, closes_on=timezone.localdate() + dt.timedelta(days=1))
    services.open_pulse(late)  # just announced with its date: a reminder would be noise
    assert services.send_reminders(timezone.localdate()) == 0
    assert services.send_reminders(timezone.localdate() + dt.timedelta(days=1)) == 0

    missed = _pulse(space)
    services.open_pulse(missed)
    # The scheduler was down until after the closing date: too late to remind.
    assert services.send_reminders(CLOSES + dt.timedelta(days=1)) == 0
    assert _reminders(missed) == {}


def test_the_scheduler_tick_sends_the_reminder(monkeypatch: pytest.MonkeyPatch) -> None:
    space, people = _space(5)
    pulse = _pulse(space)
    services.open_pulse(pulse)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: REMINDER_DAY)
    receivers.queue_pulse_upkeep(sender=None)  # the task runs at once in tests
    receivers.queue_pulse_upkeep(sender=None)
    assert set(_reminders(pulse)) == {p.pk for p in people}  # once each (_notified checks)


def test_open_asks_first_and_then_notifies(
    client_for: Callable[[Person], Client], make_person: Callable[..., Person]
) -> None:
    space, people = _space(5)
    facilitator = make_person("Fenna")
    services.set_facilitators(space, [facilitator])
    pulse = _pulse(space)
    url = f"/workspace/voice/pulses/{pulse.pk}/open/"

    assert client_for(people[0]).get(url).status_code == 403
    assert client_for(people[0]).post(url).status_code == 403
    page = client_for(facilitator).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "5 people in the audience get a notification now" in html
    assert "Open the pulse and notify the audience" in html
    pulse.refresh_from_db()
    assert pulse.status == Pulse.Status.DRAFT and not _notified(pulse)  # asking changes nothing

    response = client_for(facilitator).post(url, follow=True)
    assert "each of them got a notification" in response.content.decode()
    pulse.refresh_from_db()
    assert pulse.status == Pulse.Status.OPEN
    assert set(_notified(pulse)) == {p.pk for p in people}

    # Open already: the question page sends the facilitator back.
    again = client_for(facilitator).get(url)
    assert again.status_code == 302
    assert queries.answer_count(pulse) == 0


def test_a_draft_past_its_closing_date_cannot_be_opened(
    client_for: Callable[[Person], Client],
    make_person: Callable[..., Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    space, _people = _space(5)
    facilitator = make_person("Fenna")
    services.set_facilitators(space, [facilitator])
    pulse = _pulse(space, closes_on=timezone.localdate() + dt.timedelta(days=1))
    later = timezone.localdate() + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: later)
    page = client_for(facilitator).get(f"/workspace/voice/pulses/{pulse.pk}/open/")
    html = page.content.decode()
    assert "closing date of this draft has passed" in html
    assert "Open the pulse and notify the audience" not in html
    with pytest.raises(services.VoiceError, match="closing date of this draft has passed"):
        services.open_pulse(pulse)
    pulse.refresh_from_db()
    assert pulse.status == Pulse.Status.DRAFT and not _notified(pulse)
