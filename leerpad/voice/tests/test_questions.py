"""Anonymous questions: who may ask, what is stored, moderation, themes and answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.voice import queries, services
from leerpad.voice.models import Question
from leerpad.voice.tests.world import make_team

pytestmark = pytest.mark.django_db


def test_an_audience_member_asks_and_only_the_date_is_kept() -> None:
    team, people = make_team(3)
    space = services.create_space(title="T", audience="team", team=team, by=None)
    question = services.ask(space, people[0], kind="concern", text="  The van is late  ")
    stored = Question.objects.get(pk=question.pk)
    assert stored.text == "The van is late"
    assert stored.kind == "concern"
    assert stored.asked_on == timezone.localdate()


def test_asking_keeps_the_days_moderation_when_rows_are_rewritten() -> None:
    team, people = make_team(3)
    space = services.create_space(title="T", audience="team", team=team, by=None)
    first = services.ask(space, people[0], kind="question", text="one")
    theme = services.create_theme(space, "Logistics")
    services.set_theme(first, theme)
    services.hide(first, "Names a colleague")
    services.answer_question(first, "We looked into it.")
    services.ask(space, people[1], kind="idea", text="two")
    again = Question.objects.get(pk=first.pk)
    assert again.theme == theme and again.is_hidden and again.hidden_reason == "Names a colleague"
    assert again.answer == "We looked into it."
    assert Question.objects.count() == 2


def test_outsiders_cannot_ask_and_empty_text_is_refused(
    make_person: Callable[..., Person],
) -> None:
    team, people = make_team(2)
    space = services.create_space(title="T", audience="team", team=team, by=None)
    with pytest.raises(services.VoiceError, match="Only the audience"):
        services.ask(space, make_person("Olaf"), kind="question", text="hi")
    with pytest.raises(services.VoiceError, match="Write your question"):
        services.ask(space, people[0], kind="question", text="   ")
    with pytest.raises(services.VoiceError, match="question, concern or idea"):
        services.ask(space, people[0], kind="rant", text="hi")
    assert not Question.objects.exists()


def test_audiences_of_team_location_and_list(
    make_person: Callable[..., Person], gent: Location
) -> None:
    team, people = make_team(3)
    by_team = services.create_space(title="T", audience="team", team=team, by=None)
    assert set(queries.audience(by_team)) == set(people)
    here = make_person("Hilde", location=gent)
    by_location = services.create_space(title="L", audience="location", location=gent, by=None)
    assert list(queries.audience(by_location)) == [here]
    chosen = services.create_space(title="I", audience="list", members=people[:2], by=None)
    assert set(queries.audience(chosen)) == set(people[:2])
    services.set_members(chosen, [people[2]])
    assert list(queries.audience(chosen)) == [people[2]]
    people[2].is_active = False
    people[2].save()
    assert not queries.audience(chosen).exists()


def test_hiding_needs_a_reason_and_waiting_questions_count() -> None:
    team, people = make_team(3)
    space = services.create_space(title="T", audience="team", team=team, by=None)
    a = services.ask(space, people[0], kind="question", text="a")
    b = services.ask(space, people[1], kind="question", text="b")
    c = services.ask(space, people[2], kind="question", text="c")
    assert queries.waiting_questions().count() == 3
    with pytest.raises(services.VoiceError, match="Say why"):
        services.hide(a, " ")
    services.hide(a, "Off topic")
    services.answer_question(b, "Yes")
    theme = services.create_theme(space, "Pay")
    services.set_theme(c, theme)
    assert list(queries.waiting_questions()) == [c]
    services.answer_theme(theme, "Explained at the team meeting")
    assert not queries.waiting_questions().exists()
    services.answer_question(b, "")  # withdrawn
    assert list(queries.waiting_questions()) == [Question.objects.get(pk=b.pk)]


def test_a_theme_of_another_space_is_refused() -> None:
    team, people = make_team(2)
    one = services.create_space(title="1", audience="team", team=team, by=None)
    two = services.create_space(title="2", audience="team", team=team, by=None)
    question = services.ask(one, people[0], kind="question", text="q")
    with pytest.raises(services.VoiceError, match="another space"):
        services.set_theme(question, services.create_theme(two, "Elsewhere"))
