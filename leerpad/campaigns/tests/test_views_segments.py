"""Segment pages through the test client: permissions, the builder, duplicate, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.campaigns import services
from leerpad.campaigns.models import Segment
from leerpad.campaigns.tests.segment_world import World, build

ClientFor = Callable[[Person], Client]


@pytest.fixture
def world(db: None, django_capture_on_commit_callbacks: Any) -> World:
    return build(django_capture_on_commit_callbacks)


def gent_segment(world: World, name: str = "Gent") -> Segment:
    rules = {"rules": [{"type": "location", "locations": [world.gent.pk]}]}
    return services.create_segment(name, "", rules, by=None)


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None) -> None:
    response = client.get(reverse("campaigns:segments"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    "name, args, method",
    [
        ("campaigns:segments", [], "get"),
        ("campaigns:segment_new", [], "get"),
        ("campaigns:builder_audience", [], "post"),
        ("campaigns:builder_rules", [], "post"),
    ],
)
def test_learners_and_l_and_d_specialists_get_403(
    client_for: ClientFor, lena: Person, dirk: Person, name: str, args: list[Any], method: str
) -> None:
    for person in (lena, dirk):
        response = getattr(client_for(person), method)(reverse(name, args=args))
        assert response.status_code == 403


def test_learner_cannot_edit_duplicate_or_delete(
    client_for: ClientFor, lena: Person, world: World
) -> None:
    segment = gent_segment(world)
    client = client_for(lena)
    assert client.get(reverse("campaigns:segment_edit", args=[segment.pk])).status_code == 403
    assert client.post(reverse("campaigns:segment_duplicate", args=[segment.pk])).status_code == 403
    assert client.post(reverse("campaigns:segment_delete", args=[segment.pk])).status_code == 403
    assert Segment.objects.count() == 1


def test_empty_list_invites_to_create(client_for: ClientFor, mira: Person) -> None:
    response = client_for(mira).get(reverse("campaigns:segments"))
    assert response.status_code == 200
    assert "No segments yet" in response.content.decode()


def test_list_shows_counts_under_the_privacy_rule(
    client_for: ClientFor, mira: Person, world: World, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent_segment(world, "In Gent")
    services.create_segment("Never came", "", {"rules": [{"type": "never_visited"}]}, by=None)
    page = client_for(mira).get(reverse("campaigns:segments")).content.decode()
    assert "In Gent" in page and "<strong>2</strong>" in page  # attribute: exact
    assert "fewer than 3" in page  # learning: 1 person, hidden


def test_create_through_the_builder(client_for: ClientFor, mira: Person, world: World) -> None:
    data = {
        "name": "Stalled in safety",
        "description": "For a nudge",
        "match": "all",
        "r0-type": "stalled",
        "r0-path": world.path.key,
        "r0-days": "14",
        "r3-type": "location",
        "r3-locations": [str(world.gent.pk)],
        "r3-negate": "on",
        "action": "save",
    }
    response = client_for(mira).post(reverse("campaigns:segment_new"), data)
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.created_by == mira
    assert segment.rules == {
        "match": "all",
        "rules": [
            {"type": "stalled", "not": False, "path": "safety-at-work", "days": 14},
            {"type": "location", "not": True, "locations": [world.gent.pk]},
        ],
    }


def test_invalid_rule_shows_the_error_and_saves_nothing(
    client_for: ClientFor, mira: Person, world: World
) -> None:
    data = {"name": "x", "match": "all", "r0-type": "inactive", "r0-days": "0", "action": "save"}
    response = client_for(mira).post(reverse("campaigns:segment_new"), data)
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    assert not Segment.objects.exists()


def test_edit_keeps_the_rules_and_saves_changes(
    client_for: ClientFor, mira: Person, world: World
) -> None:
    segment = gent_segment(world)
    client = client_for(mira)
    page = client.get(reverse("campaigns:segment_edit", args=[segment.pk])).content.decode()
    assert 'name="r0-type" value="location"' in page
    data: dict[str, Any] = {"name": "Gent or French", "match": "any", "r0-type": "location"}
    data["action"] = "save"
    data |= {"r0-locations": [str(world.gent.pk)], "r1-type": "language", "r1-languages": ["fr"]}
    assert (
        client.post(reverse("campaigns:segment_edit", args=[segment.pk]), data).status_code == 302
    )
    segment.refresh_from_db()
    assert segment.name == "Gent or French" and segment.rules["match"] == "any"
    assert [r["type"] for r in segment.rules["rules"]] == ["location", "language"]


def test_add_and_remove_rules_with_htmx_and_without(
    client_for: ClientFor, mira: Person, world: World
) -> None:
    client = client_for(mira)
    base = {"name": "n", "match": "all", "r0-type": "team", "r0-teams": [str(world.store_gent.pk)]}
    added = client.post(
        reverse("campaigns:builder_rules"), base | {"action": "add", "add_type": "skill"}
    )
    html = added.content.decode()
    assert added.status_code == 200
    assert 'hx-target="#audience" hx-trigger="load"' in html  # the count follows the change
    assert 'name="r1-type" value="skill"' in html and 'name="r0-type" value="team"' in html
    removed = client.post(reverse("campaigns:builder_rules"), base | {"action": "remove-0"})
    assert 'name="r0-type"' not in removed.content.decode()
    # Without JavaScript the same buttons post the whole page.
    page = client.post(
        reverse("campaigns:segment_new"), base | {"action": "add", "add_type": "never_visited"}
    )
    assert (
        page.status_code == 200 and 'name="r1-type" value="never_visited"' in page.content.decode()
    )
    assert not Segment.objects.exists()


def test_live_count_names_only_for_attribute_rules(
    client_for: ClientFor, mira: Person, world: World, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    client = client_for(mira)
    url = reverse("campaigns:builder_audience")
    people = client.post(
        url, {"match": "all", "r0-type": "location", "r0-locations": [str(world.gent.pk)]}
    )
    html = people.content.decode()
    assert "2 people match now" in html and "Ann Seg" in html and "Cleo Seg" in html
    learning = client.post(url, {"match": "all", "r0-type": "never_visited", "r0-negate": "on"})
    html = learning.content.decode()
    assert "3 people match now" in html and "Ann Seg" not in html
    few = client.post(url, {"match": "all", "r0-type": "never_visited"})
    assert "Fewer than 3 people match now" in few.content.decode()
    incomplete = client.post(url, {"match": "all", "r0-type": "stalled", "r0-days": "3"})
    assert "Complete the rules" in incomplete.content.decode()


def test_duplicate_then_delete_with_confirmation(
    client_for: ClientFor, mira: Person, world: World
) -> None:
    segment = gent_segment(world)
    client = client_for(mira)
    response = client.post(reverse("campaigns:segment_duplicate", args=[segment.pk]))
    copy = Segment.objects.exclude(pk=segment.pk).get()
    assert response["Location"] == reverse("campaigns:segment_edit", args=[copy.pk])
    assert copy.rules == segment.rules
    confirm = client.get(reverse("campaigns:segment_delete", args=[copy.pk]))
    assert confirm.status_code == 200 and "Delete the segment" in confirm.content.decode()
    assert Segment.objects.count() == 2  # asking is not deleting
    client.post(reverse("campaigns:segment_delete", args=[copy.pk]))
    assert list(Segment.objects.all()) == [segment]


def test_navigation_points_to_campaigns(client_for: ClientFor, mira: Person, lena: Person) -> None:
    page = client_for(mira).get(reverse("campaigns:segments")).content.decode()
    # The section's entry is the campaign list; segments are part of the section.
    assert f'href="{reverse("campaigns:campaigns")}"' in page and 'aria-current="page"' in page
    home = client_for(lena).get("/").content.decode()
    assert reverse("campaigns:campaigns") not in home
