"""Fixes from the review of issue 8: the facilitator page reads a fixed number of queries
however many questions, themes and pulses a space has, and the facilitators page saves
both of its lists in one transaction (never an empty chosen audience)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.voice import queries, services
from leerpad.voice.models import Pulse, Space
from leerpad.voice.tests.world import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(cas: Person) -> Space:
    team, _people = make_team(6)
    made = services.create_space(title="Store talk", audience="team", team=team, by=None)
    services.set_facilitators(made, [cas])
    return made


def _fill(space: Space, size: int) -> None:
    member = Person.objects.filter(team=space.team).first()
    assert member is not None
    themes = [services.create_theme(space, f"Theme {n}") for n in range(size)]
    for n in range(size):
        question = services.ask(space, member, kind="question", text=f"Question {n}")
        services.set_theme(question, themes[n])
        pulse = services.create_pulse(space, title=f"Pulse {n}", statements=["A"])
        services.open_pulse(pulse)
        services.vote(pulse, member, ratings=[4])
        services.close_pulse(pulse)


def _queries_for(client: Client, space: Space, django_assert_max_num_queries: Any) -> str:
    with django_assert_max_num_queries(25):
        response = client.get(f"/workspace/voice/{space.pk}/facilitate/?show=all")
    assert response.status_code == 200
    return response.content.decode()


def test_facilitate_page_does_not_query_per_question_theme_or_pulse(
    client_for: Callable[[Person], Client],
    space: Space,
    cas: Person,
    django_assert_max_num_queries: Any,
) -> None:
    _fill(space, 12)
    html = _queries_for(client_for(cas), space, django_assert_max_num_queries)
    # The page still shows what it showed: each theme in every question's list, the
    # counts per theme and per pulse.
    assert html.count('<option value="">') == 12
    assert html.count(">Theme 11</option>") == 12
    assert html.count(" selected>Theme ") == 12  # each question's own theme is chosen
    assert html.count("1 question</span>") == 12
    assert Pulse.objects.filter(space=space).count() == 12
    assert html.count("<td>1</td>") == 12


def test_manage_saves_facilitators_and_audience_together(
    client_for: Callable[[Person], Client],
    dirk: Person,
    mira: Person,
    lena: Person,
    cas: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = services.create_space(title="Pilot", audience="list", members=[lena], by=dirk)
    services.set_facilitators(made, [cas])

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "set_members", broken)
    with pytest.raises(RuntimeError):
        client_for(dirk).post(
            f"/workspace/voice/{made.pk}/manage/", {"f-people": [mira.pk], "m-people": [mira.pk]}
        )
    # Nothing half-saved: the facilitators are still the ones before.
    assert list(made.facilitators.values_list("person", flat=True)) == [cas.pk]


def test_manage_refuses_an_empty_chosen_audience(
    client_for: Callable[[Person], Client], dirk: Person, lena: Person, cas: Person
) -> None:
    made = services.create_space(title="Pilot", audience="list", members=[lena], by=dirk)
    response = client_for(dirk).post(
        f"/workspace/voice/{made.pk}/manage/", {"f-people": [cas.pk], "m-people": []}
    )
    assert response.status_code == 200
    assert "Choose the people of the audience." in response.content.decode()
    assert list(made.members.values_list("person", flat=True)) == [lena.pk]
    assert not made.facilitators.exists()


def test_space_page_and_home_panel_read_answers_in_one_query(
    client_for: Callable[[Person], Client],
    space: Space,
    django_assert_max_num_queries: Any,
) -> None:
    member = Person.objects.filter(team=space.team).first()
    assert member is not None
    for n in range(12):
        pulse = services.create_pulse(space, title=f"Pulse {n}", statements=["A"])
        services.open_pulse(pulse)
        if n % 2:
            services.vote(pulse, member, ratings=[3])
    client = client_for(member)
    with django_assert_max_num_queries(14):
        html = client.get(f"/workspace/voice/{space.pk}/").content.decode()
    assert html.count("you have already answered") == 6
    assert html.count("Answer (1 minute, anonymous)") == 6
    with django_assert_max_num_queries(3):
        waiting = queries.pulses_waiting_for(member)
    assert sorted(p.title for p in waiting) == sorted(f"Pulse {n}" for n in range(0, 12, 2))
