"""Field visits: planning, logging with sparks, and the locations view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.sparks import queries, services
from leerpad.sparks.models import FieldVisit, Spark

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
TODAY = dt.date(2026, 11, 27)


def _logged(location: Location, date: dt.date, learned: str = "") -> FieldVisit:
    visit = services.plan_visit(location, date, [], "", by=None)
    return services.log_visit(visit, what_we_did="meegewerkt", what_we_learned=learned, sparks=[])


def test_visits_are_for_the_workspace(client: Client, lena: Person, greet: Person) -> None:
    url = reverse("sparks:locations")
    assert client.get(url).status_code == 302
    client.force_login(lena)
    assert client.get(url).status_code == 403
    assert client.get(reverse("sparks:visit_new")).status_code == 403
    client.force_login(greet)
    assert client.get(url).status_code == 200


def test_plan_a_visit(client_for: ClientFor, dirk: Person, mira: Person, gent: Location) -> None:
    date = timezone.localdate() + dt.timedelta(days=7)
    response = client_for(dirk).post(
        reverse("sparks:visit_new"),
        {
            "location": gent.pk,
            "date": date.isoformat(),
            "team": [dirk.pk, mira.pk],
            "purpose": "Kassa",
        },
    )
    visit = FieldVisit.objects.get()
    assert response.status_code == 302
    assert (visit.location, visit.date, visit.created_by) == (gent, date, dirk)
    assert set(visit.team.all()) == {dirk, mira}
    assert not visit.is_logged


def test_plan_needs_someone_and_a_location(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).post(reverse("sparks:visit_new"), {"date": "2026-12-01"})
    html = response.content.decode()
    assert "Pick at least one person who goes." in html
    assert "This field is required." in html
    assert not FieldVisit.objects.exists()


def test_learners_cannot_be_put_on_a_visit(
    client_for: ClientFor, dirk: Person, lena: Person, gent: Location
) -> None:
    response = client_for(dirk).post(
        reverse("sparks:visit_new"),
        {"location": gent.pk, "date": "2026-12-01", "team": [lena.pk]},
    )
    assert response.status_code == 200
    assert not FieldVisit.objects.exists()


def test_log_a_visit_with_sparks_from_that_location(
    client_for: ClientFor, dirk: Person, lena: Person, gent: Location
) -> None:
    today = timezone.localdate()
    visit = services.plan_visit(gent, today, [dirk], "", by=dirk)
    near = Spark.objects.create(kind="idea", text="bij het bezoek", sender=lena, location=gent)
    elsewhere = Location.objects.create(name="Brugge")
    far = Spark.objects.create(kind="idea", text="elders", sender=lena, location=elsewhere)
    client = client_for(dirk)
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "bij het bezoek" in page and "elders" not in page
    response = client.post(
        visit.get_absolute_url(),
        {
            "what_we_did": "Een dag aan de kassa",
            "what_we_learned": "Wachtrijen om 17u",
            "sparks": [near.pk],
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.is_logged
    assert list(visit.sparks.all()) == [near]
    # A spark from another location cannot be slipped in.
    client.post(
        visit.get_absolute_url(),
        {"what_we_did": "x", "what_we_learned": "y", "sparks": [far.pk]},
    )
    assert list(visit.sparks.all()) == [near]


def test_log_needs_what_we_learned(client_for: ClientFor, dirk: Person, gent: Location) -> None:
    visit = services.plan_visit(gent, timezone.localdate(), [dirk], "", by=dirk)
    response = client_for(dirk).post(visit.get_absolute_url(), {"what_we_did": "x"})
    assert "Write what you learned" in response.content.decode()
    visit.refresh_from_db()
    assert not visit.is_logged


def test_locations_overview_sorts_longest_unvisited_first(db: None) -> None:
    never = Location.objects.create(name="Liège")
    long_ago = Location.objects.create(name="Antwerpen")
    recent = Location.objects.create(name="Brussel")
    planned_only = Location.objects.create(name="Namur")
    _logged(long_ago, TODAY - dt.timedelta(days=120), "Klanten willen advies")
    _logged(long_ago, TODAY - dt.timedelta(days=200), "Oud")
    _logged(recent, TODAY - dt.timedelta(days=10), "Nieuwe kassa werkt")
    services.plan_visit(planned_only, TODAY + dt.timedelta(days=5), [], "", by=None)
    services.plan_visit(recent, TODAY + dt.timedelta(days=30), [], "", by=None)
    rows = queries.locations_overview(TODAY)
    assert [r.location.name for r in rows] == ["Liège", "Namur", "Antwerpen", "Brussel"]
    by_name = {r.location.name: r for r in rows}
    assert by_name["Antwerpen"].days_since == 120
    assert by_name["Antwerpen"].last_visit == TODAY - dt.timedelta(days=120)
    assert [v.what_we_learned for v in by_name["Antwerpen"].learnings] == [
        "Klanten willen advies",
        "Oud",
    ]
    assert by_name["Brussel"].next_visit == TODAY + dt.timedelta(days=30)
    assert by_name["Namur"].next_visit == TODAY + dt.timedelta(days=5)
    assert by_name["Namur"].last_visit is None
    assert [r.overdue for r in rows] == [True, True, True, False]
    assert never.pk


def test_threshold_is_exclusive_at_90_days(db: None) -> None:
    at = Location.objects.create(name="A")
    over = Location.objects.create(name="B")
    _logged(at, TODAY - dt.timedelta(days=queries.VISIT_WARNING_DAYS))
    _logged(over, TODAY - dt.timedelta(days=queries.VISIT_WARNING_DAYS + 1))
    overdue = {r.location.name: r.overdue for r in queries.locations_overview(TODAY)}
    assert overdue == {"A": False, "B": True}


def test_locations_page_shows_never_visited_and_warning(
    client_for: ClientFor, dirk: Person, gent: Location
) -> None:
    html = client_for(dirk).get(reverse("sparks:locations")).content.decode()
    assert "never visited" in html
    assert "visit-overdue" in html


def test_delete_a_visit_asks_first(client_for: ClientFor, dirk: Person, gent: Location) -> None:
    visit = services.plan_visit(gent, TODAY, [dirk], "", by=dirk)
    client = client_for(dirk)
    url = reverse("sparks:visit_delete", args=[visit.pk])
    assert "Delete the visit" in client.get(url).content.decode()
    assert FieldVisit.objects.exists()
    client.post(url)
    assert not FieldVisit.objects.exists()
