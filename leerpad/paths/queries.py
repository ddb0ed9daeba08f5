"""Reads of the paths app: permission, eager loading and progress in one place."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from leerpad.paths import completions
from leerpad.paths.models import Enrolment, Path, PathVersion, Step
from leerpad.paths.progress import Plan, plan


def steps_of(version: PathVersion) -> list[Step]:
    """The version's steps, loaded for the rules and the page (no query per step)."""
    return list(
        Step.objects.filter(version=version)
        .select_related("item__package", "quiz")
        .prefetch_related("prerequisites", Prefetch("item__translations"), "item__skills")
        .order_by("position", "id")
    )


def plan_for(person_id: int, version: PathVersion, steps: list[Step] | None = None) -> Plan:
    """Where the person stands in `version`, from their completions."""
    steps = steps if steps is not None else steps_of(version)
    facts = completions.facts_for(steps, version.path.key)
    iris = set().union(*(f.iris for f in facts)) if facts else set()
    return plan(facts, completions.done_iris(person_id, iris), version.min_optional)


def published_paths() -> QuerySet[Path]:
    return (
        Path.objects.filter(is_archived=False, current__isnull=False)
        .select_related("current")
        .order_by("key")
    )


def enrolments_of(person_id: int) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person_id=person_id)
        .select_related("path", "version")
        .order_by("-last_activity_at")
    )
