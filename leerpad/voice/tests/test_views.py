"""The pages through the test client: who may open what, forms and their errors, the ask
and answer flows, the workspace tile, the home panel and erasure."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
from django.core import mail
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.privacy.signals import erase_personal_data
from leerpad.voice import queries, services
from leerpad.voice.models import Facilitator, Member, Pulse, Question, Space
from leerpad.voice.tests.world import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(cas: Person) -> Space:
    """A team space of six with cas (a coach, not in the team) as facilitator."""
    team, _people = make_team(6)
    made = services.create_space(title="Store talk", audience="team", team=team, by=None)
    services.set_facilitators(made, [cas])
    return made


def _member(space: Space) -> Person:
    return queries.audience(space).first()  # type: ignore[return-value]


def test_anonymous_visitors_are_sent_to_login(client: Client, space: Space) -> None:
    for url in ("/workspace/voice/", f"/workspace/voice/{space.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_outsiders_get_403_and_do_not_see_the_space(
    client_for: Callable[[Person], Client], space: Space, lena: Person
) -> None:
    client = client_for(lena)
    assert client.get(f"/workspace/voice/{space.pk}/").status_code == 403
    assert (
        client.post(f"/workspace/voice/{space.pk}/ask/", {"kind": "idea", "text": "x"}).status_code
        == 403
    )
    assert client.get(f"/workspace/voice/{space.pk}/facilitate/").status_code == 403
    assert client.get("/workspace/voice/new/").status_code == 403
    assert "Store talk" not in client.get("/workspace/voice/").content.decode()


def test_a_member_asks_anonymously_and_sees_the_space(
    client_for: Callable[[Person], Client], space: Space
) -> None:
    client = client_for(_member(space))
    page = client.get("/workspace/voice/")
    assert "Store talk" in page.content.decode()
    response = client.post(
        f"/workspace/voice/{space.pk}/ask/",
        {"kind": "concern", "text": "Rosters come too late"},
        follow=True,
    )
    html = response.content.decode()
    assert "Posted anonymously" in html
    assert html.count("Rosters come too late") == 1  # in the list, not in the message
    assert Question.objects.get().text == "Rosters come too late"


def test_asking_without_text_shows_the_error(
    client_for: Callable[[Person], Client], space: Space
) -> None:
    response = client_for(_member(space)).post(
        f"/workspace/voice/{space.pk}/ask/", {"kind": "question", "text": ""}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Question.objects.exists()


def test_facilitator_moderates_themes_and_answers(
    client_for: Callable[[Person], Client], space: Space, cas: Person
) -> None:
    question = services.ask(space, _member(space), kind="question", text="Why two tills?")
    client = client_for(cas)
    page = client.get(f"/workspace/voice/{space.pk}/facilitate/")
    assert page.status_code == 200 and "Why two tills?" in page.content.decode()

    client.post(f"/workspace/voice/{space.pk}/themes/new/", {"title": "Tills"})
    theme = space.themes.get()
    client.post(
        f"/workspace/voice/questions/{question.pk}/theme/", {f"t{question.pk}-theme": theme.pk}
    )
    client.post(
        f"/workspace/voice/themes/{theme.pk}/answer/",
        {f"theme{theme.pk}-answer": "Queues at noon."},
    )
    response = client.post(
        f"/workspace/voice/questions/{question.pk}/hide/",
        {f"h{question.pk}-reason": ""},
        follow=True,
    )
    assert "Say why you hide it" in response.content.decode()
    client.post(
        f"/workspace/voice/questions/{question.pk}/hide/", {f"h{question.pk}-reason": "Duplicate"}
    )
    question.refresh_from_db()
    assert question.theme == theme and question.is_hidden

    audience_view = client_for(_member(space)).get(f"/workspace/voice/{space.pk}/").content.decode()
    assert "Hidden by the facilitator: Duplicate" in audience_view
    assert "Why two tills?" not in audience_view
    assert "Queues at noon." in audience_view


def test_members_cannot_moderate(client_for: Callable[[Person], Client], space: Space) -> None:
    member = _member(space)
    question = services.ask(space, member, kind="question", text="q")
    client = client_for(member)
    response = client.post(
        f"/workspace/voice/questions/{question.pk}/hide/", {f"h{question.pk}-reason": "x"}
    )
    assert response.status_code == 403
    assert client.post(f"/workspace/voice/{space.pk}/pulses/new/", {}).status_code == 403


def test_pulse_builder_open_answer_and_results(
    client_for: Callable[[Person], Client], space: Space, cas: Person, settings: object
) -> None:
    client = client_for(cas)
    response = client.post(f"/workspace/voice/{space.pk}/pulses/new/", {"title": "Pulse"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    client.post(
        f"/workspace/voice/{space.pk}/pulses/new/",
        {"title": "Pulse", "statement_1": "I feel heard", "open_question": "What else?"},
    )
    pulse = Pulse.objects.get()
    client.post(f"/workspace/voice/pulses/{pulse.pk}/open/")
    pulse.refresh_from_db()
    assert pulse.status == Pulse.Status.OPEN

    people = list(queries.audience(space))
    for n, person in enumerate(people[:4]):
        voter = client_for(person)
        assert voter.get(f"/workspace/voice/pulses/{pulse.pk}/").status_code == 200
        voter.post(
            f"/workspace/voice/pulses/{pulse.pk}/", {"s1": "4", "open_answer": f"more coffee {n}"}
        )
    again = client_for(people[0]).post(
        f"/workspace/voice/pulses/{pulse.pk}/", {"s1": "1"}, follow=True
    )
    assert "already answered" in again.content.decode()

    results = client_for(cas).get(f"/workspace/voice/pulses/{pulse.pk}/results/").content.decode()
    assert "4 of 5 answers so far" in results and "more coffee" not in results
    client_for(people[4]).post(f"/workspace/voice/pulses/{pulse.pk}/", {"s1": "2"})
    results = client_for(cas).get(f"/workspace/voice/pulses/{pulse.pk}/results/").content.decode()
    assert "5 answers so far" in results and "Results appear when the pulse closes" in results
    assert "more coffee" not in results

    # The audience may open the results page only after closing.
    member = client_for(people[1])
    assert member.get(f"/workspace/voice/pulses/{pulse.pk}/results/").status_code == 403
    confirm = client_for(cas).get(f"/workspace/voice/pulses/{pulse.pk}/close/")
    assert "Close the pulse" in confirm.content.decode()
    client_for(cas).post(f"/workspace/voice/pulses/{pulse.pk}/close/")
    results_page = client_for(people[1]).get(f"/workspace/voice/pulses/{pulse.pk}/results/")
    assert results_page.status_code == 200
    html = results_page.content.decode()
    assert "more coffee 3" in html and "Mean: 3.6" in html


def test_rating_left_out_is_shown(client_for: Callable[[Person], Client], space: Space) -> None:
    pulse = services.create_pulse(space, title="P", statements=["A", "B"])
    services.open_pulse(pulse)
    response = client_for(_member(space)).post(f"/workspace/voice/pulses/{pulse.pk}/", {"s1": "3"})
    assert "Choose a rating for this statement" in response.content.decode()
    assert queries.answer_count(pulse) == 0


def test_outsider_cannot_open_a_pulse(
    client_for: Callable[[Person], Client], space: Space, lena: Person
) -> None:
    pulse = services.create_pulse(space, title="P", statements=["A"])
    services.open_pulse(pulse)
    assert client_for(lena).get(f"/workspace/voice/pulses/{pulse.pk}/").status_code == 403


def test_workspace_creates_a_space_and_the_creator_picks_facilitators(
    client_for: Callable[[Person], Client], dirk: Person, mira: Person, lena: Person
) -> None:
    client = client_for(dirk)
    response = client.post("/workspace/voice/new/", {"title": "Checkout pilot", "audience": "list"})
    assert "Choose the people of the audience" in response.content.decode()
    response = client.post(
        "/workspace/voice/new/",
        {"title": "Checkout pilot", "audience": "list", "members": [lena.pk, mira.pk]},
    )
    made = Space.objects.get()
    assert response.status_code == 302 and made.created_by == dirk
    client.post(
        f"/workspace/voice/{made.pk}/manage/", {"f-people": [mira.pk], "m-people": [lena.pk]}
    )
    assert list(made.facilitators.values_list("person", flat=True)) == [mira.pk]
    assert list(queries.audience(made)) == [lena]
    # Someone else in the workspace may not change it; the LD&M manager may.
    assert client_for(mira).get(f"/workspace/voice/{made.pk}/manage/").status_code == 403


def test_workspace_tile_and_home_panel(
    client_for: Callable[[Person], Client], space: Space, greet: Person
) -> None:
    services.ask(space, _member(space), kind="question", text="q")
    pulse = services.create_pulse(space, title="Quick pulse", statements=["A"])
    services.open_pulse(pulse)
    tile = client_for(greet).get("/workspace/").content.decode()
    assert "1 open pulse" in tile and "1 question waiting for an answer" in tile
    home = client_for(_member(space)).get("/").content.decode()
    assert "Your voice" in home and "Quick pulse" in home


def test_erasure_removes_assignments_and_lists(space: Space, cas: Person, lena: Person) -> None:
    listed = services.create_space(title="L", audience="list", members=[lena, cas], by=cas)
    sent = erase_personal_data.send(sender=None, person=cas, dry_run=True)
    answers = dict(cast("list[tuple[str, dict[str, int]]]", [answer for _r, answer in sent]))
    assert answers["voice"] == {
        "facilitator_assignments": 1,
        "audience_lists": 1,
        "spaces_created": 1,
    }
    assert Facilitator.objects.filter(person=cas).exists()
    erase_personal_data.send(sender=None, person=cas, dry_run=False)
    assert not Facilitator.objects.filter(person=cas).exists()
    assert not Member.objects.filter(person=cas).exists()
    assert Member.objects.filter(person=lena).exists()
    listed.refresh_from_db()
    assert listed.created_by is None
    assert not mail.outbox


def test_personal_data_export_lists_assignments(space: Space, cas: Person, lena: Person) -> None:
    from leerpad.privacy.signals import personal_data

    services.create_space(title="Pilot", audience="list", members=[lena], by=cas)
    sent = personal_data.send(sender=None, person=cas)
    sections = dict(cast("list[tuple[str, dict[str, list[str]]]]", [a for _r, a in sent]))
    assert sections["voice"] == {
        "facilitator_of": ["Store talk"],
        "on_audience_lists_of": [],
        "spaces_created": ["Pilot"],
    }
