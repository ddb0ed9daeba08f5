"""Credit: "Thanks to <first name> (<location>) whose spark started this" on what a spark
became, only for senders who agreed to be named."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.template import Context, Template
from django.test import Client

from leerpad.accounts.models import Location, Person
from leerpad.sparks.models import Spark
from leerpad.sparks.tests import world

pytestmark = pytest.mark.django_db


def _render(obj: object) -> str:
    return Template("{% load sparks %}{% spark_credits obj %}").render(Context({"obj": obj}))


def test_tag_credits_senders_who_agreed(
    lena: Person, make_person: Callable[..., Person], gent: Location
) -> None:
    made = world.item()
    shy = make_person("Shy")
    Spark.objects.create(kind="idea", text="a", sender=lena, location=gent, catalog_item=made)
    Spark.objects.create(kind="idea", text="b", sender=shy, credit_consent=False, catalog_item=made)
    html = _render(made)
    assert "Thanks to Lena (Gent) whose spark started this." in html
    assert "Shy" not in html
    assert "Test" not in html  # first name only


def test_tag_for_a_campaign_and_without_location(lena: Person) -> None:
    made = world.campaign()
    Spark.objects.create(kind="story", text="a", sender=lena, campaign=made)
    assert "Thanks to Lena whose spark started this." in _render(made)


def test_tag_shows_nothing_without_credits(lena: Person) -> None:
    made = world.item()
    other = world.item("Ander")
    Spark.objects.create(kind="idea", text="a", sender=lena, catalog_item=other)
    assert "Thanks" not in _render(made)
    assert _render(None).strip() == ""


def test_erased_or_inactive_senders_are_not_credited(lena: Person) -> None:
    made = world.item()
    Spark.objects.create(kind="idea", text="a", sender=lena, catalog_item=made)
    lena.is_active = False
    lena.save()
    assert "Thanks" not in _render(made)


def test_catalogue_item_page_shows_the_credit(
    client_for: Callable[[Person], Client], lena: Person, gent: Location
) -> None:
    made = world.item()
    Spark.objects.create(kind="idea", text="a", sender=lena, location=gent, catalog_item=made)
    html = client_for(lena).get(made.get_absolute_url()).content.decode()
    assert "Thanks to Lena (Gent) whose spark started this." in html
