"""Skills coverage of role profiles by location, month by month, with the k rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.analytics.questions.skills_coverage import (
    GroupCoverage,
    RoleSummary,
    coverage,
    months_of,
    roles_overview,
)
from leerpad.analytics.tests.conftest import at
from leerpad.skills.models import RoleSkill, Skill, SkillClaim, SkillEvidence

pytestmark = pytest.mark.django_db


def local(day: str) -> dt.datetime:
    """Midnight of a day in Leerpad's time zone, as the filter form cuts periods."""
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


START, END = local("2025-01-01"), local("2025-04-01")


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    """Skill names come in the viewer's language: Dutch here ("Kassa", not "Till")."""
    with translation.override("nl"):
        yield


def evidence(person: Person, skill: Skill, level: int, day: str) -> None:
    SkillEvidence.objects.create(
        person=person,
        skill=skill,
        level=level,
        source=SkillEvidence.Source.QUIZ,
        label="Quiz",
        source_key=f"quiz:{skill.key}:{level}",
        achieved_at=at(day),
    )


def claim(person: Person, skill: Skill, level: int, day: str) -> None:
    SkillClaim.objects.create(person=person, skill=skill, self_level=level, updated_at=at(day))


@pytest.fixture
def org(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Sellers: 4 in Gent, 3 in Brugge, 1 in Mol (and one who left). Warehouse: 3 in
    Gent, 1 in Brugge. Sellers need Kassa at 2 and Klantgesprek at 3 (essential), Talen
    is nice to have."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    places = {n: Location.objects.create(name=n) for n in ("Gent", "Brugge", "Mol")}
    seller = JobRole.objects.create(name="Verkoper")
    warehouse = JobRole.objects.create(name="Magazijn")
    kassa = Skill.objects.create(key="kassa", names={"nl": "Kassa", "en": "Till"})
    talk = Skill.objects.create(key="klantgesprek", names={"nl": "Klantgesprek"})
    talen = Skill.objects.create(key="talen", names={"nl": "Talen"})
    RoleSkill.objects.create(job_role=seller, skill=kassa, level=2)
    RoleSkill.objects.create(job_role=seller, skill=talk, level=3)
    RoleSkill.objects.create(job_role=seller, skill=talen, level=4, essential=False)
    RoleSkill.objects.create(job_role=warehouse, skill=kassa, level=1)

    def people(prefix: str, place: str, n: int, role: JobRole) -> list[Person]:
        return [
            make_person(f"{prefix}{i}", location=places[place], job_role=role) for i in range(n)
        ]

    v, w = people("V", "Gent", 4, seller), people("W", "Brugge", 3, seller)
    m = people("M", "Mol", 1, seller)[0]
    people("H", "Gent", 3, warehouse)
    people("K", "Brugge", 1, warehouse)
    gone = make_person("X", location=places["Gent"], job_role=seller, is_active=False)
    evidence(gone, kassa, 4, "2025-01-02")  # not active: not counted

    evidence(v[0], kassa, 2, "2025-01-15")
    claim(v[0], talk, 3, "2025-02-10")
    claim(v[1], kassa, 3, "2025-02-20")
    evidence(v[2], kassa, 1, "2025-01-05")  # below the level needed
    evidence(w[0], kassa, 4, "2025-01-20")
    evidence(w[0], talk, 3, "2025-01-20")
    claim(w[1], kassa, 2, "2025-03-05")
    claim(m, kassa, 2, "2025-01-08")
    claim(v[3], talen, 4, "2025-01-08")  # nice to have: not counted
    return {"places": places, "seller": seller, "warehouse": warehouse}


def test_coverage_by_location_over_months(org: dict[str, Any]) -> None:
    result = coverage(org["seller"].pk, START, END, by="location")

    assert result.decision.allowed
    assert [(n.name, n.level) for n in result.needs] == [("Kassa", 2), ("Klantgesprek", 3)]
    assert [m.isoformat() for m in result.months] == ["2025-01-01", "2025-02-01", "2025-03-01"]
    gent = org["places"]["Gent"].pk
    assert result.groups == [
        GroupCoverage("cell", gent, "Gent", 4, met=(2, 1), series=(12.5, 37.5, 37.5)),
        # Mol (1) is under k; hiding it alone would show it as the total minus the rest,
        # so Brugge (3) is hidden too: one "other" row of 4.
        GroupCoverage("other", None, "", 4, met=(3, 1), series=(37.5, 37.5, 50.0)),
        GroupCoverage("total", None, "", 8, met=(5, 2), series=(25.0, 37.5, 43.75)),
    ]
    assert result.groups[0].percents() == [50.0, 25.0]
    assert result.by == "location"


def test_a_filtered_view_is_one_group_without_a_breakdown(org: dict[str, Any]) -> None:
    gent = org["places"]["Gent"].pk

    result = coverage(org["seller"].pk, START, END, location_id=gent)

    assert result.by is None
    assert result.groups == [
        GroupCoverage("total", None, "", 4, met=(2, 1), series=(12.5, 37.5, 37.5))
    ]


def test_small_and_nearly_equal_views_are_refused(org: dict[str, Any]) -> None:
    mol, brugge = org["places"]["Mol"].pk, org["places"]["Brugge"].pk

    too_small = coverage(org["seller"].pk, START, END, location_id=mol)
    # Sellers in Brugge (3) against everyone in Brugge (4): one person apart.
    too_close = coverage(org["seller"].pk, START, END, location_id=brugge)

    assert (too_small.decision.allowed, too_small.decision.reason) == (False, "group")
    assert (too_close.decision.allowed, too_close.decision.reason) == (False, "difference")
    assert too_small.groups == [] and too_close.groups == []


def test_roles_overview(org: dict[str, Any]) -> None:
    seller, warehouse = org["seller"].pk, org["warehouse"].pk

    decision, roles = roles_overview()
    _, in_gent = roles_overview(location_id=org["places"]["Gent"].pk)

    assert decision.allowed
    assert roles == [
        RoleSummary(warehouse, "Magazijn", 1, 4, 0.0),
        RoleSummary(seller, "Verkoper", 2, 8, 43.75),
    ]
    # Warehouse in Gent (3) against all warehouse people (4): withheld.
    assert in_gent == [
        RoleSummary(warehouse, "Magazijn", 1, None, None),
        RoleSummary(seller, "Verkoper", 2, 4, 37.5),
    ]


def test_a_role_without_essential_skills(org: dict[str, Any]) -> None:
    cook = JobRole.objects.create(name="Kok")

    result = coverage(cook.pk, START, END)

    assert result.needs == [] and result.groups == []


def test_months_of_a_period() -> None:
    months = months_of(local("2024-12-30"), local("2025-02-03"))

    assert [m.isoformat() for m in months] == ["2024-12-01", "2025-01-01", "2025-02-01"]
