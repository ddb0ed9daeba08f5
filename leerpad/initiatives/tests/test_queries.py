"""The busy pages load in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.initiatives import services
from leerpad.initiatives.models import Initiative, Stakeholder, SwotCard

pytestmark = pytest.mark.django_db


def _grow(initiative: Initiative, people: list[Person], n: int) -> None:
    for i in range(n):
        services.save_stakeholder(
            Stakeholder(
                initiative=initiative,
                person=people[i % len(people)],
                influence=1 + i % 5,
                interest=3,
            )
        )
        card = services.add_card(
            initiative, SwotCard.Quadrant.STRENGTH, f"Card {i}", "", author=people[i % len(people)]
        )
        services.toggle_vote(card, people[0])


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["stakeholders", "consultation", "swot", "brief", "detail"])
def test_no_query_per_row(
    name: str,
    client_for: Callable[[Person], Client],
    initiative: Initiative,
    dirk: Person,
    mira: Person,
    cas: Person,
    **_: Any,
) -> None:
    client = client_for(dirk)
    url = reverse(f"initiatives:{name}", args=[initiative.pk])
    _grow(initiative, [dirk, mira, cas], 2)
    few = _queries(client, url)
    _grow(initiative, [dirk, mira, cas], 6)
    assert _queries(client, url) == few


def test_edit_form_loads_path_titles_at_once(
    client_for: Callable[[Person], Client], initiative: Initiative, dirk: Person
) -> None:
    from leerpad.paths.tests.learner_helpers import make_path

    client = client_for(dirk)
    url = reverse("initiatives:edit", args=[initiative.pk])
    make_path("one")
    few = _queries(client, url)
    for key in ("two", "three", "four"):
        make_path(key)
    assert _queries(client, url) == few
