"""The Adoption page: for the LD&M team only, groups only, exact numbers from the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.analytics import sync
from leerpad.analytics.tests.conftest import did

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def test_learners_and_coaches_may_not_see_it(
    client_for: ClientFor, lena: Person, cas: Person
) -> None:
    assert Client().get("/analytics/").status_code == 302
    assert client_for(lena).get("/analytics/").status_code == 403
    assert client_for(cas).get("/analytics/").status_code == 403


def test_an_empty_store_says_it_is_being_filled(client_for: ClientFor, dirk: Person) -> None:
    html = client_for(dirk).get("/analytics/").content.decode()
    assert "still being filled" in html


def test_weekly_numbers_and_groups_with_the_k_rule(
    client_for: ClientFor, dirk: Person, make_person: Callable[..., Person], settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent = Location.objects.create(name="Gent-Centrum")
    brugge = Location.objects.create(name="Brugge-Noord")
    mol = Location.objects.create(name="Mol-Dorp")
    now = timezone.now()
    this_week = now - dt.timedelta(days=now.weekday())  # some moment on Monday or later
    learners = [make_person(f"G{i}", location=gent) for i in range(4)]
    learners += [make_person(f"B{i}", location=brugge) for i in range(3)]
    learners += [make_person("M0", location=mol)]
    for person in learners:
        did(person, this_week.replace(hour=0, minute=5))
    sync.sync()

    client = client_for(dirk)
    html = client.get("/analytics/").content.decode()
    assert "<td>8</td>" in html  # eight active learners this week
    assert "G0" not in html and "Test" not in html  # never names

    grouped = client.get("/analytics/?weeks=12&by=location").content.decode()
    assert "Gent-Centrum" in grouped and "<td>4</td>" in grouped
    # Mol's 1 is under k = 3; with the total shown elsewhere (8), hiding Mol alone would
    # still give it away (8 - 4 - 3), so Brugge is hidden with it, as one "other" row of 4.
    assert "Mol-Dorp" not in grouped and "Brugge-Noord" not in grouped
    assert "Other groups" in grouped


def test_bad_filters_fall_back_to_the_defaults(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).get("/analytics/?weeks=9999&by=salary")
    assert response.status_code == 200
