"""The Content and Skills tabs: for the LD&M team only, groups only, exact numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.analytics import sync
from leerpad.analytics.tests.conftest import did
from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Status
from leerpad.catalog.tracking import VIEWED, activity_id
from leerpad.lrs.services import record_for_person
from leerpad.search import tracking
from leerpad.skills.models import RoleSkill, Skill, SkillClaim

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
PAGES = ("/analytics/content/", "/analytics/skills/")


def make_item(title: str, **fields: Any) -> ContentItem:
    item = ContentItem.objects.create(kind=Kind.ARTICLE, status=Status.PUBLISHED, **fields)
    ItemTranslation.objects.create(item=item, language="en", title=title)
    return item


def searched(person: Person, query: str, results: int, when: dt.datetime) -> None:
    record_for_person(
        person,
        tracking.VERB_SEARCHED,
        {"en": "searched"},
        tracking.search_activity(),
        result={"extensions": {tracking.EXT_QUERY: query, tracking.EXT_RESULTS: results}},
        timestamp=when,
    )


@pytest.mark.parametrize("url", PAGES)
def test_learners_and_coaches_may_not_see_them(
    client_for: ClientFor, lena: Person, cas: Person, url: str
) -> None:
    assert Client().get(url).status_code == 302
    assert client_for(lena).get(url).status_code == 403
    assert client_for(cas).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_the_tabs_are_listed(client_for: ClientFor, dirk: Person, url: str) -> None:
    html = client_for(dirk).get(url).content.decode()

    assert 'href="/analytics/content/"' in html and 'href="/analytics/skills/"' in html


def test_an_empty_store_says_it_is_being_filled(client_for: ClientFor, dirk: Person) -> None:
    html = client_for(dirk).get("/analytics/content/").content.decode()

    assert "still being filled" in html
    assert "Most used" not in html  # no figures without k people


@pytest.fixture
def week(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. This week: 4 people of Gent read "Till basics", 1 of Mol read "Safety";
    "Stock count" nobody; 3 of Gent searched "planogram" and found nothing."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent = Location.objects.create(name="Gent-Centrum")
    mol = Location.objects.create(name="Mol-Dorp")
    people = [make_person(f"G{i}", location=gent, language="nl") for i in range(4)]
    loner = make_person("M0", location=mol)
    till, safety = make_item("Till basics"), make_item("Safety")
    make_item("Stock count")
    now = timezone.now()
    moment = (now - dt.timedelta(days=now.weekday())).replace(hour=0, minute=5)
    for person in people:
        did(person, moment, VIEWED, activity_id(till))
    did(loner, moment, VIEWED, activity_id(safety))
    for person in people[:3]:
        searched(person, "Planogram", 0, moment)
    sync.sync()
    return {"gent": gent, "mol": mol, "till": till}


def test_content_figures_with_the_k_rule(
    client_for: ClientFor, dirk: Person, week: dict[str, Any]
) -> None:
    html = client_for(dirk).get("/analytics/content/").content.decode()

    assert "Most used" in html
    assert f'<a href="{week["till"].get_absolute_url()}">Till basics</a>' in html
    assert '<span class="meter-value">4</span>' in html
    # Safety: one person: "fewer than 3", never the number.
    assert '<span class="meter-value">fewer than 3</span>' in html
    assert "Stock count" in html  # published and unused
    # The search gap, with a link that runs the search.
    assert '<a href="/search/?q=planogram"' in html
    assert "<td>3</td><td>3 (100%)</td>" in html
    # Never names (people are "M0 Test", "G0 Test"; a bare "M0" can occur in a CSRF token).
    assert "M0 Test" not in html and "G0 Test" not in html


def test_a_filter_that_singles_people_out_is_refused(
    client_for: ClientFor, dirk: Person, week: dict[str, Any]
) -> None:
    client = client_for(dirk)

    html = client.get(f"/analytics/content/?weeks=4&location={week['mol'].pk}").content.decode()
    # Gent (4) against everyone (5): one person apart.
    near = client.get(f"/analytics/content/?weeks=4&location={week['gent'].pk}").content.decode()

    assert "fewer than 3 people" in html and "Most used" not in html
    assert "differ from a wider view" in near and "Till basics" not in near


def test_unused_items_are_paginated(
    client_for: ClientFor, dirk: Person, week: dict[str, Any]
) -> None:
    for i in range(30):
        make_item(f"Extra {i:02d}")

    client = client_for(dirk)
    first = client.get("/analytics/content/").content.decode()
    second = client.get("/analytics/content/?page=2").content.decode()

    assert "31 published items had no use" in first  # Stock count and the 30 extras
    assert "Page 1 of 2" in first and "Extra 29" not in first
    assert "Extra 29" in second


@pytest.fixture
def roles(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Four sellers in Gent, two of whom have the till skill at the level needed;
    three warehouse people with no profile."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent = Location.objects.create(name="Gent-Centrum")
    seller = JobRole.objects.create(name="Seller")
    warehouse = JobRole.objects.create(name="Warehouse")
    till = Skill.objects.create(key="till", names={"en": "Till"})
    RoleSkill.objects.create(job_role=seller, skill=till, level=2)
    sellers = [make_person(f"S{i}", location=gent, job_role=seller) for i in range(4)]
    for i in range(3):
        make_person(f"W{i}", location=gent, job_role=warehouse)
    for person in sellers[:2]:
        SkillClaim.objects.create(person=person, skill=till, self_level=3)
    return {"seller": seller, "gent": gent}


def test_skills_overview_and_a_role(
    client_for: ClientFor, dirk: Person, roles: dict[str, Any]
) -> None:
    client = client_for(dirk)
    seller = roles["seller"].pk

    overview = client.get("/analytics/skills/").content.decode()
    role = client.get(f"/analytics/skills/?job_role={seller}").content.decode()

    # The role's link keeps the period the page shows.
    assert f"?weeks=12&amp;job_role={seller}" in overview and "Seller" in overview
    assert "<td>4</td>" in overview and "<td>50%</td>" in overview
    assert "Gent-Centrum" in role and "Everyone in the role" in role
    assert "50% <small" in role and "2 of 4" in role
    assert "<svg" in role  # the chart over months, with its table
    assert "S0 Test" not in role  # never names (a bare "S0" can occur in the CSRF token)
    by_team = client.get(f"/analytics/skills/?job_role={seller}&by=team").content.decode()
    assert "No team" in by_team and "Gent-Centrum</th>" not in by_team


def test_skills_small_role_is_refused(
    client_for: ClientFor, dirk: Person, roles: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    lonely = JobRole.objects.create(name="Baker")
    make_person("B0", job_role=lonely)

    html = client_for(dirk).get(f"/analytics/skills/?job_role={lonely.pk}").content.decode()

    assert "fewer than 3 people" in html and "Everyone in the role" not in html
