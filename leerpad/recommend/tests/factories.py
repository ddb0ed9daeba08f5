"""Rows for the recommendation tests, written straight to the tables the recommender reads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import ContentItem, ItemTranslation, Session, Status
from leerpad.paths import tracking as paths_tracking
from leerpad.paths.models import Completion
from leerpad.skills.models import RoleSkill, Skill

LONG_AGO = dt.timedelta(days=400)


def skill(key: str, en: str, nl: str | None = None) -> Skill:
    return Skill.objects.create(key=key, names={"en": en, "nl": nl or en, "fr": en})


def item(
    title: str,
    *,
    skills: Sequence[Skill] = (),
    tags: Sequence[str] = (),
    kind: str = "article",
    status: str = Status.PUBLISHED,
    published_ago: dt.timedelta = LONG_AGO,
    roles: Sequence[JobRole] = (),
    locations: Sequence[Location] = (),
    language: str = "en",
    summary: str = "",
) -> ContentItem:
    created = ContentItem.objects.create(
        kind=kind,
        status=status,
        language=language,
        tags=list(tags),
        published_at=timezone.now() - published_ago if status == Status.PUBLISHED else None,
    )
    ItemTranslation.objects.create(item=created, language=language, title=title, summary=summary)
    created.skills.set(skills)
    created.audience_job_roles.set(roles)
    created.audience_locations.set(locations)
    return created


def session_on(content: ContentItem, days: int) -> Session:
    start = timezone.now() + dt.timedelta(days=days)
    return Session.objects.create(
        item=content, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )


def complete(person: Person, content: ContentItem, days_ago: float) -> Completion:
    """A row of the completions index, as the LRS receiver writes it."""
    return Completion.objects.create(
        person=person,
        activity_iri=catalog_tracking.activity_id(content),
        statement_id=uuid.uuid4(),
        verb_iri=paths_tracking.COMPLETED,
        completed_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def colleagues(
    n: int, *, location: Location | None = None, role: JobRole | None = None, prefix: str = "c"
) -> list[Person]:
    people = []
    for i in range(n):
        person = Person.objects.create_user(
            email=f"{prefix}{i}@example.test",
            first_name=f"{prefix.upper()}{i}",
            location=location,
            job_role=role,
        )
        people.append(person)
    return people


def needs(role: JobRole, required: Skill, level: int = 3, essential: bool = True) -> RoleSkill:
    return RoleSkill.objects.create(job_role=role, skill=required, level=level, essential=essential)
