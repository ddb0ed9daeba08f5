"""The content question on a small catalogue, with exact numbers and the k rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from leerpad.accounts.models import Location, Person
from leerpad.analytics import sync
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.content import ContentReport, content_report
from leerpad.analytics.tests.conftest import COMPLETED, at, did
from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Package, Status
from leerpad.catalog.tracking import LAUNCHED, LIKED, REGISTERED, VIEWED, activity_id

pytestmark = pytest.mark.django_db

MARCH = Scope(start=at("2025-03-01", 0), end=at("2025-04-01", 0))
PACKAGE_IRI = "https://tool.example/courses/lifting"


def make_item(title: str, kind: str = Kind.ARTICLE, **fields: Any) -> ContentItem:
    item = ContentItem.objects.create(kind=kind, language="nl", **fields)
    ItemTranslation.objects.create(item=item, language="nl", title=title)
    return item


@pytest.fixture
def shop(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Gent has 4 people, Brugge 2.

    - "Kassa" (article): used by all 4 of Gent and 1 of Brugge (5), one of them twice.
    - "Tillen" (package): launched by 4 of Gent, one finished it, reported by the package
      on its own activity id; that person counts once.
    - "Oud beleid" (document, last changed over two years ago): used by 2.
    - "Sessie" (session, past its review date): viewed by 2 of Gent and 1 of Brugge,
      nobody attended.
    - "Nieuw" (published) and "Archief" (archived): not used in March.
    """
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent_place = Location.objects.create(name="Gent")
    brugge_place = Location.objects.create(name="Brugge")
    gent = [make_person(f"G{i}", location=gent_place) for i in range(4)]
    brugge = [make_person(f"B{i}", location=brugge_place) for i in range(2)]
    now = timezone.now()
    published = {"status": Status.PUBLISHED}
    kassa = make_item("Kassa", **published)
    ItemTranslation.objects.create(item=kassa, language="en", title="Till")
    tillen = make_item("Tillen", Kind.PACKAGE, **published)
    Package.objects.create(
        item=tillen, standard="cmi5", folder="x", launch_path="index.html", activity_id=PACKAGE_IRI
    )
    old = make_item(
        "Oud beleid", Kind.DOCUMENT, updated_at=now - dt.timedelta(days=800), **published
    )
    session = make_item(
        "Sessie", Kind.SESSION, review_date=timezone.localdate() - dt.timedelta(days=1), **published
    )
    new = make_item("Nieuw", **published)
    make_item("Archief", status=Status.ARCHIVED)
    for person in [*gent, brugge[0]]:
        did(person, at("2025-03-03"), VIEWED, activity_id(kassa))
    did(gent[0], at("2025-03-04"), LIKED, activity_id(kassa))
    did(brugge[1], at("2025-02-20"), VIEWED, activity_id(kassa))  # February: outside
    for person in gent:
        did(person, at("2025-03-05"), LAUNCHED, activity_id(tillen))
    did(gent[0], at("2025-03-06"), COMPLETED, PACKAGE_IRI, result={"completion": True})
    for person in brugge:
        did(person, at("2025-03-07"), VIEWED, activity_id(old))
    for person in [gent[0], gent[1], brugge[0]]:
        did(person, at("2025-03-08"), VIEWED, activity_id(session))
        did(person, at("2025-03-08", 11), REGISTERED, activity_id(session))
    did(gent[2], at("2025-03-09"), VIEWED, "https://leerpad.example/quizzes/q1")  # not an item
    sync.sync()
    return {
        "kassa": kassa,
        "tillen": tillen,
        "old": old,
        "session": session,
        "new": new,
        "gent": gent_place,
    }


def _ranking(figures: list[Any]) -> list[tuple[str, int | None, bool]]:
    return [(f.title, f.people, f.fewer_than_k) for f in figures]


def report(scope: Scope = MARCH) -> ContentReport:
    with translation.override("nl"):
        return content_report(scope)


def test_most_used_counts_distinct_people_and_leaves_small_numbers_out(
    shop: dict[str, Any],
) -> None:
    assert _ranking(report().most_used) == [
        ("Kassa", 5, False),
        ("Tillen", 4, False),  # launched on the page and completed on its own id: once
        ("Sessie", 3, False),
    ]


def test_least_used_starts_with_unused_published_items(shop: dict[str, Any]) -> None:
    result = report()

    assert _ranking(result.least_used) == [
        ("Nieuw", 0, False),  # from the catalogue: no events at all
        ("Oud beleid", None, True),  # 2 people: "fewer than k", no number
        ("Sessie", 3, False),
        ("Tillen", 4, False),
        ("Kassa", 5, False),
    ]
    assert [f.title for f in result.unused] == ["Nieuw"]  # not the archived item


def test_started_not_finished_only_where_finishing_is_recorded(shop: dict[str, Any]) -> None:
    rows = [(r.item.title, r.item.people, r.finished, r.percent) for r in report().unfinished]

    # The article and the document record no finishing; the session and the package do.
    assert rows == [("Sessie", 3, 0, 0.0), ("Tillen", 4, 1, 25.0)]


def test_stale_items_still_in_use(shop: dict[str, Any]) -> None:
    stale = [(s.item.title, s.old, s.overdue, s.item.people) for s in report().stale]

    assert stale == [("Oud beleid", True, False, None), ("Sessie", False, True, 3)]


def test_titles_follow_the_viewers_language(shop: dict[str, Any]) -> None:
    with translation.override("en"):
        english = content_report(MARCH)

    assert english.most_used[0].title == "Till"
    assert english.most_used[0].url == shop["kassa"].get_absolute_url()


def test_a_filter_withholds_numbers_that_differ_from_the_wider_view_by_under_k(
    shop: dict[str, Any],
) -> None:
    gent = Scope(start=MARCH.start, end=MARCH.end, location_id=shop["gent"].pk)

    result = report(gent)

    # Kassa: 4 in Gent against 5 everywhere, a difference of one person: withheld.
    assert _ranking(result.most_used) == [("Tillen", 4, False)]
    assert result.withheld == 1
    # Sessie: 2 in Gent: fewer than k; Oud beleid: nobody in Gent used it.
    assert ("Sessie", None, True) in _ranking(result.least_used)
    assert [f.title for f in result.unused] == ["Nieuw", "Oud beleid"]


def test_a_larger_k_hides_more(shop: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 5

    result = report()

    assert _ranking(result.most_used) == [("Kassa", 5, False)]
    assert result.unfinished == []  # no item has 5 starters


def test_an_empty_store(db: None, settings: Any) -> None:
    make_item("Nieuw", status=Status.PUBLISHED)

    result = report()

    assert result.most_used == [] and result.unfinished == [] and result.stale == []
    assert [f.title for f in result.least_used] == ["Nieuw"]
