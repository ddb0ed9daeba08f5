"""How people arrive: people per channel, per week and for the period, with the k rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Location, Person
from leerpad.analytics import sync
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.arrivals import Arrivals, ChannelCount, arrivals
from leerpad.analytics.tests.conftest import at, course, did
from leerpad.catalog.tracking import VIEWED
from leerpad.core.extensions import ARRIVAL, ARRIVALS
from leerpad.lrs import services

pytestmark = pytest.mark.django_db

WEEK_A, WEEK_B = dt.date(2025, 1, 6), dt.date(2025, 1, 13)
ITEM = "https://leerpad.example/catalogue/{}/"


def came(person: Person, when: dt.datetime, channel: str | None, item: int = 1) -> None:
    """`person` opened catalogue item `item` at `when`, arriving by `channel`."""
    context = {"extensions": {ARRIVAL: channel}} if channel else None
    did(person, when, VIEWED, ITEM.format(item), context=context)


@pytest.fixture
def visits(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Three people in Gent (G), three in Antwerpen (A).

    Week A: G0-G2 and A0 come from the home page; G0-G2 also find another item by search;
    G0 switches the language of the item (the reload has no `via`); A0 comes back to it the
    next day by a direct link; A1 comes from a campaign. Week B: G0-G2 follow a path (G0
    to two items); A1 and A2 come by direct links; A0 from a campaign."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent, antwerpen = Location.objects.create(name="Gent"), Location.objects.create(name="A")
    g = [make_person(f"G{i}", location=gent) for i in range(3)]
    a = [make_person(f"A{i}", location=antwerpen) for i in range(3)]
    for person in [*g, a[0]]:
        came(person, at("2025-01-07", 9), "home", item=1)
    for person in g:
        came(person, at("2025-01-07", 11), "search", item=2)
    came(g[0], at("2025-01-07", 9).replace(minute=5), "direct", item=1)  # same visit
    came(a[0], at("2025-01-08"), "direct", item=1)
    came(a[1], at("2025-01-09"), "campaign", item=1)
    came(g[0], at("2025-01-09"), None, item=4)  # before arrivals were recorded: not counted
    for person in g:
        came(person, at("2025-01-14"), "path", item=3)
    came(g[0], at("2025-01-15"), "path", item=5)
    came(a[1], at("2025-01-14"), "direct", item=1)
    came(a[2], at("2025-01-14"), "direct", item=1)
    came(a[0], at("2025-01-16"), "campaign", item=1)
    # An outside tool's own channel name is not one of Leerpad's.
    services.record(
        {
            "actor": {"objectType": "Agent", "mbox": "mailto:guest@example.test"},
            "verb": {"id": VIEWED, "display": {"en": "viewed"}},
            "object": course(ITEM.format(1)),
            "context": {"extensions": {ARRIVAL: "newsletter"}},
            "timestamp": at("2025-01-07").isoformat(),
        }
    )
    came(g[1], at("2025-01-21"), "home", item=1)  # week C: outside the period asked below
    sync.sync()
    return {"gent": gent}


def period(found: Arrivals) -> dict[str, tuple[int | None, int | None]]:
    return {row.channel: (row.people, row.arrivals) for row in found.period}


def test_people_per_channel_for_the_period_and_per_week(visits: dict[str, Any]) -> None:
    found = arrivals(Scope(at("2025-01-06", 0), at("2025-01-20", 0)))

    assert period(found) == {
        "search": (3, 3),
        "home": (4, 4),  # G0's language switch is the same visit, not a direct arrival
        "path": (3, 4),  # G0 came to two items by the path
        "recommendation": (None, None),  # nobody
        "campaign": (None, None),  # A1 and A0: 2 < k
        "direct": (3, 3),  # A0, A1, A2 over the two weeks; never k in one week
    }
    assert found.weekly == (
        ChannelCount(WEEK_A, "search", 3, 3),
        ChannelCount(WEEK_A, "home", 4, 4),
        # Week B's direct (2) and campaign (1) together reach k, but people who came both
        # ways would count twice in a merged row: no "other" row for overlapping channels.
        ChannelCount(WEEK_B, "path", 3, 4),
    )


def test_every_channel_is_listed_for_the_period_in_order(visits: dict[str, Any]) -> None:
    found = arrivals(Scope(at("2025-01-06", 0), at("2025-01-20", 0)))

    assert [row.channel for row in found.period] == list(ARRIVALS)
    assert all(row.week is None for row in found.period)


def test_the_scope_keeps_its_people_and_period(visits: dict[str, Any]) -> None:
    gent = visits["gent"].pk

    found = arrivals(Scope(at("2025-01-06", 0), at("2025-01-20", 0), location_id=gent))

    assert period(found) == {
        "search": (3, 3),
        "home": (3, 3),
        "path": (3, 4),
        "recommendation": (None, None),
        "campaign": (None, None),
        "direct": (None, None),
    }
    week_b = arrivals(Scope(at("2025-01-13", 0), at("2025-01-20", 0)))
    assert week_b.weekly == (ChannelCount(WEEK_B, "path", 3, 4),)
    assert period(week_b)["home"] == (None, None)


def test_k_follows_the_setting(visits: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 4

    found = arrivals(Scope(at("2025-01-06", 0), at("2025-01-20", 0)))

    assert {row.channel for row in found.period if row.people is not None} == {"home"}
    assert found.weekly == (ChannelCount(WEEK_A, "home", 4, 4),)
    assert all(row.people is None or row.people >= 4 for row in found.period)


def test_an_empty_store_has_no_arrivals() -> None:
    found = arrivals(Scope(at("2025-01-06", 0), at("2025-01-20", 0)))

    assert found.weekly == ()
    assert all(row.people is None for row in found.period)
