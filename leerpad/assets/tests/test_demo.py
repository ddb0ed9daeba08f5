"""The demo library loads on a small organisation: the role-play video's consent ends in
10 days and an item and a campaign use it, the close-up's consent is withdrawn; loading
twice adds nothing."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from leerpad.accounts.models import Location, Person
from leerpad.assets import demo, expiry, queries
from leerpad.assets.models import Asset, AssetUse
from leerpad.assets.rules import Reason, State
from leerpad.campaigns.models import Notification
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext

from .helpers import campaign, item, today

pytestmark = pytest.mark.django_db


def test_demo_library(make_person: Callable[..., Person]) -> None:
    vince = make_person("Vince", Role.MARKETER, Role.LD_SPECIALIST, language="nl")
    Person.objects.filter(pk=vince.pk).update(last_name="Claes")
    owner = make_person("Dirk", Role.LD_SPECIALIST, language="nl")
    for store in ("Delta Gent", "Delta Antwerpen", "Delta Liège"):
        location = Location.objects.create(name=store, city=store.split()[1])
        make_person(f"Staff{location.pk}", location=location)
    course = item("Klachten behandelen aan de kassa", owner=owner)
    launch = campaign("Complaint handling launch", created_by=owner)

    demo.load(DemoContext(rng=random.Random(1), password="x"))
    assert Asset.objects.count() == 8
    roleplay = Asset.objects.get(title__startswith="Rollenspel")
    state = queries.usability_of(roleplay)
    assert (state.state, state.days_left) == (State.ENDING, 10)
    places = set(AssetUse.objects.filter(asset=roleplay).values_list("item_id", "campaign_id"))
    assert places == {(course.pk, None), (None, launch.pk)}
    close_up = Asset.objects.get(title__startswith="Kassa close-up")
    assert queries.usability_of(close_up).reason == Reason.WITHDRAWN
    assert Asset.objects.get(title__startswith="Affiche").versions.count() == 2
    # The daily check warns the video's owner and the owner of both places (the same person).
    assert expiry.send_warnings(today()) >= 2
    assert Notification.objects.filter(person=owner).exists()

    demo.load(DemoContext(rng=random.Random(1), password="x"))
    assert Asset.objects.count() == 8
