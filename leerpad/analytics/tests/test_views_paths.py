"""The Paths tab and a path's funnel page: who may see and change what, and the loop
funnel -> suggestion -> new draft version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.models import AcceptedSuggestion
from leerpad.analytics.tests.funnel_helpers import (
    build_path,
    completed_item,
    enrolled,
    seed_a_stall,
)
from leerpad.paths import services_builder
from leerpad.paths.models import Path, PathVersion

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
FUNNEL = "/analytics/paths/stock/"


@pytest.fixture
def stock(make_person: Callable[..., Person], dirk: Person) -> Path:
    """25 learners, enrolled 40 days ago; 10 of them took three weeks over step 2."""
    path, items = build_path("stock", ["Receiving goods", "Counting stock", "Reordering"], by=dirk)
    people = [make_person(f"Learner{i}") for i in range(25)]
    seed_a_stall(path, items, people, timezone.now() - dt.timedelta(days=40))
    sync.sync()
    return path


def _key(client: Client) -> str:
    html = client.get(FUNNEL).content.decode()
    marker = 'data-suggestion="'
    assert marker in html
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_learners_may_not_see_it_and_only_path_managers_may_accept(
    client_for: ClientFor, lena: Person, mira: Person, stock: Path
) -> None:
    assert Client().get("/analytics/paths/").status_code == 302
    assert client_for(lena).get("/analytics/paths/").status_code == 403
    assert client_for(lena).get(FUNNEL).status_code == 403
    client = client_for(mira)  # a marketer: sees analytics, does not manage paths
    assert client.get(FUNNEL).status_code == 200
    key = _key(client)
    accept = f"/analytics/paths/stock/v1/suggestions/{key}/accept"
    assert client.get(accept).status_code == 403
    assert client.post(accept).status_code == 403
    assert client.post(f"/analytics/paths/stock/v1/suggestions/{key}/dismiss").status_code == 403
    assert not PathVersion.objects.filter(path=stock, status="draft").exists()


def test_the_list_and_the_funnel_show_groups_only(
    client_for: ClientFor, dirk: Person, stock: Path
) -> None:
    client = client_for(dirk)
    listing = client.get("/analytics/paths/").content.decode()
    assert "Path stock" in listing and "<td>25</td>" in listing
    html = client.get(FUNNEL).content.decode()
    assert "Learner0" not in html
    # Step 2: 25 reached and completed it; the 10 slow ones took 20 days, the median 1.
    assert "2. Counting stock" in html
    assert "Step 2 “Counting stock” is where 40% of learners stall (10 of 25" in html
    assert "Move step 2 “Counting stock” after step 3 “Reordering”." in html


def test_accepting_makes_a_draft_with_the_change(
    client_for: ClientFor, dirk: Person, stock: Path, make_person: Callable[..., Person]
) -> None:
    client = client_for(dirk)
    key = _key(client)
    url = f"/analytics/paths/stock/v1/suggestions/{key}/accept"

    confirm = client.get(url).content.decode()
    assert "Accept this suggestion?" in confirm
    assert "Move step 2 “Counting stock” after step 3 “Reordering”." in confirm
    assert not PathVersion.objects.filter(path=stock, status="draft").exists()

    answer = client.post(url)
    assert answer.status_code == 302 and answer["Location"] == "/paths/manage/stock/"
    draft = PathVersion.objects.get(path=stock, status="draft")
    assert draft.number == 2
    titles = [s.title("en") for s in draft.steps.order_by("position")]
    assert titles == ["Receiving goods", "Reordering", "Counting stock"]
    assert "Move step 2" in draft.change_note
    decision = AcceptedSuggestion.objects.get(path=stock)
    assert (decision.status, decision.draft_version, decision.decided_by) == (
        "accepted",
        draft,
        dirk,
    )
    assert decision.evidence["figures"] == {"reached": 25, "stalled": 10, "median_days": 1}
    # Accepted once: it is not offered again for version 1, and a second POST is refused.
    assert 'data-suggestion="' not in client.get(FUNNEL).content.decode()
    again = client.post(url, follow=True).content.decode()
    assert "already accepted or dismissed" in again
    assert AcceptedSuggestion.objects.count() == 1

    services_builder.publish(draft, "Counting after reordering", by=dirk)
    html = client.get("/analytics/paths/stock/compare/").content.decode()
    assert "Version 1" in html and "Version 2" in html
    assert "From a suggestion on version 1" in html

    # Five learners on version 2: enough to compare the two side by side.
    items = [s.item for s in draft.steps.order_by("position") if s.item is not None]
    for i in range(5):
        person = make_person(f"Second{i}")
        enrolled(person, stock, timezone.now() - dt.timedelta(days=3), version=2)
        completed_item(person, items[0], timezone.now() - dt.timedelta(days=2))
    sync.sync()
    compared = client.get("/analytics/paths/stock/compare/").context["comparison"]
    places = [
        (row["title"], [(c.number, c.reached, c.completed) for c in row["cells"]])
        for row in compared
    ]
    assert places == [
        ("Receiving goods", [(1, 25, 25), (1, 5, 5)]),
        ("Reordering", [(3, 25, 25), (2, 5, 0)]),
        ("Counting stock", [(2, 25, 25), (3, 0, 0)]),
    ]


def test_dismissing_hides_it_for_that_version(
    client_for: ClientFor, dirk: Person, stock: Path
) -> None:
    client = client_for(dirk)
    key = _key(client)
    answer = client.post(f"/analytics/paths/stock/v1/suggestions/{key}/dismiss")
    assert answer.status_code == 302
    assert AcceptedSuggestion.objects.get(path=stock).status == "dismissed"
    html = client.get(FUNNEL).content.decode()
    assert 'data-suggestion="' not in html
    assert not PathVersion.objects.filter(path=stock, status="draft").exists()


def test_an_existing_draft_is_not_mixed_with_a_suggestion(
    client_for: ClientFor, dirk: Person, stock: Path
) -> None:
    client = client_for(dirk)
    key = _key(client)
    services_builder.draft_of(stock, dirk)
    answer = client.post(f"/analytics/paths/stock/v1/suggestions/{key}/accept", follow=True)
    assert "already being edited as a draft" in answer.content.decode()
    assert not AcceptedSuggestion.objects.exists()


def test_a_path_that_is_not_published_is_not_found(
    client_for: ClientFor, dirk: Person, settings: Any
) -> None:
    services_builder.create_path("draft-only", {"en": "Draft only"}, by=dirk)
    assert client_for(dirk).get("/analytics/paths/draft-only/").status_code == 404


def test_one_version_by_its_number(client_for: ClientFor, dirk: Person, stock: Path) -> None:
    client = client_for(dirk)
    assert "Version 1: step by step" in client.get("/analytics/paths/stock/v1/").content.decode()
    assert client.get("/analytics/paths/stock/v9/").status_code == 404
