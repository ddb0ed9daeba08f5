"""Storing the drawn history: rows first, then the statements through the LRS, then
the progress the paths app derives from them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from leerpad.catalog.models import Rating, Registration
from leerpad.lrs.models import Statement
from leerpad.lrs.services import leerpad_authority, record_statements
from leerpad.lrs.xapi import VERSION_2
from leerpad.paths import completions, services
from leerpad.paths import tracking as path_tracking
from leerpad.paths.demo_history.model import (
    BATCH,
    Json,
)
from leerpad.paths.demo_history.simulate import History
from leerpad.paths.models import Enrolment, Invitation, SignOff
from leerpad.paths.progress import plan
from leerpad.quizzes.models import Attempt, AttemptAnswer
from leerpad.skills.models import SkillEvidence


def write(history: History) -> dict[str, int]:
    """Store the rows and the statements, then let the paths app derive progress."""
    enrolments = [o.enrolment for o in history.outcomes]
    Enrolment.objects.bulk_create(enrolments, batch_size=500)
    _ensure_pks(enrolments, Enrolment, "registration")
    Invitation.objects.bulk_create(history.invitations, batch_size=500)
    for signoff in history.signoffs:
        signoff.enrolment_id = signoff.enrolment.pk
    SignOff.objects.bulk_create(history.signoffs, batch_size=500)
    Attempt.objects.bulk_create(history.attempts, batch_size=500)
    _ensure_pks(history.attempts, Attempt, "uid")
    for answer in history.answers:
        answer.attempt_id = answer.attempt.pk
    AttemptAnswer.objects.bulk_create(history.answers, batch_size=1000)
    Registration.objects.bulk_create(history.registrations.values(), batch_size=500)
    Rating.objects.bulk_create(history.ratings, batch_size=500)

    history.statements.sort(key=lambda entry: (entry[0], entry[1]))
    authority = leerpad_authority()
    batch: list[Json] = []
    for _when, _seq, statement in history.statements:
        batch.append(statement)
        if len(batch) >= BATCH:
            record_statements(batch, version=VERSION_2, authority=authority)
            batch = []
    if batch:
        record_statements(batch, version=VERSION_2, authority=authority)

    _progress(history)
    path_iris = [path_tracking.path_iri(p.path.key) for p in history.world.paths]
    finished = list(
        Statement.objects.filter(
            verb_iri=path_tracking.COMPLETED, object_iri__in=path_iris
        ).values_list("payload", flat=True)
    )
    completions.index_statements(finished)
    completed = list(
        Enrolment.objects.filter(
            pk__in=[e.pk for e in enrolments], status=Enrolment.Status.COMPLETED
        )
    )
    for enrolment in completed:
        if enrolment.completed_at and enrolment.completed_at > enrolment.last_activity_at:
            enrolment.last_activity_at = enrolment.completed_at
        enrolment.reminder = ""
    Enrolment.objects.bulk_update(completed, ["last_activity_at", "reminder"], batch_size=500)
    _quiz_evidence(history)
    return {
        "statements": len(history.statements) + len(finished),
        "enrolments": len(enrolments),
        "completed": len(completed),
    }


def _progress(history: History) -> None:
    """What `paths.receivers` does after each commit, done here inside the demo's
    transaction (see `progress_by_hand`), in the order things happened: an enrolment
    is refreshed once its learner's completions up to its last step are indexed, so
    its completion date, certificate and evidence date are the day it was completed,
    not a later day when one of its steps was done again."""
    by_person: dict[int, list[tuple[dt.datetime, Json]]] = {}
    for when, statement in sorted(history.completions, key=lambda entry: entry[0]):
        person_id = int(statement["actor"]["account"]["name"])
        by_person.setdefault(person_id, []).append((when, statement))
    indexed: dict[int, int] = {}
    finishing = sorted(
        (o for o in history.outcomes if o.completed_at is not None),
        key=lambda o: (o.completed_at, o.enrolment.pk),
    )
    for outcome in finishing:
        person_id = outcome.enrolment.person_id
        done_at = outcome.completed_at or history.now
        rows = by_person.get(person_id, [])
        start = upto = indexed.get(person_id, 0)
        while upto < len(rows) and rows[upto][0] <= done_at:
            upto += 1
        if upto > start:
            completions.index_statements([s for _when, s in rows[start:upto]])
            indexed[person_id] = upto
        if outcome.enrolment.status != Enrolment.Status.LEFT:
            services.refresh_enrolment(outcome.enrolment)
    rest = [s for pk, rows in by_person.items() for _when, s in rows[indexed.get(pk, 0) :]]
    completions.index_statements(rest)
    # Prior learning: paths completed later by what was done for another path or
    # outside one (the rules say such a path completes when it starts).
    for outcome in history.outcomes:
        enrolment, version = outcome.enrolment, outcome.version
        if outcome.completed_at is not None or enrolment.status == Enrolment.Status.LEFT:
            continue
        if plan(version.facts, outcome.learner.done, version.version.min_optional).complete:
            services.refresh_enrolment(enrolment)


def _quiz_evidence(history: History) -> None:
    quizzes = {info.quiz.pk: info.quiz for info in history.world.quizzes.values()}
    people = {o.enrolment.person_id: o.enrolment.person for o in history.outcomes}
    rows = []
    for (person_id, quiz_id), (statement_id, when) in sorted(history.quiz_passes.items()):
        quiz = quizzes[quiz_id]
        if quiz.skill_id is None:
            continue
        person = people[person_id]
        rows.append(
            SkillEvidence(
                person_id=person_id,
                skill_id=quiz.skill_id,
                level=quiz.evidence_level,
                source=SkillEvidence.Source.QUIZ,
                label=quiz.title(person.language)[:300],
                url=quiz.get_absolute_url(),
                source_key=f"quiz:{quiz.key}",
                statement_id=uuid.UUID(statement_id),
                achieved_at=when,
            )
        )
    SkillEvidence.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def _ensure_pks(objects: Sequence[Any], model: Any, key: str) -> None:
    """Some backends return no ids from bulk_create: read them back by a unique field."""
    missing = [o for o in objects if o.pk is None]
    if not missing:
        return
    found = dict(
        model.objects.filter(**{f"{key}__in": [getattr(o, key) for o in missing]}).values_list(
            key, "pk"
        )
    )
    for o in missing:
        o.pk = found[getattr(o, key)]


@contextmanager
def progress_by_hand() -> Iterator[None]:
    """Keep the paths receiver off while the history is written.

    The history indexes the completions and refreshes the enrolments itself, in time
    order and inside the demo's transaction (so completion dates are the history's). The
    receiver runs on commit, and the demo commits once at its very end: it would only
    read all twelve months of statements a second time to find nothing to change.
    """
    from leerpad.lrs.signals import statements_recorded
    from leerpad.paths.receivers import on_statements

    was_connected = statements_recorded.disconnect(dispatch_uid="paths.on_statements")
    try:
        yield
    finally:
        if was_connected:
            statements_recorded.connect(on_statements, dispatch_uid="paths.on_statements")
