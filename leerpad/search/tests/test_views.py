from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem
from leerpad.lrs.models import Statement
from leerpad.search import tracking
from leerpad.search.models import SynonymGroup

pytestmark = pytest.mark.django_db

MakeItem = Callable[..., ContentItem]
ClientFor = Callable[[Person], Client]


def searched() -> list[Statement]:
    return list(Statement.objects.filter(verb_iri=tracking.VERB_SEARCHED))


def test_results_page_shows_hits_facets_and_records_the_search(
    make_item: MakeItem, lena: Person, client_for: ClientFor
) -> None:
    make_item("Klachten behandelen aan de kassa", kind="video")
    response = client_for(lena).get("/search/", {"q": "klachtenbehandeling"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Klachten</mark>" in html
    assert 'name="kind" value="video"' in html
    assert "from_search=klachtenbehandeling" in html
    [statement] = searched()
    extensions = statement.payload["result"]["extensions"]
    assert extensions[tracking.EXT_QUERY] == "klachtenbehandeling"
    assert extensions[tracking.EXT_RESULTS] == 1


def test_typing_gets_the_partial_and_records_only_when_settled(
    make_item: MakeItem, lena: Person, client_for: ClientFor
) -> None:
    make_item("Kassa openen")
    client = client_for(lena)
    partial = client.get("/search/", {"q": "kas"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert 'hx-post="/search/settle"' in html
    assert searched() == []
    assert client.post("/search/settle", {"q": "kassa", "total": "1"}).status_code == 204
    assert len(searched()) == 1


def test_zero_results_offer_did_you_mean_and_related_skills(
    make_item: MakeItem, lena: Person, client_for: ClientFor
) -> None:
    make_item("Vriendelijke klantenservice")
    html = client_for(lena).get("/search/", {"q": "klantenservcie", "kind": "video"}).content
    text = html.decode()
    assert "Did you mean" in text and "klantenservice" in text
    assert "Nothing found" in text


def test_empty_page_invites_a_search(lena: Person, client_for: ClientFor) -> None:
    html = client_for(lena).get("/search/").content.decode()
    assert "What do you want to learn?" in html


def test_learners_cannot_see_drafts_even_when_asking(
    make_item: MakeItem, lena: Person, dirk: Person, client_for: ClientFor
) -> None:
    make_item("Concept: snoeien", status="draft")
    assert (
        "Concept"
        not in client_for(lena).get("/search/", {"q": "snoeien", "all": "1"}).content.decode()
    )
    assert (
        "Concept" in client_for(dirk).get("/search/", {"q": "snoeien", "all": "1"}).content.decode()
    )


def test_search_requires_login(client: Client) -> None:
    response = client.get("/search/", {"q": "x"})
    assert response.status_code == 302


def test_insights_hide_queries_of_too_few_people(
    settings: object, make_person: Callable[..., Person], dirk: Person, client_for: ClientFor
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3  # type: ignore[attr-defined]
    people = [make_person(f"P{i}") for i in range(3)]
    for person in people:
        tracking.record_search(person, "Heftruck", 0, {})
    tracking.record_search(people[0], "burn-out", 2, {})
    html = client_for(dirk).get("/search/insights/").content.decode()
    assert "heftruck" in html
    assert "burn-out" not in html
    assert "1 query" in html  # hidden, counted


def test_insights_and_synonyms_are_for_ld(lena: Person, client_for: ClientFor) -> None:
    client = client_for(lena)
    assert client.get("/search/insights/").status_code == 403
    assert client.get("/search/synonyms/").status_code == 403


def test_synonym_groups_can_be_added_edited_and_removed(
    dirk: Person, client_for: ClientFor
) -> None:
    client = client_for(dirk)
    bad = client.post("/search/synonyms/", {"terms": "onthaal"})
    assert "at least two words" in bad.content.decode()
    client.post("/search/synonyms/", {"terms": "onthaal, onboarding , accueil, onthaal"})
    group = SynonymGroup.objects.order_by("pk").last()
    assert group is not None and group.terms == ["onthaal", "onboarding", "accueil"]
    client.post(f"/search/synonyms/{group.pk}/", {"terms": "onthaal, onboarding"})
    group.refresh_from_db()
    assert group.terms == ["onthaal", "onboarding"]
    client.post(f"/search/synonyms/{group.pk}/delete")
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()
