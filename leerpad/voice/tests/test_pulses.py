"""Pulse rules through the service and query functions: one answer per person, only the
audience, k thresholds, late joiners, closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.voice import queries, services
from leerpad.voice.models import Ballot, Pulse, ResponseSlot, Space
from leerpad.voice.tests.world import make_team

pytestmark = pytest.mark.django_db


def _pulse(size: int, *, open_question: str = "") -> tuple[Space, Pulse, list[Person]]:
    team, people = make_team(size)
    space = services.create_space(title="Talk", audience="team", team=team, by=None)
    pulse = services.create_pulse(
        space, title="Pulse", statements=["A", "B", "C"], open_question=open_question
    )
    services.open_pulse(pulse)
    pulse.refresh_from_db()
    return space, pulse, people


def test_opening_makes_one_ballot_and_one_empty_slot_per_member() -> None:
    _space, pulse, _people = _pulse(6)
    assert Ballot.objects.filter(pulse=pulse, spent=False).count() == 6
    assert ResponseSlot.objects.filter(pulse=pulse, filled=False).count() == 6
    assert pulse.status == Pulse.Status.OPEN


def test_a_person_cannot_answer_twice() -> None:
    _space, pulse, people = _pulse(5)
    services.vote(pulse, people[0], ratings=[5, 4, 3])
    with pytest.raises(services.AlreadyAnswered, match="already answered"):
        services.vote(pulse, people[0], ratings=[1, 1, 1])
    assert queries.answer_count(pulse) == 1
    filled = ResponseSlot.objects.get(pulse=pulse, filled=True)
    assert (filled.r1, filled.r2, filled.r3) == (5, 4, 3)
    assert queries.has_answered(pulse, people[0])
    assert not queries.has_answered(pulse, people[1])


def test_someone_outside_the_audience_cannot_answer(make_person: Callable[..., Person]) -> None:
    _space, pulse, _people = _pulse(5)
    outsider = make_person("Olaf")
    with pytest.raises(services.VoiceError, match="Only the audience"):
        services.vote(pulse, outsider, ratings=[3, 3, 3])
    assert queries.answer_count(pulse) == 0
    assert Ballot.objects.filter(pulse=pulse).count() == 5


def test_ratings_must_cover_every_statement_on_the_scale() -> None:
    _space, pulse, people = _pulse(5)
    for ratings in ([3, 3], [3, 3, 6], [0, 3, 3]):
        with pytest.raises(services.VoiceError, match="Rate every statement"):
            services.vote(pulse, people[0], ratings=ratings)
    # Refused answers do not spend the ballot.
    services.vote(pulse, people[0], ratings=[3, 3, 3])
    assert queries.answer_count(pulse) == 1


@override_settings(LEERPAD_MIN_GROUP_SIZE=5)
def test_results_show_only_from_k_answers() -> None:
    _space, pulse, people = _pulse(7, open_question="What else?")
    for n, person in enumerate(people[:4]):
        services.vote(pulse, person, ratings=[n + 1, 2, 3], open_answer=f"idea {n}")
    early = queries.results(pulse)
    assert (early.answers, early.k, early.shown) == (4, 5, False)
    assert early.statements == [] and early.open_answers == []

    services.vote(pulse, people[4], ratings=[5, 2, 3], open_answer="")
    # k answers, but still running: results wait for the close (no live differencing).
    running = queries.results(pulse)
    assert running.answers == 5 and running.running and not running.shown
    assert running.statements == []
    services.close_pulse(pulse)
    shown = queries.results(pulse)
    assert shown.shown and shown.answers == 5
    first = shown.statements[0]
    assert [count for _value, count, _share in first.distribution] == [1, 1, 1, 1, 1]
    assert first.mean == pytest.approx((1 + 2 + 3 + 4 + 5) / 5)
    assert shown.statements[1].mean == 2
    assert sorted(shown.open_answers) == [f"idea {n}" for n in range(4)]


@override_settings(LEERPAD_MIN_GROUP_SIZE=5)
def test_a_closed_pulse_below_k_shows_only_the_count() -> None:
    _space, pulse, people = _pulse(6)
    for person in people[:4]:
        services.vote(pulse, person, ratings=[1, 2, 3])
    services.close_pulse(pulse)
    closed = queries.results(pulse)
    assert (closed.answers, closed.running, closed.shown) == (4, False, False)
    assert closed.statements == []


@override_settings(LEERPAD_MIN_GROUP_SIZE=5)
def test_a_space_smaller_than_k_cannot_run_pulses() -> None:
    team, _people = make_team(4)
    space = services.create_space(title="Small", audience="team", team=team, by=None)
    with pytest.raises(services.VoiceError, match="at least 5"):
        services.create_pulse(space, title="P", statements=["A"])
    # A pulse made while the team was bigger cannot be opened once it shrank below k.
    team_b, people_b = make_team(5, name="Team B")
    space_b = services.create_space(title="B", audience="team", team=team_b, by=None)
    pulse = services.create_pulse(space_b, title="P", statements=["A"])
    people_b[0].is_active = False
    people_b[0].save()
    with pytest.raises(services.VoiceError, match="at least 5"):
        services.open_pulse(pulse)
    assert not Ballot.objects.filter(pulse=pulse).exists()


def test_pulse_builder_rules() -> None:
    team, _people = make_team(5)
    space = services.create_space(title="T", audience="team", team=team, by=None)
    with pytest.raises(services.VoiceError, match="between 1 and 5"):
        services.create_pulse(space, title="P", statements=[" ", ""])
    with pytest.raises(services.VoiceError, match="between 1 and 5"):
        services.create_pulse(space, title="P", statements=list("ABCDEF"))
    with pytest.raises(services.VoiceError, match="in the past"):
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        services.create_pulse(space, title="P", statements=["A"], closes_on=yesterday)


def test_a_late_joiner_gets_a_ballot_and_a_slot_on_first_visit() -> None:
    _space, pulse, people = _pulse(5)
    team = people[0].team
    _other, newcomers = make_team(1, name="Elsewhere")
    late = newcomers[0]
    late.team = team
    late.save()
    assert services.ensure_ballot(pulse, late)
    assert not services.ensure_ballot(pulse, late)  # only once
    assert Ballot.objects.filter(pulse=pulse).count() == 6
    assert ResponseSlot.objects.filter(pulse=pulse).count() == 6
    services.vote(pulse, late, ratings=[2, 2, 2])
    assert queries.answer_count(pulse) == 1


def test_a_pulse_closes_on_its_date_and_when_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _space, pulse, people = _pulse(5)
    pulse.closes_on = timezone.localdate()
    pulse.save()
    assert queries.is_open(pulse)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert not queries.is_open(pulse)
    with pytest.raises(services.VoiceError, match="not open"):
        services.vote(pulse, people[0], ratings=[1, 2, 3])
    monkeypatch.undo()
    services.close_pulse(pulse)
    pulse.refresh_from_db()
    with pytest.raises(services.VoiceError, match="not open"):
        services.vote(pulse, people[0], ratings=[1, 2, 3])
    with pytest.raises(services.VoiceError, match="Only an open pulse"):
        services.close_pulse(pulse)


def test_home_shows_waiting_pulses_until_answered() -> None:
    _space, pulse, people = _pulse(5)
    assert queries.pulses_waiting_for(people[0]) == [pulse]
    services.vote(pulse, people[0], ratings=[1, 2, 3])
    assert queries.pulses_waiting_for(people[0]) == []
    assert queries.pulses_waiting_for(people[1]) == [pulse]
