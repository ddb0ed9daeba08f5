"""Across campaigns: time bands in the recipient's zone, people per cell, small cells and
their complements withheld, Wilson intervals, the plain-language line only when the
intervals clear each other; the page and its permissions."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.analytics.stats import wilson
from leerpad.campaigns import personal_data, planning, report
from leerpad.campaigns.models import Campaign, Delivery, Message, Preference
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign
from leerpad.paths.models import Enrolment
from leerpad.paths.tests.learner_helpers import make_path
from leerpad.privacy import erasure

ClientFor = Callable[[Person], Client]
BRUSSELS = ZoneInfo("Europe/Brussels")


def _touches(
    location: Location, channel: str, people: int, clicked: int, goal: int = 0, first: int = 0
) -> list[report.Touch]:
    return [
        report.Touch(
            person_id=first + i,
            location=str(location.pk),
            job_role=report.NONE_KEY,
            channel=channel,
            band="morning",
            weekday="1",
            clicked=i < clicked,
            goal=i < goal,
        )
        for i in range(people)
    ]


def _sent(c: Campaign, person: Person, at: dt.datetime, **fields: Any) -> Delivery:
    """A delivered message of `c`'s first message, with the person's location and job role
    as planning copies them."""
    message = c.messages.order_by("pk")[0]
    fields.setdefault("occurrence", "once")
    return Delivery.objects.create(
        campaign=c,
        message=message,
        person=person,
        channel=message.channel,
        status=Delivery.Status.SENT,
        scheduled_for=at,
        sent_at=at,
        location_id=person.location_id,
        job_role_id=person.job_role_id,
        **fields,
    )


@pytest.fixture
def places(db: None) -> dict[str, Location]:
    return {
        name: Location.objects.get_or_create(name=name)[0]
        for name in ("Antwerpen", "Brussel", "Gent")
    }


@pytest.mark.parametrize(
    ("hour", "minute", "band"),
    [(8, 59, "other"), (9, 0, "morning"), (11, 59, "morning"), (12, 0, "midday"),
     (13, 59, "midday"), (14, 0, "afternoon"), (17, 59, "afternoon"), (18, 0, "other"),
     (23, 0, "other")],
)  # fmt: skip
def test_time_bands(hour: int, minute: int, band: str) -> None:
    assert report.band_of(dt.datetime(2026, 12, 1, hour, minute, tzinfo=BRUSSELS)) == band


def test_small_cells_and_one_complement_are_withheld(places: dict[str, Location]) -> None:
    found = (
        _touches(places["Gent"], "email", 20, 8)
        + _touches(places["Antwerpen"], "email", 10, 2, first=100)
        + _touches(places["Brussel"], "email", 3, 3, first=200)
        + _touches(places["Gent"], "slack", 4, 1, first=300)
    )
    table = report.table(found, report.Compare.CHANNEL, report.By.LOCATION, k=5)
    assert [label for _key, label in table.columns] == ["E-mail", "Slack"]
    rows = {label: cells for _key, label, cells in table.rows}
    assert list(rows) == ["Antwerpen", "Brussel", "Gent"]
    gent_email, gent_slack = rows["Gent"]
    assert gent_email.figures == report.CellFigures(20, 8, 0)
    assert gent_email.figures.click_rate == wilson(8, 20)
    # Brussel has 3 people; with the column total shown, Antwerpen (the next smallest)
    # is withheld too, so "total minus Gent" is about 13 people in two groups.
    assert rows["Brussel"][0] == report.ShownCell(None, "small")
    assert rows["Antwerpen"][0] == report.ShownCell(None, "complement")
    assert table.totals[0].figures == report.CellFigures(33, 13, 0)
    # Slack: one group of 4 (under k), so neither the cell nor the total shows.
    assert gent_slack == report.ShownCell(None, "small")
    assert table.totals[1] == report.ShownCell(None, "small")
    assert rows["Antwerpen"][1].withheld == "empty"
    assert (table.people, table.messages) == (37, 37)


def test_a_person_counts_once_per_cell(places: dict[str, Location]) -> None:
    twice = _touches(places["Gent"], "email", 6, 0) + _touches(places["Gent"], "email", 6, 1)
    table = report.table(twice, report.Compare.CHANNEL, report.By.LOCATION, k=5)
    assert table.rows[0][2][0].figures == report.CellFigures(6, 1, 0)


def test_the_line_names_a_best_cell_only_when_intervals_clear(
    places: dict[str, Location],
) -> None:
    clear = _touches(places["Gent"], "email", 100, 60, goal=5) + _touches(
        places["Antwerpen"], "email", 100, 10, goal=6, first=1000
    )
    table = report.table(clear, report.Compare.CHANNEL, report.By.LOCATION, k=5)
    assert table.click_line == "E-mail works best for Gent: 60 percent clicked, 100 people."
    assert table.goal_line == "No clear difference in goals reached: the intervals overlap."
    close = _touches(places["Gent"], "email", 20, 8) + _touches(
        places["Antwerpen"], "email", 20, 6, first=1000
    )
    table = report.table(close, report.Compare.CHANNEL, report.By.LOCATION, k=5)
    assert table.click_line == "No clear difference in clicks: the intervals overlap."
    alone = _touches(places["Gent"], "email", 20, 8)
    table = report.table(alone, report.Compare.CHANNEL, report.By.LOCATION, k=5)
    assert "Too few groups" in table.click_line


def test_touches_read_the_recipients_zone_the_period_and_the_goal(
    make_person: Callable[..., Person], places: dict[str, Location]
) -> None:
    path = make_path("welkom")
    c = campaign((Message.Channel.EMAIL,), goal=Campaign.Goal.ENROL, goal_path=path)
    cashier = JobRole.objects.create(name="Cashier")
    here = make_person("Here", location=places["Gent"], job_role=cashier)
    away = make_person("Away", location=places["Gent"])
    Preference.objects.create(person=away, time_zone="America/New_York")
    old = make_person("Old", location=places["Brussel"])
    sent = TUESDAY  # 10:00 UTC: 11:00 in Brussels, 05:00 in New York
    for person, at in ((here, sent), (away, sent), (old, sent - dt.timedelta(days=100))):
        _sent(c, person, at, clicked_at=at + dt.timedelta(hours=2) if person == here else None)
    version = path.current
    assert version is not None
    Enrolment.objects.create(
        person=here, path=path, version=version, enrolled_at=sent + dt.timedelta(days=2)
    )
    found = {
        t.person_id: t for t in report.touches(sent - dt.timedelta(days=90), sent + dt.timedelta(1))
    }
    assert set(found) == {here.pk, away.pk}  # the old send is outside the period
    assert (found[here.pk].band, found[here.pk].weekday) == ("morning", "1")
    assert (found[away.pk].band, found[away.pk].weekday) == ("other", "1")
    assert found[here.pk].clicked and found[here.pk].goal
    assert not found[away.pk].clicked and not found[away.pk].goal
    assert found[here.pk].job_role == str(cashier.pk)
    assert found[away.pk].job_role == report.NONE_KEY


def test_report_page_permissions_filters_and_withheld_cells(
    client: Client,
    client_for: ClientFor,
    lena: Person,
    mira: Person,
    make_person: Callable[..., Person],
    places: dict[str, Location],
) -> None:
    url = reverse("campaigns:reports")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(lena).get(url).status_code == 403
    page = client_for(mira).get(url).content.decode()
    assert "No campaign message was delivered in the last 90 days" in page
    c = campaign((Message.Channel.EMAIL,))
    now = dt.datetime.now(dt.UTC)
    for i in range(7):
        person = make_person(f"P{i}", location=places["Gent" if i < 6 else "Brussel"])
        _sent(c, person, now - dt.timedelta(days=3), clicked_at=now if i < 3 else None)
    page = client_for(mira).get(url).content.decode()
    assert "7 messages delivered to 7 people" in page
    # Brussel (1 person) is withheld; with the column's total (7) shown, Gent (6) is
    # withheld too, or total minus Gent would be the one person of Brussel.
    assert "fewer than 5" in page and "withheld to protect a small group" in page
    assert "6 people" not in page and "7 people" in page
    response = client_for(mira).get(url, {"compare": "band", "by": "job_role", "days": "30"})
    text = response.content.decode()
    assert "No job role" in text and "Time of day" in text
    # An unknown choice falls back to the defaults instead of failing.
    assert client_for(mira).get(url, {"days": "7", "compare": "x"}).status_code == 200


def test_weekday_columns_in_order(places: dict[str, Location]) -> None:
    found = [
        report.Touch(
            i, str(places["Gent"].pk), report.NONE_KEY, "email", "other", day, False, False
        )
        for i, day in enumerate(["4", "1", "1", "6"])
    ]
    table = report.table(found, report.Compare.WEEKDAY, report.By.LOCATION, k=2)
    assert [label for _key, label in table.columns] == ["Tuesday", "Friday", "Sunday"]
    assert table.rows[0][2][0].figures == report.CellFigures(2, 0, 0)


# --- location and job role as they were when the message was planned -------------------


def test_planning_copies_location_and_job_role_and_a_move_keeps_the_old_row(
    make_person: Callable[..., Person], places: dict[str, Location]
) -> None:
    cashier = JobRole.objects.create(name="Cashier")
    c = campaign((Message.Channel.EMAIL,))
    movers = [make_person(f"Mover{i}", location=places["Gent"], job_role=cashier) for i in range(3)]
    stayers = [make_person(f"Stayer{i}", location=places["Brussel"]) for i in range(2)]
    planning.plan_occurrence(c, "once", TUESDAY, now=TUESDAY)
    rows = {d.person_id: d for d in Delivery.objects.filter(campaign=c)}
    assert set(rows) == {p.pk for p in movers + stayers}
    for person in movers + stayers:
        assert (rows[person.pk].location_id, rows[person.pk].job_role_id) == (
            person.location_id,
            person.job_role_id,
        )
    # After the campaign, the Gent cashiers move to Liège and change job.
    liege = Location.objects.create(name="Liège")
    Person.objects.filter(pk__in=[p.pk for p in movers]).update(location=liege, job_role=None)
    Delivery.objects.filter(campaign=c).update(status=Delivery.Status.SENT, sent_at=TUESDAY)
    found = report.touches(TUESDAY - dt.timedelta(days=1), TUESDAY + dt.timedelta(days=1))
    by_place = report.table(found, report.Compare.CHANNEL, report.By.LOCATION, k=2)
    cells = {label: cells[0].figures for _key, label, cells in by_place.rows}
    assert cells == {"Brussel": report.CellFigures(2, 0, 0), "Gent": report.CellFigures(3, 0, 0)}
    by_role = report.table(found, report.Compare.CHANNEL, report.By.JOB_ROLE, k=2)
    roles = {label: cells[0].figures for _key, label, cells in by_role.rows}
    assert roles == {
        "Cashier": report.CellFigures(3, 0, 0),
        "No job role": report.CellFigures(2, 0, 0),
    }


def test_someone_who_moved_within_the_period_counts_in_one_row_per_column(
    make_person: Callable[..., Person], places: dict[str, Location]
) -> None:
    first = campaign((Message.Channel.EMAIL,), name="First")
    second = campaign((Message.Channel.EMAIL,), name="Second")
    gent, brussel = places["Gent"], places["Brussel"]
    for i in range(4):
        _sent(first, make_person(f"G{i}", location=gent), TUESDAY)
        _sent(second, make_person(f"B{i}", location=brussel), TUESDAY)
    # Someone who got a message in Gent, moved to Brussel and got one there a week later.
    # The Brussel row is written first: the send order decides, not the order of the rows.
    mover = make_person("Mover", location=brussel)
    _sent(second, mover, TUESDAY + dt.timedelta(days=7), clicked_at=TUESDAY + dt.timedelta(8))
    mover.location = gent  # as planning saw them a week earlier
    _sent(first, mover, TUESDAY)
    found = report.touches(TUESDAY - dt.timedelta(days=1), TUESDAY + dt.timedelta(days=9))
    assert len(found) == 10
    table = report.table(found, report.Compare.CHANNEL, report.By.LOCATION, k=2)
    cells = {label: cells[0].figures for _key, label, cells in table.rows}
    # The latest message reached them in Brussel: they count there, with both messages
    # (and the click), and the column's rows still add up to its total.
    assert cells == {"Brussel": report.CellFigures(5, 1, 0), "Gent": report.CellFigures(4, 0, 0)}
    assert table.totals[0].figures == report.CellFigures(9, 1, 0)
    assert (table.people, table.messages) == (9, 10)


def test_the_migration_fills_old_rows_from_the_persons_current_values(
    make_person: Callable[..., Person], places: dict[str, Location]
) -> None:
    migration = importlib.import_module("leerpad.campaigns.migrations.0006_delivery_location_role")
    cashier = JobRole.objects.create(name="Cashier")
    c = campaign((Message.Channel.EMAIL,))
    old = _sent(c, make_person("Old", location=places["Gent"], job_role=cashier), TUESDAY)
    bare = _sent(c, make_person("Bare"), TUESDAY)
    already = _sent(c, make_person("Already", location=places["Brussel"]), TUESDAY)
    Delivery.objects.filter(pk__in=[old.pk, bare.pk]).update(location=None, job_role=None)
    Person.objects.filter(pk=already.person_id).update(location=places["Antwerpen"])
    migration.fill_snapshot(django_apps, SimpleNamespace(connection=connection))
    filled = {d.pk: (d.location_id, d.job_role_id) for d in Delivery.objects.all()}
    assert filled == {
        old.pk: (places["Gent"].pk, cashier.pk),
        bare.pk: (None, None),
        already.pk: (places["Brussel"].pk, None),  # a snapshot is never overwritten
    }


def _report_queries(people: int, make_person: Callable[..., Person], c: Campaign) -> int:
    for i in range(people):
        _sent(c, make_person(f"Q{people}x{i}", location=Location.objects.get(name="Gent")), TUESDAY)
    with CaptureQueriesContext(connection) as queries:
        table = report.report(
            report.Compare.CHANNEL, report.By.LOCATION, 30, now=TUESDAY + dt.timedelta(days=1)
        )
    assert table.messages == Delivery.objects.count()
    return len(queries)


def test_the_report_reads_a_fixed_number_of_queries(
    make_person: Callable[..., Person], places: dict[str, Location]
) -> None:
    c = campaign((Message.Channel.EMAIL,))
    few = _report_queries(2, make_person, c)
    many = _report_queries(12, make_person, c)
    assert few == many and few > 0


def test_erasure_leaves_no_delivery_with_a_location_of_the_person(
    lena: Person, ada: Person, places: dict[str, Location]
) -> None:
    c = campaign((Message.Channel.EMAIL,))
    _sent(c, lena, TUESDAY)
    assert Delivery.objects.filter(person=lena, location__isnull=False).exists()
    erasure.erase(lena, requested_by="HR ticket", by=ada)
    assert not Delivery.objects.filter(person=lena).exists()
    assert report.touches(TUESDAY - dt.timedelta(days=1), TUESDAY + dt.timedelta(days=1)) == []


def test_the_export_shows_the_location_and_job_role_of_each_message(lena: Person) -> None:
    c = campaign((Message.Channel.EMAIL,))
    _sent(c, lena, TUESDAY)
    Person.objects.filter(pk=lena.pk).update(location=None, job_role=None)
    _section, data = personal_data.personal_data(sender=None, person=lena)
    assert lena.location is not None and lena.job_role is not None
    assert [(m["location_when_planned"], m["job_role_when_planned"]) for m in data["messages"]] == [
        (lena.location.name, lena.job_role.name)
    ]
