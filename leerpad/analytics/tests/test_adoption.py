"""The adoption question on a small fixture, with exact numbers and the k rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Location, Person
from leerpad.analytics import query, sync
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.adoption import WeekRow, active_learners
from leerpad.analytics.tests.conftest import at, did, outsider_did

pytestmark = pytest.mark.django_db

WEEK_A, WEEK_B, WEEK_C = dt.date(2025, 1, 6), dt.date(2025, 1, 13), dt.date(2025, 1, 20)


@pytest.fixture
def town(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Week A: 4 people in Gent, 2 in Antwerpen, 1 in Brugge, all new.
    Week B: 3 of Gent's back and one newcomer there, 1 of Antwerpen's back.
    Week C: the same 3 from Gent, and 3 outsiders (no location) new."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    places = {name: Location.objects.create(name=name) for name in ("Gent", "Antwerpen", "Brugge")}

    def people(prefix: str, place: str, n: int) -> list[Person]:
        return [make_person(f"{prefix}{i}", location=places[place]) for i in range(n)]

    gent, antwerpen, brugge = (
        people("G", "Gent", 4),
        people("A", "Antwerpen", 2),
        people("B", "Brugge", 1),
    )
    newcomer = make_person("N", location=places["Gent"])
    for person in gent + antwerpen + brugge:
        did(person, at("2025-01-07"))
        did(person, at("2025-01-08"))  # twice in a week is one active learner
    for person in [*gent[:3], newcomer, antwerpen[0]]:
        did(person, at("2025-01-14"))
    for person in gent[:3]:
        did(person, at("2025-01-21"))
    for i in range(3):
        outsider_did(f"guest{i}@example.test", at("2025-01-22"))
    did(gent[0], at("2025-01-27"))  # week D: outside the range asked below
    sync.sync()
    return {"places": places}


def test_active_learners_per_week(town: dict[str, Any]) -> None:
    weeks = active_learners(Scope(at("2025-01-06", 0), at("2025-01-27", 0)))

    assert weeks == [
        WeekRow(WEEK_A, None, False, active=7, new=None, returning=None),  # returning 0 < k
        WeekRow(WEEK_B, None, False, active=5, new=None, returning=None),  # new 1 < k
        WeekRow(WEEK_C, None, False, active=6, new=3, returning=3),
    ]


def test_new_means_new_to_leerpad_not_to_the_range(town: dict[str, Any]) -> None:
    weeks = active_learners(Scope(at("2025-01-20", 0), at("2025-01-27", 0)))

    assert weeks == [WeekRow(WEEK_C, None, False, active=6, new=3, returning=3)]


def test_the_scope_keeps_the_people_of_its_filters(town: dict[str, Any]) -> None:
    gent = town["places"]["Gent"].pk

    weeks = active_learners(Scope(at("2025-01-06", 0), at("2025-01-27", 0), location_id=gent))

    # Gent only: its 4, then 3 back with the newcomer, then the same 3; no outsiders.
    assert weeks == [
        WeekRow(WEEK_A, None, False, active=4, new=None, returning=None),
        WeekRow(WEEK_B, None, False, active=4, new=None, returning=None),
        WeekRow(WEEK_C, None, False, active=3, new=None, returning=None),
    ]


def test_small_groups_merge_into_other_or_disappear(town: dict[str, Any]) -> None:
    gent = town["places"]["Gent"].pk

    weeks = active_learners(Scope(at("2025-01-06", 0), at("2025-01-27", 0)), by="location")

    assert weeks == [
        WeekRow(WEEK_A, gent, False, active=4, new=None, returning=None),
        # Antwerpen (2) and Brugge (1) together reach k = 3: one "other" row.
        WeekRow(WEEK_A, None, True, active=3, new=None, returning=None),
        # Week B: Antwerpen's 1 alone is under k, and showing Gent (4) beside the week's
        # total (5) would give it away: Gent is hidden too, both merge into "other".
        WeekRow(WEEK_B, None, True, active=5, new=None, returning=None),
        WeekRow(WEEK_C, gent, False, active=3, new=None, returning=None),
        # The outsiders have no location: a group of their own, of exactly k.
        WeekRow(WEEK_C, None, False, active=3, new=None, returning=None),
    ]
    # No row, in any grouping, describes fewer than k people.
    assert all(row.active >= 3 for row in weeks)


def test_k_follows_the_setting(town: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 4

    weeks = active_learners(Scope(at("2025-01-20", 0), at("2025-01-27", 0)), by="location")

    # Gent (3) and the outsiders (3) are both under k = 4 now; together they reach it.
    assert weeks == [WeekRow(WEEK_C, None, True, active=6, new=None, returning=None)]
    settings.LEERPAD_MIN_GROUP_SIZE = 7
    assert active_learners(Scope(at("2025-01-20", 0), at("2025-01-27", 0))) == []


def test_unknown_grouping_is_refused(town: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="cannot group by"):
        active_learners(Scope(at("2025-01-06", 0), at("2025-01-27", 0)), by="salary")


def test_templates_render_per_dialect() -> None:
    sql = query.render(
        "SELECT @week(ts), @days_between(a, b), @percentile(x, 0.5) "
        "WHERE t >= @p(start, timestamp)",
        query.DUCKDB,
    )

    assert sql == (
        "SELECT CAST(date_trunc('week', ts) AS DATE), date_diff('day', a, b), "
        "quantile_disc(x, 0.5) WHERE t >= CAST($start AS TIMESTAMPTZ)"
    )
    with pytest.raises(NotImplementedError, match="sqlite"):
        query.dialect("sqlite")
    with pytest.raises(ValueError, match="unknown macro"):
        query.render("@nope(x)", query.DUCKDB)
