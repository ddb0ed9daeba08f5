"""Stakeholder rows are judgements about named colleagues: the map, the consultation
plan and the log are for the initiative's owner, its members and portfolio managers.
Others with the workspace (a coach) see the rest, and counts without names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.initiatives import queries, services
from leerpad.initiatives.models import BuyIn, Initiative, Stakeholder

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
SAID = "Worried about the queue at the till"


@pytest.fixture
def stakeholder(initiative: Initiative, lena: Person, dirk: Person) -> Stakeholder:
    row = services.save_stakeholder(
        Stakeholder(initiative=initiative, person=lena, influence=4, interest=2)
    )
    services.log_consultation(
        row,
        held_on=dt.date(2026, 3, 2),
        said=SAID,
        buy_in=BuyIn.OPPOSED,
        author=dirk,
    )
    return row


def _urls(initiative: Initiative, stakeholder: Stakeholder) -> list[str]:
    return [
        reverse("initiatives:stakeholders", args=[initiative.pk]),
        reverse("initiatives:consultation", args=[initiative.pk]),
        reverse("initiatives:consultation_log", args=[initiative.pk, stakeholder.pk]),
    ]


def test_who_may_see_the_stakeholders(
    initiative: Initiative, dirk: Person, mira: Person, cas: Person, greet: Person, ada: Person
) -> None:
    assert queries.may_see_stakeholders(dirk, initiative)  # owner
    assert queries.may_see_stakeholders(greet, initiative)  # portfolio manager
    assert queries.may_see_stakeholders(ada, initiative)
    assert not queries.may_see_stakeholders(mira, initiative)
    assert not queries.may_see_stakeholders(cas, initiative)
    initiative.members.add(mira)
    assert queries.may_see_stakeholders(mira, initiative)


def test_a_coach_outside_the_team_gets_403_with_the_reason(
    client_for: ClientFor, initiative: Initiative, stakeholder: Stakeholder, cas: Person
) -> None:
    client = client_for(cas)
    for url in _urls(initiative, stakeholder):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "ask the owner to add you to the team" in page
        assert "Lena Test" not in page and SAID not in page
    # Nor may they add one.
    response = client.post(
        reverse("initiatives:stakeholders", args=[initiative.pk]),
        {"name": "Works council", "influence": 3, "interest": 3, "buy_in": "unknown"},
    )
    assert response.status_code == 403
    assert initiative.stakeholders.count() == 1


def test_a_coach_sees_the_rest_and_counts_without_names(
    client_for: ClientFor, initiative: Initiative, stakeholder: Stakeholder, cas: Person
) -> None:
    client = client_for(cas)
    overview = client.get(reverse("initiatives:detail", args=[initiative.pk]))
    assert overview.status_code == 200
    page = overview.content.decode()
    assert "Stakeholders and consultation: team only" in page
    assert "ask the owner to add you to the team" in page
    assert "Opposed: 1" in page
    assert reverse("initiatives:stakeholders", args=[initiative.pk]) not in page
    assert reverse("initiatives:consultation", args=[initiative.pk]) not in page
    assert "Lena Test" not in page
    for name in ("swot", "pros_cons", "brief"):
        response = client.get(reverse(f"initiatives:{name}", args=[initiative.pk]))
        assert response.status_code == 200, name
        assert "Lena Test" not in response.content.decode() and SAID not in (
            response.content.decode()
        )
    brief = client.get(reverse("initiatives:brief", args=[initiative.pk])).content.decode()
    assert "Opposed: 1" in brief


@pytest.mark.parametrize("who", ["member", "owner", "manager"])
def test_the_team_and_managers_see_the_stakeholders(
    client_for: ClientFor,
    initiative: Initiative,
    stakeholder: Stakeholder,
    who: str,
    dirk: Person,
    mira: Person,
    greet: Person,
) -> None:
    initiative.members.add(mira)
    person = {"member": mira, "owner": dirk, "manager": greet}[who]
    client = client_for(person)
    stakeholders_url, consultation_url, log_url = _urls(initiative, stakeholder)
    page = client.get(stakeholders_url)
    assert page.status_code == 200 and "Lena Test" in page.content.decode()
    page = client.get(consultation_url)
    assert page.status_code == 200 and SAID in page.content.decode()
    assert client.get(log_url).status_code == 200
    overview = client.get(reverse("initiatives:detail", args=[initiative.pk])).content.decode()
    assert stakeholders_url in overview and "team only" not in overview
