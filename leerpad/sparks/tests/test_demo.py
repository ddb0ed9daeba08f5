"""The demo's sparks and visits on a small organisation; loading twice adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from leerpad.accounts.models import Location, Person
from leerpad.campaigns.models import Notification
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext
from leerpad.sparks import demo, queries
from leerpad.sparks.models import FieldVisit, Spark, Status
from leerpad.sparks.tests import world

pytestmark = pytest.mark.django_db


def test_demo_sparks_and_visits(make_person: Callable[..., Person]) -> None:
    names = ["Delta Gent", "Delta Antwerpen", "Delta Brussel", "Delta Liège", "Delta Namur"]
    for n, name in enumerate(names):
        location = Location.objects.create(name=name)
        language = "fr" if name in ("Delta Brussel", "Delta Liège", "Delta Namur") else "nl"
        make_person(f"Coach{n}", Role.COACH, location=location, language=language)
        make_person(f"Staff{n}", location=location, language=language)
    make_person("Dirk", Role.LD_SPECIALIST)
    make_person("Mira", Role.MARKETER, language="fr")
    world.item()
    world.campaign("Complaint handling launch")
    ctx = DemoContext(rng=random.Random(1), password="x")
    demo.load(ctx)
    sparks = list(Spark.objects.select_related("sender", "location"))
    assert len(sparks) == 6  # the specs whose store exists here
    assert {s.status for s in sparks} >= {Status.NEW, Status.USED, Status.BOTH}
    assert Spark.objects.filter(catalog_item__isnull=False).count() == 1
    assert Spark.objects.filter(campaign__isnull=False).count() == 1
    assert Notification.objects.count() == 2
    assert any(s.thumbnail for s in sparks)
    brussel = next(s for s in sparks if s.location and s.location.name == "Delta Brussel")
    assert brussel.text.startswith("Comment expliquer")  # in the sender's language
    rows = {r.location.name: r for r in queries.locations_overview()}
    assert rows["Delta Liège"].last_visit is None
    assert rows["Delta Antwerpen"].overdue and not rows["Delta Gent"].overdue
    assert rows["Delta Brussel"].next_visit is not None
    demo.load(ctx)
    assert Spark.objects.count() == 6
    assert FieldVisit.objects.count() == 5
