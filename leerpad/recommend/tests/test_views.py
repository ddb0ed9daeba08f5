"""The pages and panels: the home's panels, "For you", "Not for me" with undo, permissions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Location, Person
from leerpad.core.panels import panels_for
from leerpad.recommend.models import Dismissal
from leerpad.recommend.tests import factories as f

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def suggested(lena: Person) -> dict[str, Any]:
    """Lena's role needs Conflict handling; two items teach it, one is unrelated."""
    assert lena.job_role is not None
    conflict = f.skill("conflict", "Conflict handling", "Conflicthantering")
    f.needs(lena.job_role, conflict, level=3)
    return {
        "first": f.item("Difficult customers", skills=[conflict]),
        "second": f.item("Calm in a conflict", skills=[conflict]),
        "unrelated": f.item("Forklift licence"),
    }


def section(page: str, name: str) -> str:
    match = re.search(rf'<section[^>]*data-panel="{name}".*?</section>', page, re.S)
    return match.group(0) if match else ""


# --- the home ---------------------------------------------------------------------------


def test_home_shows_recommended_with_reasons_and_not_for_me(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    page = client_for(lena).get("/").content.decode()
    panel = section(page, "recommended")
    assert "Recommended for you" in panel
    assert "Difficult customers" in panel and "Calm in a conflict" in panel
    assert "Forklift licence" not in panel
    assert panel.count("Because your role needs Conflict handling") == 2
    assert "Not for me" in panel and 'hx-post="/for-you/dismiss/"' in panel
    assert "I know this already" in panel  # the reason choices


def test_home_panels_in_order_and_popular_only_from_k(
    rf: Any, lena: Person, gent: Location, suggested: dict[str, Any], settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    assert lena.job_role is not None
    # More new things than the first panel holds: the rest show in their own panel.
    for i in range(8):
        f.item(f"New for sales {i}", roles=[lena.job_role], published_ago=dt.timedelta(days=2))
    # Six items fill the first panel, so the popular one shows in its own.
    conflict = suggested["first"].skills.get()
    for i in range(6):
        f.item(f"Conflict {i}", skills=[conflict])
    popular = f.item("Popular in Gent")
    request = rf.get("/")
    request.user = lena
    few = f.colleagues(2, location=gent)
    for person in few:
        f.complete(person, popular, days_ago=5)
    mine = [p for p in panels_for(request) if p.template.startswith("recommend/")]
    assert [p.order for p in mine] == [30, 35]  # 2 < k: no popular panel
    f.complete(f.colleagues(1, location=gent, prefix="x")[0], popular, days_ago=5)
    request = rf.get("/")
    request.user = lena
    mine = [p for p in panels_for(request) if p.template.startswith("recommend/")]
    assert [p.order for p in mine] == [30, 35, 45]
    popular_panel = mine[2].context["suggestions"]
    assert [s.candidate.title for s in popular_panel] == ["Popular in Gent"]
    assert popular_panel[0].reasons[0].text == "3 colleagues in Gent completed this"
    first = {s.candidate.key for s in mine[0].context["suggestions"]}
    new = mine[1].context["suggestions"]
    assert new and all(s.candidate.title.startswith("New for sales") for s in new)
    assert not first & {s.candidate.key for s in new}  # each card once on the home


def test_home_new_and_popular_panels_render(
    client_for: ClientFor, lena: Person, gent: Location, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 2
    assert lena.job_role is not None
    for i in range(8):  # six of them fill "Recommended"
        f.item(f"New at Gent {i}", locations=[gent], published_ago=dt.timedelta(days=20 - i))
    page = client_for(lena).get("/").content.decode()
    new = section(page, "new")
    assert "New for your role or location" in new
    assert new.count("New at your location") == 2
    assert section(page, "recommended").count("New at your location") == 6
    assert section(page, "popular") == ""


def test_home_with_nothing_to_suggest_says_so(client_for: ClientFor, lena: Person) -> None:
    panel = section(client_for(lena).get("/").content.decode(), "recommended")
    assert "Nothing to suggest yet" in panel


# --- the full page ----------------------------------------------------------------------


def test_for_you_lists_every_reason(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    page = client_for(lena).get("/for-you/").content.decode()
    assert "Difficult customers" in page
    assert "Because your role needs Conflict handling" in page
    assert "Your role needs level 3; you have no level yet." in page  # the detail
    assert "Forklift licence" not in page


def test_for_you_in_dutch_names_the_skill_in_dutch(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    client = client_for(lena)
    client.cookies["leerpad_language"] = "nl"
    page = client.get("/for-you/").content.decode()
    assert "Conflicthantering" in page


def test_pages_need_a_login(client: Client) -> None:
    for url in ("/for-you/", "/for-you/not-for-me/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post("/for-you/dismiss/", {"target": "item", "id": 1})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- not for me, and undo ---------------------------------------------------------------


def test_dismiss_is_post_only(client_for: ClientFor, lena: Person) -> None:
    assert client_for(lena).get("/for-you/dismiss/").status_code == 405


def test_dismiss_needs_the_csrf_token(lena: Person, suggested: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(lena)
    response = client.post("/for-you/dismiss/", {"target": "item", "id": suggested["first"].pk})
    assert response.status_code == 403
    assert not Dismissal.objects.exists()


def test_dismiss_with_htmx_swaps_the_card_and_undo_brings_it_back(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    client = client_for(lena)
    first = suggested["first"]
    response = client.post(
        "/for-you/dismiss/",
        {"target": "item", "id": first.pk, "reason": "know_it", "layout": "panel", "next": "/"},
        headers=HTMX,
    )
    partial = response.content.decode()
    assert response.status_code == 200 and "<html" not in partial
    assert f'id="rec-item-{first.pk}"' in partial and "Undo" in partial
    assert 'name="next" value="/"' in partial  # without JavaScript, Undo comes back home
    dismissal = Dismissal.objects.get(person=lena)
    assert dismissal.item == first and dismissal.reason == "know_it"
    assert f'id="rec-item-{first.pk}"' not in client.get("/for-you/").content.decode()

    undone = client.post(
        f"/for-you/not-for-me/{dismissal.pk}/undo/",
        {"layout": "panel", "next": "/"},
        headers=HTMX,
    ).content.decode()
    assert f'id="rec-item-{first.pk}"' in undone
    assert "Because your role needs Conflict handling" in undone  # the card, with its reason
    assert 'name="next" value="/"' in undone
    assert not Dismissal.objects.exists()


def test_dismiss_without_htmx_redirects_with_a_message(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    client = client_for(lena)
    response = client.post(
        "/for-you/dismiss/",
        {"target": "item", "id": suggested["second"].pk, "reason": "not_now", "next": "/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "is hidden from your suggestions" in response.content.decode()
    # An address elsewhere is not followed.
    response = client.post(
        "/for-you/dismiss/",
        {"target": "item", "id": suggested["first"].pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/for-you/"


def test_dismiss_refuses_what_is_not_offered(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    draft = f.item("Draft", status="draft")
    client = client_for(lena)
    partial = client.post(
        "/for-you/dismiss/", {"target": "item", "id": draft.pk}, headers=HTMX
    ).content.decode()
    assert "not in the catalogue any more" in partial
    bad = client.post("/for-you/dismiss/", {"target": "course", "id": "x"}, headers=HTMX)
    assert "could not be hidden" in bad.content.decode()
    assert not Dismissal.objects.exists()


def test_dismissed_page_lists_and_undoes(
    client_for: ClientFor, lena: Person, suggested: dict[str, Any]
) -> None:
    client = client_for(lena)
    client.post("/for-you/dismiss/", {"target": "item", "id": suggested["first"].pk})
    page = client.get("/for-you/not-for-me/").content.decode()
    assert "Difficult customers" in page and "Not relevant for me" in page
    dismissal = Dismissal.objects.get()
    row = client.post(
        f"/for-you/not-for-me/{dismissal.pk}/undo/", {"layout": "row"}, headers=HTMX
    ).content.decode()
    assert row.startswith("<tr") and "can be suggested to you again" in row
    assert "You have not marked anything" in client.get("/for-you/not-for-me/").content.decode()


def test_undo_only_your_own(
    client_for: ClientFor, lena: Person, cas: Person, suggested: dict[str, Any]
) -> None:
    Dismissal.objects.create(person=lena, item=suggested["first"])
    dismissal = Dismissal.objects.get()
    response = client_for(cas).post(f"/for-you/not-for-me/{dismissal.pk}/undo/")
    assert response.status_code == 404
    assert Dismissal.objects.filter(pk=dismissal.pk).exists()
    assert client_for(lena).get(f"/for-you/not-for-me/{dismissal.pk}/undo/").status_code == 405
