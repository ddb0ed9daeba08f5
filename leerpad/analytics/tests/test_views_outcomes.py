"""The Outcomes, Routes and Evidence pages through the test client: permissions, figures
on the page, the k rule and the empty states."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.tests.path_helpers import complete, enrol, four_step_path, path_event
from leerpad.analytics.tests.test_outcomes import quiz  # noqa: F401  (a fixture)
from leerpad.paths import tracking
from leerpad.quizzes.models import Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3, this week: 6 learners enrol in the path; 3 do A then B and complete the
    path; 3 do A then leave."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    path, iris, _quiz = four_step_path()
    now = timezone.now() - dt.timedelta(hours=6)
    for i in range(6):
        person = make_person(f"R{i}")
        enrol(person, path, now)
        complete(person, iris[0], now + dt.timedelta(minutes=10))
        if i < 3:
            complete(person, iris[1], now + dt.timedelta(minutes=20))
            path_event(person, path, tracking.COMPLETED, now + dt.timedelta(minutes=30))
        else:
            path_event(person, path, tracking.EXITED, now + dt.timedelta(minutes=30))
    sync.sync()
    return {"path": path}


URLS = [
    ("analytics:outcomes", False),
    ("analytics:path_routes", True),
    ("analytics:path_evidence", True),
]


@pytest.mark.parametrize(("name", "keyed"), URLS)
def test_learners_are_refused(
    name: str, keyed: bool, lena: Person, client_for: Callable[[Person], Client], recorded: Any
) -> None:
    url = reverse(name, args=[recorded["path"].key] if keyed else [])

    assert client_for(lena).get(url).status_code == 403


@pytest.mark.parametrize(("name", "keyed"), URLS)
def test_anonymous_goes_to_login(name: str, keyed: bool, client: Client, recorded: Any) -> None:
    url = reverse(name, args=[recorded["path"].key] if keyed else [])

    response = client.get(url)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_outcomes_page(dirk: Person, client_for: Callable[[Person], Client], recorded: Any) -> None:
    response = client_for(dirk).get(reverse("analytics:outcomes"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Completion per path" in html
    # 6 enrolled, 3 completed: both sides reach k = 3, so the rate shows.
    assert "<td>6</td>" in html and "<td>3</td>" in html and "50%" in html
    assert reverse("analytics:path_routes", args=["onboarding"]) in html
    assert 'aria-current="page">Outcomes' in html


def test_routes_page_draws_edges_with_tooltips(
    dirk: Person, client_for: Callable[[Person], Client], recorded: Any
) -> None:
    url = reverse("analytics:path_routes", args=[recorded["path"].key])

    html = client_for(dirk).get(url).content.decode()

    assert "<svg" in html
    assert "<title>Enrolled → Step 1: Item A: 6 people</title>" in html
    assert "<title>Step 1: Item A → Step 2: Item B: 3 people</title>" in html
    assert "<title>Step 1: Item A → Left the path: 3 people</title>" in html
    assert "Steps commonly skipped" in html


def test_routes_page_under_k(
    dirk: Person, client_for: Callable[[Person], Client], recorded: Any, settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 7
    url = reverse("analytics:path_routes", args=[recorded["path"].key])

    html = client_for(dirk).get(url).content.decode()

    assert "<svg viewBox" not in html.split('id="analytics-body"')[1]
    assert "6 people" not in html


def test_evidence_page(dirk: Person, client_for: Callable[[Person], Client], recorded: Any) -> None:
    url = reverse("analytics:path_evidence", args=[recorded["path"].key])

    html = client_for(dirk).get(url).content.decode()

    assert "not proof of cause" in html
    # Step B: 3 did it, 3 did not; the rest (the quiz D) was done by nobody: 0 vs 0.
    assert "Completed the rest of the path" in html
    assert "No figure: a group has fewer than 3 people." in html  # step A: everyone did it


def test_unknown_path_is_404(dirk: Person, client_for: Callable[[Person], Client]) -> None:
    assert client_for(dirk).get(reverse("analytics:path_routes", args=["nope"])).status_code == 404


@pytest.mark.usefixtures("quiz")
def test_question_table_links_to_the_quiz_manager(
    dirk: Person, client_for: Callable[[Person], Client]
) -> None:
    url = reverse("analytics:outcomes") + "?weeks=4&quiz=check"

    html = client_for(dirk).get(url).content.decode()

    assert "Questions of “Lifting check”" in html
    q2 = Question.objects.get(texts__en="Q2")
    assert reverse("quizzes:question_edit", args=[q2.pk]) in html
    assert "misleading" in html
    # The quiz list links to its questions, keeping the filters.
    assert "?weeks=4&amp;quiz=check#questions" in html


def test_unknown_quiz_is_ignored(dirk: Person, client_for: Callable[[Person], Client]) -> None:
    response = client_for(dirk).get(reverse("analytics:outcomes") + "?quiz=nope")

    assert response.status_code == 200
    assert "Questions of" not in response.content.decode()


def test_routes_of_a_version(
    dirk: Person, client_for: Callable[[Person], Client], recorded: Any
) -> None:
    url = reverse("analytics:path_routes", args=[recorded["path"].key])

    assert "6 people" in client_for(dirk).get(url + "?version=1").content.decode()
    assert "no such version" in client_for(dirk).get(url + "?version=9").content.decode()


def test_routes_page_draws_the_main_routes_and_lists_all_of_them(
    dirk: Person,
    client_for: Callable[[Person], Client],
    recorded: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from leerpad.analytics import views_routes

    # 6 learners; a share of 60 % makes the threshold 4 people: only start -> A (6) stays.
    monkeypatch.setitem(views_routes.SHARES, "20", 0.6)
    url = reverse("analytics:path_routes", args=[recorded["path"].key])

    html = client_for(dirk).get(url + "?at_least=20").content.decode()

    drawn, listed = html.split("Routes drawn</h2>")[1].split("<details")
    assert "<title>Enrolled → Step 1: Item A: 6 people</title>" in html
    assert "Step 1: Item A → Step 2: Item B: 3 people" not in html.split("<figcaption")[0]
    assert "<td>Step 2: Item B</td>" not in drawn
    assert "Other routes (not drawn)</td><td>6</td>" in drawn
    assert "All 4 routes" in listed
    assert "<td>Step 1: Item A</td><td>Step 2: Item B</td><td>3</td>" in listed
    assert '<option value="20" selected>4 people (20 %)</option>' in html


def test_routes_page_default_threshold_and_rows_by_people(
    dirk: Person, client_for: Callable[[Person], Client], recorded: Any
) -> None:
    url = reverse("analytics:path_routes", args=[recorded["path"].key])

    html = client_for(dirk).get(url + "?weeks=12").content.decode()

    # 5 % of 6 learners is under k = 3: k it is; selected though the link did not ask.
    assert '<option value="5" selected>3 people (5 %)</option>' in html
    drawn = html.split("Routes drawn</h2>")[1].split("<details")[0]
    people = [int(cell) for cell in re.findall(r"<td>(\d+)</td><td>\d+</td><td>", drawn)]
    assert people == sorted(people, reverse=True) and people[0] == 6
    assert "Other routes (not drawn)" not in drawn


def test_path_views_link_to_each_other(
    dirk: Person, client_for: Callable[[Person], Client], recorded: Any
) -> None:
    key = recorded["path"].key
    html = client_for(dirk).get(reverse("analytics:path_evidence", args=[key])).content.decode()

    tabs = html.split('class="analytics-tabs"')[-1].split("</ul>")[0]
    links = re.findall(r'href="([^"]+)"', tabs)
    assert links == [
        reverse("analytics:path_funnel", args=[key]),
        reverse("analytics:path_routes", args=[key]),
        reverse("analytics:path_evidence", args=[key]),
    ]
    versioned = client_for(dirk).get(reverse("analytics:path_routes", args=[key]) + "?version=1")
    assert reverse("analytics:path_version", args=[key, 1]) in versioned.content.decode()
