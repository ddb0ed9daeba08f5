"""The pages through the test client: who may see and change what, validation shown,
the stakeholder grid, the consultation page, the SWOT board (htmx), the brief and plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.initiatives import services
from leerpad.initiatives.models import BuyIn, Initiative, ProCon, Stakeholder, SwotCard

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def _url(name: str, *args: object) -> str:
    return reverse(f"initiatives:{name}", args=args)


def test_anonymous_is_sent_to_login(client: Client, initiative: Initiative) -> None:
    response = client.get(_url("detail", initiative.pk))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_learners_may_not_open_the_workspace(
    client_for: ClientFor, lena: Person, initiative: Initiative
) -> None:
    client = client_for(lena)
    assert client.get(_url("list")).status_code == 403
    assert client.get(_url("detail", initiative.pk)).status_code == 403
    assert client.get(_url("plans_now")).status_code == 403


def test_list_filters_by_status(
    client_for: ClientFor, cas: Person, initiative: Initiative, dirk: Person
) -> None:
    Initiative.objects.create(title="Safety week", owner=dirk, status=Initiative.Status.RUNNING)
    client = client_for(cas)
    page = client.get(_url("list")).content.decode()
    assert "Safety week" in page and "Customer service at the checkout" in page
    page = client.get(_url("list"), {"status": "running"}).content.decode()
    assert "Safety week" in page and "Customer service at the checkout" not in page


def test_create_an_initiative(client_for: ClientFor, mira: Person) -> None:
    client = client_for(mira)
    response = client.post(_url("new"), {"title": "", "owner": mira.pk, "status": "idea"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(
        _url("new"),
        {"title": "Connect meetings", "owner": mira.pk, "status": "idea", "members": [mira.pk]},
    )
    created = Initiative.objects.get(title="Connect meetings")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert list(created.members.all()) == [mira]


def test_only_a_portfolio_manager_starts_one_for_someone_else(
    client_for: ClientFor, mira: Person, dirk: Person, greet: Person
) -> None:
    data = {"title": "For Dirk", "owner": dirk.pk, "status": "idea"}
    response = client_for(mira).post(_url("new"), data)
    assert response.status_code == 400 and not Initiative.objects.exists()
    response = client_for(greet).post(_url("new"), data)
    assert response.status_code == 302
    assert Initiative.objects.get().owner == dirk


def test_only_owner_and_portfolio_managers_edit(
    client_for: ClientFor, initiative: Initiative, mira: Person, greet: Person, dirk: Person
) -> None:
    assert client_for(mira).get(_url("edit", initiative.pk)).status_code == 403
    assert (
        client_for(mira)
        .post(
            _url("stakeholders", initiative.pk),
            {"name": "X", "influence": 3, "interest": 3, "buy_in": "unknown"},
        )
        .status_code
        == 403
    )
    assert client_for(greet).get(_url("edit", initiative.pk)).status_code == 200
    response = client_for(dirk).post(
        _url("edit", initiative.pk),
        {"title": "Checkout service", "owner": dirk.pk, "status": "running", "members": [mira.pk]},
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Checkout service" and initiative.status == "running"


def test_stakeholder_map_draws_the_grid_and_validates(
    client_for: ClientFor, initiative: Initiative, dirk: Person, lena: Person
) -> None:
    client = client_for(dirk)
    response = client.post(
        _url("stakeholders", initiative.pk), {"influence": 3, "interest": 3, "buy_in": "unknown"}
    )
    assert response.status_code == 400
    assert "Choose a person or write a name." in response.content.decode()
    client.post(
        _url("stakeholders", initiative.pk),
        {"person": lena.pk, "influence": 5, "interest": 2, "buy_in": "opposed"},
    )
    client.post(
        _url("stakeholders", initiative.pk),
        {
            "name": "Works council",
            "function": "Staff",
            "influence": 2,
            "interest": 5,
            "buy_in": "supportive",
        },
    )
    page = client.get(_url("stakeholders", initiative.pk)).content.decode()
    for label in ("Manage closely", "Keep satisfied", "Keep informed", "Monitor"):
        assert label in page
    assert page.count("<circle") == 2
    assert 'class="dot buy-in-opposed"' in page and 'class="dot buy-in-supportive"' in page
    assert "Lena Test" in page and "Works council" in page


def test_consultation_page_warns_about_silence_and_reorders(
    client_for: ClientFor, initiative: Initiative, dirk: Person, mira: Person
) -> None:
    first = services.save_stakeholder(
        Stakeholder(initiative=initiative, name="Store managers", influence=2, interest=2)
    )
    second = services.save_stakeholder(
        Stakeholder(initiative=initiative, name="Sales director", influence=5, interest=4)
    )
    client = client_for(dirk)
    page = client.get(_url("consultation", initiative.pk)).content.decode()
    assert "Silence is not consent." in page
    assert "Use the suggested order" in page
    client.post(_url("stakeholder_move", initiative.pk, second.pk), {"direction": "up"})
    assert list(initiative.stakeholders.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    assert (
        client_for(mira)
        .post(_url("stakeholder_move", initiative.pk, first.pk), {"direction": "up"})
        .status_code
        == 403
    )


def test_members_log_consultations(
    client_for: ClientFor, initiative: Initiative, mira: Person, cas: Person
) -> None:
    stakeholder = services.save_stakeholder(
        Stakeholder(initiative=initiative, name="Sales director", influence=5, interest=4)
    )
    url = _url("consultation_log", initiative.pk, stakeholder.pk)
    assert client_for(cas).get(url).status_code == 403  # not in the team
    initiative.members.add(mira)
    client = client_for(mira)
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(url, {"held_on": tomorrow.isoformat(), "said": "x", "buy_in": "neutral"})
    assert response.status_code == 400
    assert "A consultation in the future cannot be logged yet." in response.content.decode()
    response = client.post(
        url,
        {"held_on": "2026-01-10", "said": "Likes it", "concerns": "Budget", "buy_in": "supportive"},
    )
    assert response.status_code == 302
    stakeholder.refresh_from_db()
    assert stakeholder.buy_in == BuyIn.SUPPORTIVE
    page = client.get(_url("consultation", initiative.pk)).content.decode()
    assert "Likes it" in page and "Budget" in page and "Silence is not consent." not in page


def test_swot_board_add_and_vote_with_htmx(
    client_for: ClientFor, initiative: Initiative, cas: Person
) -> None:
    client = client_for(cas)
    response = client.post(
        _url("card_add", initiative.pk),
        {"quadrant": "strength", "text": "Coaches on the floor"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        'id="swot-board"' in response.content.decode() and "<html" not in response.content.decode()
    )
    card = SwotCard.objects.get()
    assert card.author == cas
    response = client.post(_url("card_vote", initiative.pk, card.pk), HTTP_HX_REQUEST="true")
    assert (
        "+1 · 1" in response.content.decode() and 'aria-pressed="true"' in response.content.decode()
    )
    response = client.post(_url("card_vote", initiative.pk, card.pk), HTTP_HX_REQUEST="true")
    assert "+1 · 0" in response.content.decode()
    response = client.post(_url("card_add", initiative.pk), {"quadrant": "strength", "text": ""})
    assert response.status_code == 400 and "The card was not added" in response.content.decode()


def test_only_author_and_owner_change_cards(
    client_for: ClientFor, initiative: Initiative, cas: Person, mira: Person, dirk: Person
) -> None:
    card = services.add_card(initiative, SwotCard.Quadrant.WEAKNESS, "Long queues", "", author=cas)
    assert client_for(mira).get(_url("card_edit", initiative.pk, card.pk)).status_code == 403
    response = client_for(cas).post(
        _url("card_edit", initiative.pk, card.pk), {"text": "Long queues at noon", "detail": ""}
    )
    assert response.status_code == 302
    # The author may not delete or move: that is the owner's.
    assert client_for(cas).post(_url("card_delete", initiative.pk, card.pk)).status_code == 403
    owner = client_for(dirk)
    confirm = owner.get(_url("card_delete", initiative.pk, card.pk))
    assert confirm.status_code == 200 and "Delete the card" in confirm.content.decode()
    assert SwotCard.objects.filter(pk=card.pk).exists()
    owner.post(_url("card_move", initiative.pk, card.pk), {"quadrant": "threat"})
    card.refresh_from_db()
    assert card.quadrant == "threat"
    owner.post(_url("card_delete", initiative.pk, card.pk))
    assert not SwotCard.objects.filter(pk=card.pk).exists()


def test_merge_asks_first(client_for: ClientFor, initiative: Initiative, dirk: Person) -> None:
    a = services.add_card(initiative, SwotCard.Quadrant.THREAT, "Queues", "", author=dirk)
    b = services.add_card(initiative, SwotCard.Quadrant.THREAT, "Busy tills", "", author=dirk)
    client = client_for(dirk)
    confirm = client.get(_url("card_merge", initiative.pk, a.pk), {"target": b.pk})
    assert (
        confirm.status_code == 200
        and "Merge “Queues” into “Busy tills”?" in confirm.content.decode()
    )
    assert SwotCard.objects.count() == 2
    client.post(_url("card_merge", initiative.pk, a.pk), {"target": b.pk})
    assert list(SwotCard.objects.values_list("text", flat=True)) == ["Busy tills"]


def test_pros_and_cons_page(
    client_for: ClientFor, initiative: Initiative, cas: Person, mira: Person
) -> None:
    client = client_for(cas)
    client.post(
        _url("pros_cons", initiative.pk), {"side": "pro", "text": "Happier customers", "weight": 3}
    )
    client.post(
        _url("pros_cons", initiative.pk), {"side": "con", "text": "Training time", "weight": 2}
    )
    response = client.post(
        _url("pros_cons", initiative.pk), {"side": "con", "text": "x", "weight": 7}
    )
    assert response.status_code == 400
    page = client.get(_url("pros_cons", initiative.pk)).content.decode()
    assert "Pros weigh 3, cons weigh 2." in page
    row = ProCon.objects.get(text="Training time")
    assert client_for(mira).post(_url("procon_delete", initiative.pk, row.pk)).status_code == 403


def test_brief_shows_the_story_in_the_readers_language(
    client_for: ClientFor, initiative: Initiative, dirk: Person, mira: Person
) -> None:
    client = client_for(dirk)
    response = client.post(_url("story_edit", initiative.pk), {})
    assert response.status_code == 400
    client.post(
        _url("story_edit", initiative.pk),
        {
            "why_en": "Customers wait too long",
            "why_fr": "Les clients attendent",
            "for_whom_en": "Cashiers",
        },
    )
    page = client.get(_url("brief", initiative.pk)).content.decode()
    assert "Customers wait too long" in page
    assert "initiatives.css" in page
    client.cookies["leerpad_language"] = "fr"
    page = (
        client_for(mira)
        .get(_url("brief", initiative.pk), HTTP_ACCEPT_LANGUAGE="fr")
        .content.decode()
    )
    assert "Les clients attendent" in page
    assert "Cashiers" in page  # no French text: English shown


def test_workspace_tile(client_for: ClientFor, initiative: Initiative, greet: Person) -> None:
    Initiative.objects.create(title="Safety week", owner=greet, status=Initiative.Status.RUNNING)
    services.save_stakeholder(
        Stakeholder(initiative=initiative, name="Works council", influence=4, interest=4)
    )
    page = client_for(greet).get(reverse("workspace")).content.decode()
    assert "1 running initiative" in page
    assert "1 stakeholder still to consult" in page
    assert reverse("initiatives:plans", args=[timezone.localdate().year]) in page


def test_a_card_of_another_initiative_is_not_found(
    client_for: ClientFor, initiative: Initiative, dirk: Person
) -> None:
    """A card id from another board answers 404 on every card address (not a server error)."""
    other = Initiative.objects.create(title="Safety week", owner=dirk)
    card = services.add_card(other, SwotCard.Quadrant.THREAT, "Wet floors", "", author=dirk)
    client = client_for(dirk)
    assert client.post(_url("card_vote", initiative.pk, card.pk)).status_code == 404
    assert client.get(_url("card_edit", initiative.pk, card.pk)).status_code == 404
    assert client.get(_url("card_delete", initiative.pk, card.pk)).status_code == 404
    assert (
        client.post(_url("card_move", initiative.pk, card.pk), {"quadrant": "strength"}).status_code
        == 404
    )
    assert not card.votes.exists()
    card.refresh_from_db()
    assert card.quadrant == "threat"
