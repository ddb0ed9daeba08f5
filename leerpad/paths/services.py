"""Writes of the paths app: typed functions, one transaction each.

Progress itself is never written here by hand: it follows the LRS (see `receivers.py`);
`refresh_enrolments` turns new completions into enrolment state (last activity, completed,
certificate, skill evidence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.logging import get_logger
from leerpad.paths import completions, queries, tracking
from leerpad.paths.models import Certificate, Enrolment, Path, PathVersion

log = get_logger(__name__)


class PathError(Exception):
    """A request the rules refuse; the message is shown to the person."""


def path_activity(version: PathVersion) -> dict[str, object]:
    return {
        "objectType": "Activity",
        "id": tracking.path_iri(version.path.key),
        "definition": {"type": tracking.PATH_TYPE, "name": dict(version.titles or {})},
    }


def _record(
    person: Person,
    verb: str,
    enrolment: Enrolment,
    result: dict[str, object] | None = None,
    at: dt.datetime | None = None,
) -> str | None:
    from leerpad.lrs.services import record_for_person

    context = {
        "registration": str(enrolment.registration),
        "extensions": {tracking.EXT_PATH_VERSION: enrolment.version.number},
    }
    try:
        return record_for_person(
            person,
            verb,
            tracking.DISPLAY[verb],
            path_activity(enrolment.version),
            result=result,
            context=context,
            timestamp=at,
        )
    except Exception:
        log.exception("paths.tracking_failed", verb=verb, person_id=person.pk)
        return None


@transaction.atomic
def enrol(person: Person, path: Path, *, via: str = Enrolment.Via.SELF) -> Enrolment:
    """Enrol in the published version; enrolling again after leaving picks up again."""
    version = path.current
    if version is None or path.is_archived:
        raise PathError("This path is not open for enrolment.")
    enrolment = Enrolment.objects.filter(person=person, path=path).first()
    now = timezone.now()
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            person=person, path=path, version=version, via=via, last_activity_at=now
        )
    elif enrolment.status in {Enrolment.Status.LEFT, Enrolment.Status.PAUSED}:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.last_activity_at = now
        enrolment.save(update_fields=["status", "last_activity_at"])
    else:
        return enrolment
    _record(person, tracking.REGISTERED, enrolment)
    refresh_enrolment(enrolment)
    return enrolment


def refresh_enrolments(changed: Mapping[int, set[str]]) -> None:
    """Re-evaluate the open enrolments of people whose completions changed."""
    for enrolment in (
        Enrolment.objects.filter(person_id__in=list(changed))
        .exclude(status=Enrolment.Status.LEFT)
        .select_related("person", "path", "version__path")
    ):
        refresh_enrolment(enrolment, touched=changed.get(enrolment.person_id, set()))


@transaction.atomic
def refresh_enrolment(enrolment: Enrolment, touched: set[str] | None = None) -> Enrolment:
    """Bring an enrolment in line with the person's completions (idempotent)."""
    steps = queries.steps_of(enrolment.version)
    plan = queries.plan_for(enrolment.person_id, enrolment.version, steps)
    fields: list[str] = []
    if touched:
        step_iris = set().union(*(s.step.iris for s in plan.steps)) if plan.steps else set()
        if touched & step_iris:
            enrolment.last_activity_at = timezone.now()
            fields.append("last_activity_at")
    if plan.complete and enrolment.status != Enrolment.Status.COMPLETED:
        iris = set().union(*(s.step.iris for s in plan.steps)) if plan.steps else set()
        last = completions.last_completion(enrolment.person_id, iris)
        # Steps done before enrolling (prior learning) complete the path when it starts.
        _complete(enrolment, fields, at=max(last, enrolment.enrolled_at) if last else None)
    if fields:
        enrolment.save(update_fields=fields)
    return enrolment


def _complete(enrolment: Enrolment, fields: list[str], at: dt.datetime | None = None) -> None:
    from leerpad.skills.models import SkillEvidence
    from leerpad.skills.services import add_evidence

    now = at or timezone.now()
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = now
    enrolment.next_reminder_at = None
    fields += ["status", "completed_at", "next_reminder_at"]
    version = enrolment.version
    person = enrolment.person
    statement_id = _record(
        person,
        tracking.COMPLETED,
        enrolment,
        result={"completion": True, "success": True},
        at=now,
    )
    path_skills = list(version.path_skills.select_related("skill"))
    Certificate.objects.get_or_create(
        enrolment=enrolment,
        defaults={
            "person_name": person.get_full_name() or str(person),
            "path_title": version.title(person.language),
            "version_number": version.number,
            "skills": [
                {"key": ps.skill.key, "names": ps.skill.names, "level": ps.level}
                for ps in path_skills
            ],
            "issued_at": now,
        },
    )
    for ps in path_skills:
        add_evidence(
            person_id=person.pk,
            skill=ps.skill,
            level=ps.level,
            source=SkillEvidence.Source.PATH,
            label=version.title(person.language),
            source_key=f"path:{enrolment.path.key}",
            url=enrolment.path.get_absolute_url(),
            statement_id=statement_id,
            achieved_at=now,
        )
