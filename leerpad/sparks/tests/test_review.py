"""Fixes from the review of issue 8: a visit still ahead cannot be logged (it would count as
the location's last visit before it happened), and linking says the sender was told only
when they were."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.campaigns.models import Notification
from leerpad.sparks import queries, services
from leerpad.sparks.models import Spark
from leerpad.sparks.tests import world

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def test_a_visit_still_ahead_cannot_be_logged(gent: Location, dirk: Person) -> None:
    today = timezone.localdate()
    visit = services.plan_visit(gent, today + dt.timedelta(days=3), [dirk], "", by=dirk)
    with pytest.raises(ValueError, match="still ahead"):
        services.log_visit(visit, what_we_did="x", what_we_learned="y", sparks=[])
    visit.refresh_from_db()
    assert not visit.is_logged
    row = next(r for r in queries.locations_overview(today) if r.location == gent)
    assert row.last_visit is None and row.next_visit == visit.date


def test_the_visit_page_does_not_log_a_day_ahead(
    client_for: ClientFor, gent: Location, dirk: Person
) -> None:
    visit = services.plan_visit(
        gent, timezone.localdate() + dt.timedelta(days=3), [dirk], "", by=dirk
    )
    client = client_for(dirk)
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "The day is still ahead: log it afterwards." in page
    assert 'name="what_we_learned"' not in page
    response = client.post(
        visit.get_absolute_url(), {"what_we_did": "x", "what_we_learned": "Rijen aan de kassa"}
    )
    assert response.status_code == 200
    assert "The day is still ahead: log it afterwards." in response.content.decode()
    visit.refresh_from_db()
    assert not visit.is_logged


def test_linking_again_does_not_claim_the_sender_was_told(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = Spark.objects.create(kind="idea", text="idee", sender=lena)
    item = world.item()
    client = client_for(dirk)
    url = reverse("sparks:link", args=[spark.pk])
    first = client.post(url, {"item": item.pk}, follow=True).content.decode()
    assert "The sender was told what their spark became." in first
    again = client.post(url, {"item": item.pk}, follow=True).content.decode()
    assert "The sender was told" not in again and "Linked." in again
    assert Notification.objects.filter(person=lena).count() == 1


def test_linking_a_spark_of_a_deactivated_sender_does_not_claim_they_were_told(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    spark = Spark.objects.create(kind="idea", text="idee", sender=lena)
    Person.objects.filter(pk=lena.pk).update(is_active=False)
    response = client_for(dirk).post(
        reverse("sparks:link", args=[spark.pk]), {"item": world.item().pk}, follow=True
    )
    assert "The sender was told" not in response.content.decode()
    assert not Notification.objects.filter(person=lena).exists()
