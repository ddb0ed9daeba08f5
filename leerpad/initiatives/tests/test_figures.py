"""The brief's figures: a linked path's enrolments and a linked campaign's reach, shown
only for groups of at least k people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Delivery, Message
from leerpad.campaigns.tests.campaign_helpers import campaign
from leerpad.initiatives import figures
from leerpad.initiatives.models import Initiative
from leerpad.lrs.services import record_for_person
from leerpad.paths.models import Enrolment, Path, PathVersion
from leerpad.paths.tests.learner_helpers import make_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _k3(settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3


def _version(path: Path) -> PathVersion:
    assert path.current is not None
    return path.current


def _people(make_person: Callable[..., Person], n: int) -> list[Person]:
    return [make_person(f"P{i}") for i in range(n)]


def test_no_links_no_figures(initiative: Initiative) -> None:
    assert figures.path_figures(initiative) is None
    assert figures.campaign_figures(initiative) is None


def test_path_figures_need_k_enrolled(
    initiative: Initiative, make_person: Callable[..., Person]
) -> None:
    path = make_path("kassa")
    initiative.path = path
    initiative.save()
    people = _people(make_person, 4)
    for person in people[:2]:
        Enrolment.objects.create(
            person=person, path=path, version=_version(path), status=Enrolment.Status.COMPLETED
        )
    found = figures.path_figures(initiative)
    assert found is not None and not found.shown and found.k == 3
    for person in people[2:]:
        Enrolment.objects.create(person=person, path=path, version=_version(path))
    found = figures.path_figures(initiative)
    assert found is not None and found.shown
    assert (found.enrolled, found.completed, found.completion_rate) == (4, 2, 50)


def _delivery(
    message: Message, person: Person, sent_at: dt.datetime | None, **fields: Any
) -> Delivery:
    return Delivery.objects.create(
        campaign=message.campaign,
        message=message,
        person=person,
        channel=message.channel,
        occurrence="once",
        status=Delivery.Status.SENT if sent_at else Delivery.Status.SKIPPED,
        scheduled_for=sent_at or timezone.now(),
        sent_at=sent_at,
        **fields,
    )


def test_campaign_figures_count_people_reached_clicked_and_visited(
    initiative: Initiative, make_person: Callable[..., Person]
) -> None:
    made = campaign(name="Safety story")
    message = made.messages.get()
    initiative.campaign = made
    initiative.save()
    people = _people(make_person, 5)
    sent = timezone.now() - dt.timedelta(days=20)
    _delivery(message, people[0], sent, clicked_at=sent + dt.timedelta(hours=1))
    _delivery(message, people[1], sent)
    found = figures.campaign_figures(initiative)
    assert found is not None and not found.shown  # two people: fewer than k
    _delivery(message, people[2], sent)
    _delivery(message, people[3], None)  # skipped: not reached
    activity = {"objectType": "Activity", "id": "https://example.test/a"}
    verb = "http://adlnet.gov/expapi/verbs/experienced"
    record_for_person(
        people[1], verb, {"en": "experienced"}, activity, timestamp=sent + dt.timedelta(days=2)
    )
    # After the 14-day window, and before the message: neither counts as a visit.
    record_for_person(
        people[2], verb, {"en": "experienced"}, activity, timestamp=sent + dt.timedelta(days=15)
    )
    record_for_person(
        people[0], verb, {"en": "experienced"}, activity, timestamp=sent - dt.timedelta(days=1)
    )
    found = figures.campaign_figures(initiative)
    assert found is not None and found.shown
    assert (found.sent, found.clicked, found.visited) == (3, 1, 1)


def test_brief_page_hides_small_groups(
    client_for: Callable[[Person], Client], initiative: Initiative, dirk: Person
) -> None:
    path = make_path("kassa")
    initiative.path = path
    initiative.save()
    Enrolment.objects.create(person=dirk, path=path, version=_version(path))
    page = client_for(dirk).get(reverse("initiatives:brief", args=[initiative.pk])).content.decode()
    assert "Fewer than 3 people enrolled" in page
    assert "completion rate" not in page
