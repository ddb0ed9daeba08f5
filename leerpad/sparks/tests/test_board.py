"""The team's triage board, a spark's page (comments, links), and who may see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from leerpad.accounts.models import Location, Person
from leerpad.campaigns.models import Notification
from leerpad.sparks import queries, services
from leerpad.sparks.models import Comment, Spark, Status
from leerpad.sparks.tests import world

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
BOARD = "/workspace/sparks/board/"


@pytest.fixture
def antwerpen(db: None) -> Location:
    return Location.objects.create(name="Antwerpen")


def _spark(sender: Person | None, text: str = "idee", kind: str = "idea", **fields: Any) -> Spark:
    return Spark.objects.create(kind=kind, text=text, sender=sender, **fields)


def test_board_is_for_the_workspace(client: Client, lena: Person, dirk: Person) -> None:
    assert client.get(BOARD).status_code == 302
    client.force_login(lena)
    assert client.get(BOARD).status_code == 403
    client.force_login(dirk)
    assert client.get(BOARD).status_code == 200


def test_board_columns_with_counts_and_sender(
    client_for: ClientFor, lena: Person, gent: Location, mira: Person
) -> None:
    _spark(lena, "Klanten vragen naar bio", location=gent)
    _spark(lena, "Tweede", status=Status.BOTH)
    columns = {c.status: c for c in queries.board()}
    assert [c.status for c in queries.board()] == list(Status.values)
    assert columns["new"].count == 1 and columns["both"].count == 1
    assert columns["learning"].count == 0
    html = client_for(mira).get(BOARD).content.decode()
    assert "Klanten vragen naar bio" in html
    assert "Lena Test" in html and "Gent" in html


def test_board_filters_by_location_and_kind(
    gent: Location, antwerpen: Location, lena: Person, client_for: ClientFor, dirk: Person
) -> None:
    _spark(lena, "in gent", location=gent)
    _spark(lena, "in antwerpen", location=antwerpen)
    _spark(lena, "vraag in gent", location=gent, kind="question")
    new = {c.status: c for c in queries.board(location=gent.pk)}["new"]
    assert {s.text for s in new.cards} == {"in gent", "vraag in gent"}
    new = {c.status: c for c in queries.board(location=gent.pk, kind="question")}["new"]
    assert [s.text for s in new.cards] == ["vraag in gent"]
    html = client_for(dirk).get(BOARD, {"location": antwerpen.pk}).content.decode()
    assert "in antwerpen" in html and "in gent" not in html


def test_full_column_shows_more_link_and_pages(
    lena: Person, client_for: ClientFor, dirk: Person
) -> None:
    for n in range(queries.BOARD_COLUMN_SIZE + 3):
        _spark(lena, f"idee {n}")
    new = {c.status: c for c in queries.board()}["new"]
    assert (new.count, len(new.cards), new.more) == (23, 20, 3)
    client = client_for(dirk)
    assert "and 3 more" in client.get(BOARD).content.decode()
    page = client.get(BOARD, {"column": "new"})
    assert page.context["page"].paginator.count == 23


def test_move_with_a_button(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    spark = _spark(lena)
    client = client_for(dirk)
    response = client.post(reverse("sparks:move", args=[spark.pk]), {"status": "marketing"})
    assert response.status_code == 302
    spark.refresh_from_db()
    assert spark.status == Status.MARKETING and spark.moved_at is not None


def test_move_with_htmx_returns_the_board(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = _spark(lena, "voor de board")
    response = client_for(dirk).post(
        reverse("sparks:move", args=[spark.pk]),
        {"status": "learning"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html
    assert Spark.objects.get().status == Status.LEARNING


def test_move_to_an_unknown_column_changes_nothing(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = _spark(lena)
    client_for(dirk).post(reverse("sparks:move", args=[spark.pk]), {"status": "bin"})
    assert Spark.objects.get().status == Status.NEW


def test_move_is_for_the_workspace(client_for: ClientFor, lena: Person) -> None:
    spark = _spark(lena)
    response = client_for(lena).post(reverse("sparks:move", args=[spark.pk]), {"status": "both"})
    assert response.status_code == 403


def test_spark_page_comments_are_internal(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = _spark(lena)
    client = client_for(dirk)
    url = reverse("sparks:comment", args=[spark.pk])
    assert client.post(url, {"text": "   "}).status_code == 400
    assert "Write a comment first." in client.post(url, {"text": ""}).content.decode()
    client.post(url, {"text": "Goed voor de nieuwsbrief"})
    assert Comment.objects.get().author == dirk
    assert "Goed voor de nieuwsbrief" in client.get(spark.get_absolute_url()).content.decode()
    client.force_login(lena)
    assert client.get(spark.get_absolute_url()).status_code == 403
    assert "Goed voor de nieuwsbrief" not in client.get(reverse("sparks:mine")).content.decode()


def test_linking_an_item_marks_used_and_notifies_the_sender_in_their_language(
    client_for: ClientFor, lena: Person, mira: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The .po files come later: record which language was active for each text instead.
    monkeypatch.setattr(services, "gettext", lambda text: f"[{translation.get_language()}]{text}")
    lena.language = "fr"
    lena.save()
    spark = _spark(lena)
    made = world.item("Zaden ruilen")
    response = client_for(mira).post(reverse("sparks:link", args=[spark.pk]), {"item": made.pk})
    assert response.status_code == 302
    spark.refresh_from_db()
    assert (spark.catalog_item, spark.status) == (made, Status.USED)
    assert spark.used_at is not None
    note = Notification.objects.get(person=lena)
    assert "FR Zaden ruilen" in note.body  # the item's title in her language
    assert note.title == "[fr]Your spark started something"
    assert note.body.startswith("[fr]") and note.link_text.startswith("[fr]")
    assert note.link == reverse("sparks:mine")


def test_linking_a_campaign_and_the_sender_sees_it(
    client: Client, lena: Person, mira: Person
) -> None:
    spark = _spark(lena)
    made = world.campaign("Lentecampagne")
    client.force_login(mira)
    client.post(reverse("sparks:link", args=[spark.pk]), {"campaign": made.pk})
    assert Spark.objects.get().campaign == made
    assert Notification.objects.filter(person=lena).count() == 1
    client.force_login(lena)
    html = client.get(reverse("sparks:mine")).content.decode()
    assert "Lentecampagne" in html
    assert "You are credited" in html


def test_linking_the_same_item_again_does_not_notify_again(lena: Person) -> None:
    spark = _spark(lena)
    made = world.item()
    services.link_spark(spark, item=made)
    services.link_spark(spark, item=made)
    assert Notification.objects.filter(person=lena).count() == 1


def test_link_needs_something_that_exists(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = _spark(lena)
    client = client_for(dirk)
    url = reverse("sparks:link", args=[spark.pk])
    assert "Pick a catalogue item, a campaign or both." in client.post(url, {}).content.decode()
    response = client.post(url, {"item": 99999})
    assert response.status_code == 400
    assert "does not exist" in response.content.decode()
    assert Spark.objects.get().status == Status.NEW
    assert not Notification.objects.exists()


def test_pick_searches_items_by_title_in_any_language(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = _spark(lena)
    world.item("Tuinslang kiezen")
    world.item("Kassa openen")
    html = (
        client_for(dirk)
        .get(reverse("sparks:pick", args=[spark.pk, "item"]), {"item_q": "slang"})
        .content.decode()
    )
    assert "Tuinslang kiezen" in html and "Kassa openen" not in html
    assert [i.title("nl") for i in queries.pick_items("FR Kassa")] == ["Kassa openen"]


def test_pick_searches_campaigns(lena: Person) -> None:
    world.campaign("Lentecampagne")
    assert [c.name for c in queries.pick_campaigns("lente")] == ["Lentecampagne"]
    assert queries.pick_campaigns("herfst") == []


def test_board_queries_do_not_grow_with_cards(
    client_for: ClientFor,
    lena: Person,
    gent: Location,
    dirk: Person,
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = world.item()
    client = client_for(dirk)

    def add(n: int) -> None:
        for i in range(n):
            status = list(Status)[i % len(Status)]
            _spark(lena, f"s{i}", location=gent, status=status, catalog_item=made)

    add(6)
    client.get(BOARD)
    with CaptureQueriesContext(connection) as few:
        client.get(BOARD)
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BOARD)


def test_unlink_a_mistake(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    spark = _spark(lena)
    services.link_spark(spark, item=world.item(), campaign=world.campaign())
    client = client_for(dirk)
    url = reverse("sparks:unlink", args=[spark.pk])
    client.post(url, {"what": "item"})
    spark.refresh_from_db()
    assert spark.catalog_item is None and spark.campaign is not None
    assert spark.used_at is not None
    client.post(url, {"what": "campaign"})
    spark.refresh_from_db()
    assert not spark.is_linked and spark.used_at is None
    assert Notification.objects.filter(person=lena).count() == 1
    client.force_login(lena)
    assert client.post(url, {"what": "item"}).status_code == 403
