"""Expiring consent warns every place: the template tag on an item's or campaign's page,
the daily check's notifications (once, in each person's language), the workspace tile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from leerpad.accounts.models import Person
from leerpad.assets import expiry, services
from leerpad.assets.models import Asset, WarningSent
from leerpad.assets.tasks import check_assets
from leerpad.campaigns.models import Campaign, Notification
from leerpad.catalog.models import ContentItem
from leerpad.core.signals import periodic

from .helpers import campaign, consent, days, item, make_asset, today

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def render_warnings(place: object, user: Person) -> str:
    return Template("{% load assets %}{% asset_warnings place %}").render(
        Context({"place": place, "user": user})
    )


def used_asset(
    owner: Person, until: dt.date, *, title: str = "Store tour"
) -> tuple[Asset, ContentItem, Campaign]:
    asset = make_asset(owner, title=title)
    consent(asset, until=until)
    course = item(owner=owner)
    spring = campaign(created_by=owner)
    services.add_use(asset, item_id=course.pk, by=owner)
    services.add_use(asset, campaign_id=spring.pk, by=owner)
    return asset, course, spring


def test_tag_warns_item_and_campaign_when_consent_ends_soon(dirk: Person) -> None:
    asset, course, spring = used_asset(dirk, days(10))
    for place in (course, spring):
        html = render_warnings(place, dirk)
        assert "Store tour" in html
        assert "(in 10 days)" in html
        assert reverse("assets:asset", args=[asset.pk]) in html


def test_tag_is_silent_when_far_away_and_for_learners(dirk: Person, lena: Person) -> None:
    _, course, _ = used_asset(dirk, days(60))
    assert "Store tour" not in render_warnings(course, dirk)
    _, soon, _ = used_asset(dirk, days(5), title="Cash desk")
    assert "Cash desk" in render_warnings(soon, dirk)
    assert "Cash desk" not in render_warnings(soon, lena)


def test_tag_says_when_consent_was_withdrawn(dirk: Person) -> None:
    asset, course, _ = used_asset(dirk, days(300))
    services.withdraw_consent(asset.consents.get(), on=today())
    html = render_warnings(course, dirk)
    assert "was withdrawn" in html


def test_daily_check_notifies_owners_once_in_their_language(
    dirk: Person, mira: Person, greet: Person
) -> None:
    asset = make_asset(greet, title="Store tour")
    consent(asset, until=days(10))
    course = item("Safety at work", owner=dirk)
    spring = campaign("Spring garden", created_by=mira)
    services.add_use(asset, item_id=course.pk, by=greet)
    services.add_use(asset, campaign_id=spring.pk, by=greet)

    assert expiry.send_warnings(today()) == 3
    by_person = {n.person_id: n for n in Notification.objects.all()}
    assert set(by_person) == {greet.pk, dirk.pk, mira.pk}
    assert "Safety at work (nl)" in by_person[dirk.pk].body  # Dirk reads Dutch
    assert "Spring garden" in by_person[greet.pk].body and "(nl)" in by_person[greet.pk].body
    # Dates come in each person's language: Mira reads French, Dirk Dutch.
    for person in (mira, dirk):
        with translation.override(person.language):
            expected = date_format(days(10), "SHORT_DATE_FORMAT")
        assert expected in by_person[person.pk].title
    assert by_person[mira.pk].title != by_person[dirk.pk].title
    # Again the same day, or the next: nothing new.
    assert expiry.send_warnings(today()) == 0
    assert expiry.send_warnings(today() + dt.timedelta(days=1)) == 0
    # When it has ended: one more round.
    assert expiry.send_warnings(days(11)) == 3
    assert Notification.objects.count() == 6
    assert set(WarningSent.objects.values_list("kind", flat=True)) == {"ending", "ended"}


def test_renewal_moves_the_date_and_quiets_the_warning(greet: Person) -> None:
    asset = make_asset(greet)
    consent(asset, name="Anna", until=days(10), given=days(-100))
    assert expiry.send_warnings(today()) == 1  # the owner; no places yet
    consent(asset, name="Anna", until=days(400), given=today())
    assert expiry.send_warnings(today()) == 0
    assert expiry.send_warnings(days(11)) == 0


def test_scheduler_tick_runs_the_check_once_a_day(greet: Person) -> None:
    asset = make_asset(greet)
    consent(asset, until=days(3))
    periodic.send(sender=None, now=None)
    assert Notification.objects.filter(person=greet).count() == 1
    WarningSent.objects.all().delete()
    assert check_assets.call() == 0  # the day's check already ran


def test_workspace_tile(client_for: ClientFor, dirk: Person, lena: Person) -> None:
    used_asset(dirk, days(10))
    make_asset(dirk, title="Calm")
    page = client_for(dirk).get(reverse("workspace")).content.decode()
    assert "Asset library" in page
    from leerpad.assets.receivers import tile

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert tile(None, request=request) == []
    request.user = dirk
    (panel,) = tile(None, request=request)
    counts = panel.context["counts"]
    assert (counts.assets, counts.ending, counts.ended, counts.places) == (2, 1, 0, 2)
    request.user = lena
    assert tile(None, request=request) == []


def test_tag_renders_nothing_without_a_place(dirk: Person) -> None:
    # The catalogue's "new item" page has no item yet.
    assert render_warnings(None, dirk).strip() == ""


def test_library_queries_do_not_grow_with_assets(
    client_for: ClientFor, greet: Person, django_assert_max_num_queries: Any
) -> None:
    client = client_for(greet)
    for n in range(2):
        consent(make_asset(greet, title=f"Asset {n}", tags=("a", "b")))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("assets:library"))
    for n in range(2, 8):
        consent(make_asset(greet, title=f"Asset {n}", tags=("a", "b")))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("assets:library"))
