"""Segments over the JSON API: who may call, counts under the privacy rule, the preview."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_api_token
from leerpad.campaigns import services
from leerpad.campaigns.tests.segment_world import World, build

API = "/api/v1/campaigns/segments"


@pytest.fixture
def world(db: None, django_capture_on_commit_callbacks: Any) -> World:
    return build(django_capture_on_commit_callbacks)


def auth(person: Person) -> dict[str, str]:
    _token, plain = create_api_token(person, "tests")
    return {"Authorization": f"Bearer {plain}"}


def test_a_token_is_needed(client: Client, db: None) -> None:
    assert client.get(API).status_code == 401


def test_learners_get_403(client: Client, lena: Person) -> None:
    response = client.get(API, headers=auth(lena))
    assert response.status_code == 403
    assert response.json() == {"detail": "Segments are for people who manage campaigns."}
    preview = client.post(
        f"{API}/preview", json.dumps({"rules": []}), "application/json", headers=auth(lena)
    )
    assert preview.status_code == 403


def test_list_and_get_with_counts(
    client: Client, mira: Person, world: World, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent = services.create_segment(
        "Gent", "", {"rules": [{"type": "location", "locations": [world.gent.pk]}]}, by=mira
    )
    services.create_segment("Never", "", {"rules": [{"type": "never_visited"}]}, by=mira)
    rows = client.get(API, headers=auth(mira)).json()
    assert [(r["name"], r["audience"]["count"], r["audience"]["fewer_than"]) for r in rows] == [
        ("Gent", 2, None),
        ("Never", None, 3),
    ]
    assert rows[0]["audience"]["members"] is None  # the list carries no names
    one = client.get(f"{API}/{gent.pk}", headers=auth(mira)).json()
    assert one["rules"] == gent.rules and one["created_by"] == mira.pk
    assert {m["name"] for m in one["audience"]["members"]} == {"Ann Seg", "Cleo Seg"}
    assert client.get(f"{API}/999999", headers=auth(mira)).status_code == 404


def test_preview_counts_posted_rules(
    client: Client, greet: Person, world: World, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 2
    rules = {"match": "all", "rules": [{"type": "stalled", "path": world.path.key, "days": 1}]}
    response = client.post(
        f"{API}/preview", json.dumps(rules), "application/json", headers=auth(greet)
    )
    assert response.status_code == 200
    assert response.json() == {"kind": "learning", "count": 2, "fewer_than": None, "members": None}


def test_preview_rejects_unknown_types_with_every_problem(
    client: Client, mira: Person, world: World
) -> None:
    rules = {"rules": [{"type": "location", "locations": [999999]}, {"type": "horoscope"}]}
    response = client.post(
        f"{API}/preview", json.dumps(rules), "application/json", headers=auth(mira)
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The rules are not valid."
    assert any("unknown type “horoscope”" in e for e in body["errors"])
