"""A small, known month for the report: March 2025 (February before it), k = 3.

People: P0..P3 were active in February and come back in March; N0..N2 are new in March.

Statements (the analytics store):
- Feb 10: P0..P3 experienced a course.
- Mar 4: all seven viewed item A; P0..P2 and N0..N2 arrived through campaign "spring".
- Mar 5: N0..N2 enrolled in the path "welkom" (within 14 days of their campaign visit).
- Mar 6: N0 completed the course (within 14 days).
- Mar 11: P0..P2 used item B; N0 and N1 item C (2 people: under k).
- Mar 18: P0 and P1 experienced the course (a week of 2: under k).
- Mar 25: P1 enrolled in "welkom" and P0 completed the course: 21 days after their
  campaign visit, outside the 14-day window.

Database: enrolments in March: N0..N2 in welkom, P0 in "extra"; completed in March: the
same four; certificates for N0..N2 with N2's revoked; skill evidence below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.tests.conftest import at, did
from leerpad.catalog.models import ContentItem, ItemTranslation, Status
from leerpad.catalog.tracking import activity_id
from leerpad.core import extensions as xapi
from leerpad.paths.models import Certificate, Enrolment, Path, PathVersion
from leerpad.paths.tracking import COMPLETED, REGISTERED, path_iri
from leerpad.skills.models import Skill, SkillEvidence

VIEWED = "http://id.tincanapi.com/verb/viewed"
MARCH = dt.date(2025, 3, 1)


def item(title: str) -> ContentItem:
    created = ContentItem.objects.create(kind="article", status=Status.PUBLISHED, language="en")
    ItemTranslation.objects.create(item=created, language="en", title=title)
    ItemTranslation.objects.create(item=created, language="nl", title=f"{title} (nl)")
    return created


def path(key: str, title: str) -> Path:
    made = Path.objects.create(key=key)
    version = PathVersion.objects.create(
        path=made, number=1, status="published", titles={"en": title, "nl": f"{title} (nl)"}
    )
    made.current = version
    made.save(update_fields=["current"])
    return made


def campaign_context() -> dict[str, Any]:
    return {"extensions": {xapi.ARRIVAL: "campaign", xapi.CAMPAIGN: "spring"}}


@pytest.fixture
def march(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    p = [make_person(f"P{i}") for i in range(4)]
    n = [make_person(f"N{i}") for i in range(3)]
    a, b, c = item("Item A"), item("Item B"), item("Item C")
    welkom, extra = path("welkom", "Welcome"), path("extra", "Extra")

    for person in p:
        did(person, at("2025-02-10"))
    for person in p[:3] + n:
        did(person, at("2025-03-04"), VIEWED, activity_id(a), context=campaign_context())
    did(p[3], at("2025-03-04"), VIEWED, activity_id(a))
    for person in n:
        did(person, at("2025-03-05"), REGISTERED, path_iri("welkom"))
    did(n[0], at("2025-03-06"), COMPLETED)
    for person in p[:3]:
        did(person, at("2025-03-11"), VIEWED, activity_id(b))
    for person in n[:2]:
        did(person, at("2025-03-11"), VIEWED, activity_id(c))
    for person in p[:2]:
        did(person, at("2025-03-18"))
    did(p[1], at("2025-03-25"), REGISTERED, path_iri("welkom"))
    did(p[0], at("2025-03-25"), COMPLETED)
    did(p[0], at("2025-04-02"))  # April: outside the month
    sync.sync()

    def enrol(person: Person, on: Path, day: str, done: str | None) -> Enrolment:
        assert on.current is not None
        return Enrolment.objects.create(
            person=person,
            path=on,
            version=on.current,
            status="completed" if done else "active",
            enrolled_at=at(day),
            completed_at=at(done) if done else None,
        )

    enrolments = [enrol(person, welkom, "2025-03-05", "2025-03-20") for person in n]
    enrol(p[0], extra, "2025-03-02", "2025-03-28")
    enrol(p[1], welkom, "2025-02-20", None)  # February: not a March enrolment
    for i, enrolment in enumerate(enrolments):
        Certificate.objects.create(
            enrolment=enrolment,
            person_name="x",
            path_title="Welcome",
            version_number=1,
            issued_at=at("2025-03-20"),
            revoked_at=at("2025-03-21") if i == 2 else None,
        )

    lifting = Skill.objects.create(
        key="lifting", names={"en": "Safe lifting", "nl": "Veilig tillen"}
    )
    service = Skill.objects.create(key="service", names={"en": "Service"})

    def evidence(person: Person, skill: Skill, level: int, day: str, key: str) -> None:
        SkillEvidence.objects.create(
            person=person,
            skill=skill,
            level=level,
            source="quiz",
            label=key,
            source_key=key,
            achieved_at=at(day),
        )

    evidence(p[0], lifting, 2, "2025-01-15", "quiz:a")  # before: level 2 already
    evidence(p[0], lifting, 2, "2025-03-10", "quiz:b")  # same level again: no raise
    evidence(p[1], lifting, 2, "2025-03-10", "quiz:b")  # first evidence: a raise
    evidence(p[2], lifting, 3, "2025-03-12", "quiz:c")  # a raise
    evidence(n[0], service, 1, "2025-03-12", "quiz:d")  # a raise
    return {"p": p, "n": n, "items": (a, b, c), "paths": (welkom, extra)}
