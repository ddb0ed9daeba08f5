"""The shared scope of the analytics pages: its SQL condition and its privacy decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Location, Person, Team
from leerpad.analytics import sync
from leerpad.analytics.filters import Scope, ScopeForm
from leerpad.analytics.tests.conftest import at, did

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Gent: team Store 4 people, team Office 1; Antwerpen: team Store 3 people.
    All active in January 2025; one Gent Store person also active in March."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent, antwerpen = (
        Location.objects.create(name="Gent"),
        Location.objects.create(name="Antwerpen"),
    )
    store, office = Team.objects.create(name="Store"), Team.objects.create(name="Office")
    people = []
    for i in range(4):
        people.append(make_person(f"GS{i}", location=gent, team=store))
    people.append(make_person("GO", location=gent, team=office))
    for i in range(3):
        people.append(make_person(f"AS{i}", location=antwerpen, team=store))
    for person in people:
        did(person, at("2025-01-07"))
    did(people[0], at("2025-03-04"))
    sync.sync()
    return {"gent": gent, "antwerpen": antwerpen, "store": store, "office": office}


def january(**filters: Any) -> Scope:
    return Scope(at("2025-01-01", 0), at("2025-02-01", 0), **filters)


def test_active_people_follow_every_filter(org: dict[str, Any]) -> None:
    assert january().active_people() == 8
    assert january(location_id=org["gent"].pk).active_people() == 5
    assert january(team_id=org["store"].pk).active_people() == 7
    assert january(location_id=org["gent"].pk, team_id=org["store"].pk).active_people() == 4
    march = Scope(at("2025-03-01", 0), at("2025-04-01", 0))
    assert march.active_people() == 1


def test_a_view_with_fewer_than_k_people_is_refused(org: dict[str, Any]) -> None:
    decision = january(team_id=org["office"].pk).allowed()
    assert not decision
    assert decision.reason == "group"


def test_a_view_that_differs_from_a_wider_one_by_fewer_than_k_is_refused(
    org: dict[str, Any],
) -> None:
    # Gent & Store (4) vs Gent (5): the difference is the one Office person of Gent.
    decision = january(location_id=org["gent"].pk, team_id=org["store"].pk).allowed()
    assert not decision
    assert decision.reason == "difference"
    # Store (7) vs everyone (8): the same one person, found two filters up.
    assert january(team_id=org["store"].pk).allowed().reason == "difference"


def test_views_that_differ_by_zero_or_k_people_are_allowed(org: dict[str, Any]) -> None:
    assert january().allowed()
    # Antwerpen (3) is everyone (8) minus Gent (5): both at least k.
    assert january(location_id=org["antwerpen"].pk).allowed()
    # Antwerpen & Store (3) equals Antwerpen (3): a difference of 0 reveals nothing; it
    # differs from Store (7) by 4 and from everyone (8) by 5. (Store itself is refused.)
    assert january(location_id=org["antwerpen"].pk, team_id=org["store"].pk).allowed()


def test_a_period_with_fewer_than_k_people_is_refused(org: dict[str, Any]) -> None:
    assert not Scope(at("2025-03-01", 0), at("2025-04-01", 0)).allowed()


def test_the_condition_binds_parameters_and_never_formats_values(org: dict[str, Any]) -> None:
    scope = january(location_id=org["gent"].pk, path_key="x'); DROP TABLE events; --")
    assert "DROP" not in scope.where()
    assert scope.params()["path_key"].startswith("x')")
    assert scope.active_people() == 0


def test_the_form_turns_whole_weeks_into_a_scope(org: dict[str, Any]) -> None:
    form = ScopeForm({"weeks": "4", "location": str(org["gent"].pk)}, with_path=False)
    scope = form.scope(today=dt.date(2025, 1, 29))  # a Wednesday
    assert scope.start.date() == dt.date(2025, 1, 6)  # the Monday three weeks before
    assert scope.end.date() == dt.date(2025, 2, 3)  # the Monday after this week
    assert scope.location_id == org["gent"].pk
    assert "path" not in form.fields


def test_an_invalid_filter_falls_back_to_no_filter(org: dict[str, Any]) -> None:
    form = ScopeForm({"weeks": "999", "location": "not-a-number"})
    scope = form.scope(today=dt.date(2025, 1, 29))
    assert not form.is_valid()
    assert scope.location_id is None
    assert (scope.end - scope.start).days == 12 * 7


def test_a_link_with_only_a_filter_shows_the_default_period(org: dict[str, Any]) -> None:
    from django.http import QueryDict

    form = ScopeForm(QueryDict(f"location={org['gent'].pk}"))
    assert form.is_valid()
    assert form["weeks"].value() == "12"
    assert form.scope().location_id == org["gent"].pk
