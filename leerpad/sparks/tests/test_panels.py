"""The Learn home panel and the workspace tile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.sparks import queries, services
from leerpad.sparks.models import Spark, Status

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def test_home_panel_invites_and_shows_the_latest_status(
    client_for: ClientFor, lena: Person
) -> None:
    client = client_for(lena)
    html = client.get("/").content.decode()
    assert "Saw something worth sharing?" in html
    assert "/workspace/sparks/send/" in html
    assert "Your latest spark" not in html
    Spark.objects.create(kind="idea", text="x", sender=lena, status=Status.MARKETING)
    html = client.get("/").content.decode()
    assert "Your latest spark" in html and "Marketing story" in html


def test_workspace_tile_counts(client_for: ClientFor, dirk: Person, gent: Location) -> None:
    visited = Location.objects.create(name="Brussel")
    visit = services.plan_visit(
        visited, timezone.localdate() - dt.timedelta(days=3), [], "", by=None
    )
    services.log_visit(visit, what_we_did="x", what_we_learned="y", sparks=[])
    Spark.objects.create(kind="idea", text="a")
    Spark.objects.create(kind="idea", text="b")
    Spark.objects.create(kind="idea", text="c", status=Status.BOTH)
    counts = queries.workspace_counts()
    assert counts["new"] == 2
    assert counts["overdue_locations"] == 1  # Gent, never visited
    html = client_for(dirk).get("/workspace/").content.decode()
    assert "2 new sparks to triage" in html
    assert "1 location not visited in 90 days" in html


def test_tile_is_not_offered_outside_the_workspace(client_for: ClientFor, lena: Person) -> None:
    from django.test import RequestFactory

    from leerpad.sparks.receivers import tile

    request = RequestFactory().get("/workspace/")
    request.user = lena
    assert tile(sender=None, request=request) == []
    assert client_for(lena).get("/workspace/").status_code == 403
