"""How people arrive at an item: the channel (and campaign keys) on the `viewed` statement."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.catalog import tracking
from leerpad.catalog.tests.ui_helpers import make_item, statements
from leerpad.core import extensions as xapi
from leerpad.paths.tests.learner_helpers import make_path, steps_of
from leerpad.recommend.tests import factories as f

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def _arrival_of_a_view(client: Client, query: str) -> dict[str, object]:
    item = make_item()
    client.get(item.get_absolute_url() + query)
    (viewed,) = statements(tracking.VIEWED)
    extensions: dict[str, object] = viewed["context"]["extensions"]
    return extensions


@pytest.mark.parametrize("channel", ["home", "path", "recommendation", "search", "direct"])
def test_the_channel_of_the_link_is_recorded(
    client_for: ClientFor, lena: Person, channel: str
) -> None:
    extensions = _arrival_of_a_view(client_for(lena), f"?via={channel}")

    assert extensions == {xapi.ARRIVAL: channel}


@pytest.mark.parametrize("query", ["", "?via=", "?via=newsletter", "?via=HOME", "?lang=fr"])
def test_no_or_an_unknown_channel_is_a_direct_link(
    client_for: ClientFor, lena: Person, query: str
) -> None:
    extensions = _arrival_of_a_view(client_for(lena), query)

    assert extensions == {xapi.ARRIVAL: "direct"}


def test_a_click_from_search_arrives_by_search_and_keeps_its_query(
    client_for: ClientFor, lena: Person
) -> None:
    # The search results' links say `from_search`; a stray `via` does not override it.
    extensions = _arrival_of_a_view(client_for(lena), "?from_search=kassa&rank=2&via=home")

    assert extensions == {xapi.ARRIVAL: "search"}
    (selected,) = statements(tracking.SELECTED)
    assert selected["context"]["extensions"][tracking.EXT_SEARCH_QUERY] == "kassa"


def test_a_campaign_link_records_its_campaign_and_variant(
    client_for: ClientFor, lena: Person
) -> None:
    extensions = _arrival_of_a_view(
        client_for(lena), "?via=campaign&campaign=safety-2026&variant=b"
    )

    assert extensions == {
        xapi.ARRIVAL: "campaign",
        xapi.CAMPAIGN: "safety-2026",
        xapi.VARIANT: "b",
    }


@pytest.mark.parametrize(
    "query",
    [
        "?via=campaign&campaign=Safety%202026&variant=%3Cb%3E",  # not slugs
        "?via=campaign&campaign=" + "x" * 51,  # too long for a key
        "?via=campaign&campaign=&variant=",
    ],
)
def test_malformed_campaign_keys_are_left_out(
    client_for: ClientFor, lena: Person, query: str
) -> None:
    extensions = _arrival_of_a_view(client_for(lena), query)

    assert extensions == {xapi.ARRIVAL: "campaign"}


def test_campaign_keys_count_only_on_a_campaign_link(client_for: ClientFor, lena: Person) -> None:
    extensions = _arrival_of_a_view(client_for(lena), "?via=home&campaign=safety&variant=a")

    assert extensions == {xapi.ARRIVAL: "home"}


def test_the_arrival_is_parsed_from_any_query_mapping() -> None:
    # Paths' pages and campaign links (issue 7) reuse the same rule.
    assert tracking.Arrival.from_query({"via": "campaign", "campaign": "c1"}) == (
        tracking.Arrival("campaign", "c1", "")
    )
    assert tracking.Arrival.from_query({}) == tracking.Arrival("direct")
    assert tracking.Arrival("home").extensions() == {xapi.ARRIVAL: "home"}


def test_a_path_step_links_to_its_item_with_via_path(client_for: ClientFor, lena: Person) -> None:
    item = make_item("Lees dit")
    path = make_path("lezen", [{"item": item}])
    client = client_for(lena)
    client.post("/paths/lezen/enrol/")
    html = client.get(f"/paths/lezen/steps/{steps_of(path)[0].uid}/").content.decode()

    assert f'href="/catalogue/{item.pk}/?via=path"' in html


def test_recommendations_link_with_home_on_the_home_and_recommendation_on_for_you(
    client_for: ClientFor, lena: Person
) -> None:
    assert lena.job_role is not None
    conflict = f.skill("conflict", "Conflict handling")
    f.needs(lena.job_role, conflict, level=3)
    item = f.item("Difficult customers", skills=[conflict])
    client = client_for(lena)

    home = client.get("/").content.decode()
    for_you = client.get("/for-you/").content.decode()

    assert f'href="/catalogue/{item.pk}/?via=home"' in home
    assert f'href="/catalogue/{item.pk}/?via=recommendation"' in for_you
