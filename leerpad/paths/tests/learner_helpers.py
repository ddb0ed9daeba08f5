"""Paths for the learner-side tests, made directly in the database (the builder has its
own tests), and the statements that make progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem, Package, Session
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.lrs.models import Statement
from leerpad.lrs.services import record_for_person
from leerpad.paths import tracking
from leerpad.paths.models import Path, PathSkill, PathVersion, Step
from leerpad.quizzes.models import Quiz
from leerpad.skills.models import Skill

# pytest-django's `django_capture_on_commit_callbacks` fixture.
Capture = Callable[..., AbstractContextManager[Any]]


def make_path(
    key: str = "welkom",
    steps: Sequence[dict[str, Any]] = (),
    *,
    titles: dict[str, str] | None = None,
    summaries: dict[str, str] | None = None,
    min_optional: int = 0,
    skills: Sequence[tuple[Skill, int]] = (),
    published: bool = True,
    number: int = 1,
) -> Path:
    """A path with one version holding `steps`; a step spec is a dict of `Step` fields
    plus `needs` (indexes of earlier specs that are its prerequisites)."""
    path = Path.objects.create(key=key)
    version = PathVersion.objects.create(
        path=path,
        number=number,
        status=PathVersion.Status.PUBLISHED if published else PathVersion.Status.DRAFT,
        titles=titles or {"nl": f"Pad {key}", "en": f"Path {key}"},
        summaries=summaries or {},
        min_optional=min_optional,
        published_at=timezone.now() if published else None,
    )
    made: list[Step] = []
    for position, spec in enumerate(steps):
        fields = {k: v for k, v in spec.items() if k != "needs"}
        fields.setdefault("kind", Step.Kind.ITEM)
        step = Step.objects.create(version=version, position=position, **fields)
        step.prerequisites.set([made[i] for i in spec.get("needs", [])])
        made.append(step)
    for skill, level in skills:
        PathSkill.objects.create(version=version, skill=skill, level=level)
    if published:
        path.current = version
        path.save(update_fields=["current"])
    return path


def steps_of(path: Path) -> list[Step]:
    version = path.current or path.versions.first()
    assert version is not None
    return list(version.steps.order_by("position", "id"))


def article(title: str = "Klachten behandelen", minutes: int | None = 20) -> ContentItem:
    return make_item(title, duration_minutes=minutes)


def package(
    title: str = "Veilig heffen", activity_id: str = "https://tool.example/courses/lift"
) -> ContentItem:
    item = make_item(title, kind="package", duration_minutes=30)
    Package.objects.create(
        item=item,
        standard=Package.Standard.XAPI,
        folder="packages/x",
        launch_path="index.html",
        activity_id=activity_id,
    )
    return item


def session_item(title: str = "Kassatraining", *, days: int = -1) -> ContentItem:
    """A classroom session item with one date `days` from now (negative: in the past)."""
    item = make_item(title, kind="session", duration_minutes=180)
    start = timezone.now() + dt.timedelta(days=days)
    Session.objects.create(item=item, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    return item


def quiz(key: str = "veilig-werken") -> Quiz:
    return Quiz.objects.create(key=key, titles={"nl": "Quiz veilig werken", "en": "Safe work quiz"})


def skill(key: str = "klantgesprekken") -> Skill:
    return Skill.objects.create(
        key=key, names={"nl": "Klantgesprekken", "en": "Customer conversations"}
    )


def complete(
    capture: Capture, person: Person, activity_iri: str, verb: str = tracking.COMPLETED
) -> str:
    """Record, as Leerpad would, that `person` completed an activity; runs the commit hooks
    so the statement reaches path progress."""
    with capture(execute=True):
        return record_for_person(
            person,
            verb,
            {"en": "completed"},
            {"objectType": "Activity", "id": activity_iri},
        )


def statements(verb: str) -> list[dict[str, Any]]:
    return [s.payload for s in Statement.objects.filter(verb_iri=verb).order_by("id")]
