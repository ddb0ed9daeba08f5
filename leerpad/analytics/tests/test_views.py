"""The Adoption page: for the LD&M team only, groups only, exact numbers from the store,
on the shared filters; and how people arrive, from the item pages' links to the page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.analytics import sync
from leerpad.analytics.tests.conftest import did
from leerpad.catalog.tests.ui_helpers import make_item

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def part(html: str, pattern: str) -> str:
    """The first element of the page matching `pattern` (a regex from its start tag)."""
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return match.group(0)


def group_table(html: str) -> str:
    return part(html, r'<table class="striped adoption-groups">.*?</table>')


def arrivals_table(html: str) -> str:
    section = part(html, r'<section aria-labelledby="arrivals-heading">.*?</section>')
    return part(section, r"<table.*?</table>")


def row(table: str, label: str) -> list[str]:
    """The cells of the table's row headed `label`."""
    found = part(table, rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>')
    return re.findall(r"<td>(.*?)</td>", found)


@pytest.fixture
def this_week() -> dt.datetime:
    now = timezone.now()
    # Five past midnight on this week's Monday (UTC): inside the page's last week.
    return (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=5)


@pytest.fixture
def places(
    make_person: Callable[..., Person], settings: Any, this_week: dt.datetime
) -> dict[str, Location]:
    """k = 3. This week: 4 learners in Gent, 3 in Brugge, 1 in Mol."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    found = {
        "gent": Location.objects.create(name="Gent-Centrum"),
        "brugge": Location.objects.create(name="Brugge-Noord"),
        "mol": Location.objects.create(name="Mol-Dorp"),
    }
    learners = [make_person(f"G{i}", location=found["gent"]) for i in range(4)]
    learners += [make_person(f"B{i}", location=found["brugge"]) for i in range(3)]
    learners += [make_person("M0", location=found["mol"])]
    for person in learners:
        did(person, this_week)
    sync.sync()
    return found


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
    client_for: ClientFor, dirk: Person, places: dict[str, Location]
) -> None:
    client = client_for(dirk)
    html = client.get("/analytics/").content.decode()
    assert "<td>8</td>" in html  # eight active learners this week
    assert "<svg" in html and "Active learners per week" in html  # the chart beside the table
    assert "G0 Test" not in html and "Test" not in html  # never names

    grouped = client.get("/analytics/?weeks=12&by=location").content.decode()
    table = group_table(grouped)
    assert row(table, "Gent-Centrum")[-1] == "4"
    # Mol's 1 is under k = 3; with the total shown elsewhere (8), hiding Mol alone would
    # still give it away (8 - 4 - 3), so Brugge is hidden with it, as one "other" row of 4.
    assert "Mol-Dorp" not in table and "Brugge-Noord" not in table
    assert row(table, "Other groups")[-1] == "4"
    assert '<option value="location" selected>' in grouped  # the choice stays in the filters


def test_the_shared_filters_narrow_the_figures(
    client_for: ClientFor, dirk: Person, places: dict[str, Location]
) -> None:
    client = client_for(dirk)

    gent = client.get(f"/analytics/?location={places['gent'].pk}").content.decode()
    assert "<td>4</td>" in gent and "<td>8</td>" not in gent

    # Mol alone is one person: the page refuses, and shows no figure at all.
    mol = client.get(f"/analytics/?location={places['mol'].pk}").content.decode()
    assert "fewer than 3 people" in mol
    assert "<td>1</td>" not in mol and "arrivals-heading" not in mol


def test_bad_filters_fall_back_to_the_defaults(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).get("/analytics/?weeks=9999&by=salary&location=x")
    assert response.status_code == 200


def test_how_people_arrive_from_the_links_they_followed(
    client_for: ClientFor, dirk: Person, make_person: Callable[..., Person], settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    item = make_item("Klachten")
    people = [make_person(f"L{i}") for i in range(4)]
    client = Client()
    for person in people:
        client.force_login(person)
        client.get(f"/catalogue/{item.pk}/?via=home")
    for person in people[:3]:
        client.force_login(person)
        client.get(f"/catalogue/{item.pk}/?lang=nl")  # the same visit: not a new arrival
    client.force_login(people[0])
    client.get(f"/catalogue/{item.pk}/?from_search=klachten&rank=1")
    sync.sync()

    html = client_for(dirk).get("/analytics/").content.decode()
    table = arrivals_table(html)

    assert row(table, "Home page") == ["4", "4"]
    assert row(table, "Search") == ["·", "·"]  # one person: under k
    assert row(table, "Direct link") == ["·", "·"]
    meters = part(html, r'<ul class="analytics-meters".*?</ul>')
    assert "Home page" in meters and "Search" not in meters


def test_an_htmx_filter_change_gets_the_page_body(
    client_for: ClientFor, dirk: Person, places: dict[str, Location]
) -> None:
    response = client_for(dirk).get("/analytics/?by=location", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="analytics-body"' in response.content.decode()
