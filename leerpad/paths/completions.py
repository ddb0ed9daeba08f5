"""The `Completion` index: which activities a person completed, kept in step with the LRS.

Every statement batch the LRS commits passes through `index_statements` (see
`receivers.py`): statements that say a known person completed an activity become rows,
voiding statements remove the rows of their targets. The index answers "which of these
activity IRIs has this person completed?" with one indexed query, where asking the LRS
would mean scanning statements by JSON.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from leerpad.catalog.tracking import activity_id as item_activity_id
from leerpad.core.logging import get_logger
from leerpad.lrs.agents import person_ids_for_agents
from leerpad.lrs.xapi import parse_timestamp
from leerpad.paths.models import Completion, Step
from leerpad.paths.progress import StepFacts
from leerpad.paths.tracking import assignment_iri, counts_as_completion
from leerpad.quizzes.tracking import quiz_iri

log = get_logger(__name__)

Json = dict[str, Any]
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def index_statements(statements: Sequence[Json]) -> dict[int, set[str]]:
    """Index the completions in a committed batch; returns {person id: activity IRIs}
    whose completion changed (added or voided), for the enrolments to be re-evaluated."""
    changed: dict[int, set[str]] = {}
    voided: list[uuid.UUID] = []
    candidates: list[Json] = []
    for statement in statements:
        obj = statement.get("object") or {}
        if (statement.get("verb") or {}).get("id") == VOIDED and (
            obj.get("objectType") == "StatementRef"
        ):
            voided.append(uuid.UUID(obj["id"]))
        elif (
            obj.get("objectType", "Activity") == "Activity"
            and counts_as_completion(statement)
            and (statement.get("actor") or {}).get("objectType") != "Group"
        ):
            candidates.append(statement)
    # Whose completions: resolved for the whole batch at once (the LRS write path).
    people = person_ids_for_agents([s.get("actor") or {} for s in candidates])
    rows: list[Completion] = []
    for statement, person_id in zip(candidates, people, strict=True):
        if person_id is None:
            continue
        obj = statement["object"]
        result = statement.get("result") or {}
        rows.append(
            Completion(
                person_id=person_id,
                activity_iri=obj["id"],
                statement_id=uuid.UUID(statement["id"]),
                verb_iri=statement["verb"]["id"],
                success=result.get("success"),
                score_scaled=(result.get("score") or {}).get("scaled"),
                completed_at=parse_timestamp(statement.get("timestamp") or statement["stored"]),
            )
        )
        changed.setdefault(person_id, set()).add(obj["id"])
    if not rows and not voided:
        return changed  # most batches: nothing to write, so no transaction either
    with transaction.atomic():
        if rows:
            Completion.objects.bulk_create(rows, ignore_conflicts=True)
        if voided:
            gone = Completion.objects.filter(statement_id__in=voided)
            for person_id, iri in gone.values_list("person_id", "activity_iri"):
                changed.setdefault(person_id, set()).add(iri)
            gone.delete()
    return changed


def step_iris(step: Step, path_key: str) -> frozenset[str]:
    """The activity IRIs whose completion completes `step` (see `tracking`)."""
    if step.kind == Step.Kind.ASSIGNMENT:
        return frozenset({assignment_iri(path_key, step.uid)})
    if step.kind == Step.Kind.QUIZ and step.quiz_id is not None:
        return frozenset({quiz_iri(step.quiz.key)})  # type: ignore[union-attr]
    if step.item_id is not None:
        item = step.item
        if item is None:  # deleted under us; PROTECT makes this unreachable in practice
            return frozenset()
        iris = {item_activity_id(item)}
        package = getattr(item, "package", None)
        if package is not None and package.activity_id:
            iris.add(package.activity_id)
        return frozenset(iris)
    return frozenset()


def step_minutes(step: Step) -> int:
    if step.minutes is not None:
        return step.minutes
    if step.item_id is not None and step.item.duration_minutes:  # type: ignore[union-attr]
        return int(step.item.duration_minutes)  # type: ignore[union-attr]
    if step.kind == Step.Kind.QUIZ:
        return 10
    return 0


def facts_for(steps: Iterable[Step], path_key: str) -> list[StepFacts]:
    """Rule facts for steps loaded with `item__package`, `quiz` and `prerequisites`."""
    return [
        StepFacts(
            id=step.pk,
            position=step.position,
            iris=step_iris(step, path_key),
            optional=step.optional,
            branch=step.branch,
            prerequisites=frozenset(p.pk for p in step.prerequisites.all()),
            minutes=step_minutes(step),
        )
        for step in steps
    ]


def done_iris(person_id: int, iris: Iterable[str]) -> set[str]:
    """Which of `iris` the person has completed."""
    wanted = list(set(iris))
    found: set[str] = set()
    # Chunks keep the IN list under SQLite's variable limit for very long paths.
    for start in range(0, len(wanted), 500):
        found.update(
            Completion.objects.filter(
                person_id=person_id, activity_iri__in=wanted[start : start + 500]
            ).values_list("activity_iri", flat=True)
        )
    return found


def last_completion(person_id: int, iris: Iterable[str]) -> dt.datetime | None:
    row = (
        Completion.objects.filter(person_id=person_id, activity_iri__in=list(iris))
        .order_by("-completed_at")
        .values_list("completed_at", flat=True)
        .first()
    )
    return row


def rebuild(batch_size: int = 2000) -> int:
    """Rebuild the whole index from the LRS (after a restore, or to repair). Returns rows."""
    from leerpad.lrs.models import Statement

    Completion.objects.all().delete()
    count = 0
    batch: list[Json] = []
    for payload in (
        Statement.objects.filter(voided=False).order_by("stored").values_list("payload", flat=True)
    ).iterator(chunk_size=batch_size):
        batch.append(payload)
        if len(batch) >= batch_size:
            index_statements(batch)
            batch = []
    if batch:
        index_statements(batch)
    count = Completion.objects.count()
    log.info("paths.completions_rebuilt", rows=count)
    return count
