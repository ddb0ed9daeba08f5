"""Gaps of a group: shown only for groups of at least k, counts only for k compared.

k is 3 here (settings.LEERPAD_MIN_GROUP_SIZE) so the groups stay small to build.
Team A: 4 people in Gent and 1 in Antwerpen; team B: 2 in Gent; team D: 3 in Brugge
without a role. Team A are sales associates (need "till" at level 3); the two coaches in
Gent (need "coaching") are team B.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import JobRole, Location, Person, Team
from leerpad.skills import queries, services
from leerpad.skills.models import Level, Skill, SkillEvidence

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


@pytest.fixture(autouse=True)
def _k(settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3


@pytest.fixture
def org(
    make_person: Callable[..., Person], gent: Location, make_skill: Callable[..., Skill]
) -> dict[str, Any]:
    antwerpen = Location.objects.create(name="Antwerpen")
    team_a = Team.objects.create(name="Team A")
    team_b = Team.objects.create(name="Team B")
    sales = JobRole.objects.get_or_create(name="Sales associate")[0]
    coach_role = JobRole.objects.create(name="Store coach")
    till = make_skill("till", "Kassa")
    coaching = make_skill("coaching", "Coachen")
    services.set_role_skill(sales, till, level=Level.SKILLED, essential=True)
    services.set_role_skill(coach_role, coaching, level=Level.PRACTISING, essential=True)
    people: list[Person] = []
    for n in range(4):
        people.append(make_person(f"A{n}", team=team_a, location=gent, job_role=sales))
    people.append(make_person("A-Antw", team=team_a, location=antwerpen, job_role=sales))
    for n in range(2):
        people.append(make_person(f"B{n}", team=team_b, location=gent, job_role=coach_role))
    # Three people elsewhere, so the whole organisation differs from every group above by
    # at least k (else subtracting the two views would single people out).
    brugge = Location.objects.create(name="Brugge")
    team_d = Team.objects.create(name="Team D")
    for n in range(3):
        make_person(f"D{n}", team=team_d, location=brugge)
    # Two of team A in Gent reach the level: one by evidence, one by their own word.
    services.add_evidence(
        person_id=people[0].pk,
        skill=till,
        level=Level.SKILLED,
        source=SkillEvidence.Source.PATH,
        label="Kassa",
        source_key="path:kassa",
    )
    services.set_claim(people[1], till, self_level=Level.EXPERT, willing_to_share=False)
    # Below the level: still a gap.
    services.set_claim(people[2], till, self_level=Level.AWARE, willing_to_share=False)
    return {
        "antwerpen": antwerpen,
        "gent": gent,
        "team_a": team_a,
        "team_b": team_b,
        "till": till,
        "coaching": coaching,
    }


def _row(report: queries.GroupReport, skill: Skill) -> queries.GroupRow:
    return next(r for r in report.rows if r.skill == skill)


def test_a_large_enough_group_shows_counts(org: dict[str, Any]) -> None:
    report = queries.group_gaps(team_id=org["team_a"].pk, location_id=None)

    assert not report.too_small
    assert report.size == 5
    row = _row(report, org["till"])
    assert (row.compared, row.with_gap) == (5, 3)


def test_a_location_shows_counts_and_hides_a_skill_too_few_need(org: dict[str, Any]) -> None:
    report = queries.group_gaps(team_id=None, location_id=org["gent"].pk)

    assert report.size == 6
    assert _row(report, org["till"]).with_gap == 2
    coaching = _row(report, org["coaching"])
    assert coaching.compared == 2
    assert coaching.suppressed
    assert coaching.with_gap is None


def test_a_group_under_k_shows_nothing(org: dict[str, Any]) -> None:
    report = queries.group_gaps(team_id=None, location_id=org["antwerpen"].pk)

    assert report.too_small
    assert report.reason == "group"
    assert report.rows == []
    assert report.size is None


def test_combining_filters_cannot_reach_a_group_under_k(org: dict[str, Any]) -> None:
    # Team B in Gent is 2 people: under k although team B and Gent each pass alone.
    report = queries.group_gaps(team_id=org["team_b"].pk, location_id=org["gent"].pk)

    assert report.too_small
    assert report.reason == "group"
    assert report.rows == []


def test_combining_filters_cannot_single_out_people_by_difference(org: dict[str, Any]) -> None:
    # Team A in Gent is 4 people (>= k), but team A as a whole is 5: comparing the two
    # views would show the one person in Antwerpen. So it is refused too.
    report = queries.group_gaps(team_id=org["team_a"].pk, location_id=org["gent"].pk)

    assert report.too_small
    assert report.reason == "difference"
    assert report.rows == []


def test_an_intersection_equal_to_its_parts_is_shown(
    org: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    team_c = Team.objects.create(name="Team C")
    sales = JobRole.objects.get(name="Sales associate")
    for n in range(3):
        make_person(f"C{n}", team=team_c, location=org["antwerpen"], job_role=sales)

    # Team C is entirely in Antwerpen (difference 0), and Antwerpen has 4 people with the
    # one of team A: a difference of 1 is refused.
    assert queries.group_gaps(team_id=team_c.pk, location_id=org["antwerpen"].pk).reason == (
        "difference"
    )
    for n in range(3):
        make_person(f"C{n + 3}", team=team_c, location=org["antwerpen"], job_role=sales)
    make_person("A-Antw2", team=org["team_a"], location=org["antwerpen"], job_role=sales)
    make_person("A-Antw3", team=org["team_a"], location=org["antwerpen"], job_role=sales)
    report = queries.group_gaps(team_id=team_c.pk, location_id=org["antwerpen"].pk)
    assert not report.too_small
    assert report.size == 6


def test_inactive_people_do_not_count(org: dict[str, Any]) -> None:
    Person.objects.filter(first_name__in=["A2", "A3"]).update(is_active=False)

    # Team A is now 3 people: exactly k, so it shows.
    report = queries.group_gaps(team_id=org["team_a"].pk, location_id=None)
    assert report.size == 3
    Person.objects.filter(first_name="A1").update(is_active=False)
    assert queries.group_gaps(team_id=org["team_a"].pk, location_id=None).too_small


# --- the page ------------------------------------------------------------------------------------


def test_learners_may_not_see_groups(client_for: ClientFor, lena: Person) -> None:
    assert client_for(lena).get("/skills/groups/").status_code == 403


def test_anonymous_visitors_go_to_login(client: Client) -> None:
    response = client.get("/skills/groups/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_says_when_a_combination_is_too_small(
    client_for: ClientFor, greet: Person, org: dict[str, Any]
) -> None:
    client = client_for(greet)

    combined = client.get("/skills/groups/", {"team": org["team_b"].pk, "location": org["gent"].pk})
    assert combined.status_code == 200
    assert "too small to show" in combined.content.decode()
    assert "Kassa" not in combined.content.decode()

    whole = client.get("/skills/groups/", {"team": org["team_a"].pk, "location": ""})
    body = whole.content.decode()
    assert "too small" not in body
    assert "Kassa" in body


def test_a_coach_sees_only_their_own_location(
    client_for: ClientFor, cas: Person, org: dict[str, Any]
) -> None:
    client = client_for(cas)

    own = client.get("/skills/groups/")
    assert own.status_code == 200
    assert own.context["report"].size == 8  # the six of Gent, Lena and Cas himself
    # Another location cannot be chosen, and a team alone stays within Gent.
    other = client.get("/skills/groups/", {"location": org["antwerpen"].pk})
    assert other.status_code == 403
    team_only = client.get("/skills/groups/", {"team": org["team_a"].pk})
    assert team_only.context["location"] == org["gent"]
