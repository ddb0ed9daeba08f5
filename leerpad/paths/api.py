"""Learning paths over the JSON API (mounted at /api/v1/paths/): the caller's enrolments
with progress, a published path with its steps, and enrolling. Everything acts as the
caller (token or session), through the same `queries` and `services` as the pages."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from leerpad.accounts.api_auth import api_caller
from leerpad.accounts.models import Person
from leerpad.core.links import absolute_url
from leerpad.paths import queries, services
from leerpad.paths.models import Enrolment, Path, Step
from leerpad.paths.progress import State

router = Router(tags=["learning paths"])


# --- schemas -------------------------------------------------------------------------------


class Error(Schema):
    detail: str


class NextStepOut(Schema):
    uid: uuid.UUID
    title: str
    kind: str
    url: str


class EnrolmentOut(Schema):
    path: str
    title: str
    status: str
    via: str
    version: int
    registration: uuid.UUID
    percent: int
    steps_done: int
    steps_total: int
    complete: bool
    minutes_left: int
    next_step: NextStepOut | None
    enrolled_at: dt.datetime
    last_activity_at: dt.datetime
    completed_at: dt.datetime | None
    target_date: dt.date | None
    reminder: str
    certificate_url: str | None
    page_url: str


class StepOut(Schema):
    uid: uuid.UUID
    position: int
    kind: str
    title: str
    instructions: str
    optional: bool
    branch: int | None
    prerequisites: list[uuid.UUID]
    minutes: int
    item_id: int | None
    quiz: str | None
    state: str
    page_url: str


class SkillOut(Schema):
    key: str
    name: str
    level: int


class PathOut(Schema):
    key: str
    title: str
    summary: str
    version: int
    published_at: dt.datetime | None
    min_optional: int
    minutes_total: int
    skills: list[SkillOut]
    steps: list[StepOut]
    enrolment: EnrolmentOut | None
    page_url: str


# --- helpers -------------------------------------------------------------------------------


def _published(key: str) -> Path:
    path = queries.published_paths().filter(key=key).first()
    if path is None:
        raise HttpError(404, "No such path.")
    return path


def _step_url(path_key: str, step: Step) -> str:
    return absolute_url(reverse("paths:step", args=[path_key, step.uid]))


def _enrolment_out(row: queries.Progress) -> EnrolmentOut:
    enrolment = row.enrolment
    next_step = row.next_step
    certificate = queries.certificate_of(enrolment)
    return EnrolmentOut(
        path=enrolment.path.key,
        title=enrolment.version.title(),
        status=enrolment.status,
        via=enrolment.via,
        version=enrolment.version.number,
        registration=enrolment.registration,
        percent=row.plan.percent,
        steps_done=row.steps_done,
        steps_total=len(row.plan.steps),
        complete=row.plan.complete,
        minutes_left=row.plan.minutes_left,
        next_step=NextStepOut(
            uid=next_step.uid,
            title=next_step.title(),
            kind=next_step.kind,
            url=_step_url(enrolment.path.key, next_step),
        )
        if next_step is not None
        else None,
        enrolled_at=enrolment.enrolled_at,
        last_activity_at=enrolment.last_activity_at,
        completed_at=enrolment.completed_at,
        target_date=enrolment.target_date,
        reminder=enrolment.reminder,
        certificate_url=absolute_url(certificate.get_absolute_url()) if certificate else None,
        page_url=absolute_url(enrolment.path.get_absolute_url()),
    )


def _progress(person: Person, enrolment: Enrolment) -> queries.Progress:
    fresh = queries.enrolments_of(person.pk).get(pk=enrolment.pk)
    return queries.progress_of(person.pk, [fresh])[0]


# --- endpoints -----------------------------------------------------------------------------


@router.get("/enrolments", response=list[EnrolmentOut], summary="My enrolments with progress")
def my_enrolments(request: HttpRequest, status: str | None = None) -> list[EnrolmentOut]:
    """The caller's enrolments, most recent activity first; `status` filters (active,
    paused, left, completed)."""
    person = api_caller(request)
    enrolments = queries.enrolments_of(person.pk)
    if status:
        if status not in Enrolment.Status.values:
            raise HttpError(400, f"status must be one of {', '.join(Enrolment.Status.values)}.")
        enrolments = enrolments.filter(status=status)
    return [_enrolment_out(row) for row in queries.progress_of(person.pk, list(enrolments))]


@router.get(
    "/{key}", response={200: PathOut, 404: Error}, summary="A published path with its steps"
)
def get_path(request: HttpRequest, key: str) -> PathOut:
    """The caller's version of the path when enrolled (it may be older than the published
    one), else the published version; each step with its state for the caller."""
    person = api_caller(request)
    path = _published(key)
    enrolment = queries.enrolment_of(person.pk, path)
    version = enrolment.version if enrolment is not None else path.current
    if version is None:  # published_paths() only has paths with a current version
        raise HttpError(404, "No such path.")
    steps = queries.steps_of(version)
    plan = queries.plan_for(person.pk, version, steps)
    uids = {s.pk: s.uid for s in steps}
    facts = {s.step.id: s for s in plan.steps}
    return PathOut(
        key=path.key,
        title=version.title(),
        summary=version.summary(),
        version=version.number,
        published_at=version.published_at,
        min_optional=version.min_optional,
        minutes_total=sum(s.step.minutes for s in plan.steps),
        skills=[
            SkillOut(key=ps.skill.key, name=ps.skill.name(), level=ps.level)
            for ps in version.path_skills.select_related("skill")
        ],
        steps=[
            StepOut(
                uid=step.uid,
                position=step.position,
                kind=step.kind,
                title=step.title(),
                instructions=step.instruction(),
                optional=step.optional,
                branch=step.branch,
                prerequisites=[uids[p.pk] for p in step.prerequisites.all() if p.pk in uids],
                minutes=facts[step.pk].step.minutes,
                item_id=step.item_id,
                quiz=step.quiz.key if step.quiz is not None else None,
                state=str(facts[step.pk].state if step.pk in facts else State.LOCKED),
                page_url=_step_url(path.key, step),
            )
            for step in steps
        ],
        enrolment=_enrolment_out(_progress(person, enrolment)) if enrolment else None,
        page_url=absolute_url(path.get_absolute_url()),
    )


@router.post(
    "/{key}/enrol",
    response={200: EnrolmentOut, 201: EnrolmentOut, 400: Error, 403: Error, 404: Error},
    summary="Enrol in a path (again after leaving)",
)
def enrol(request: HttpRequest, key: str) -> Answer[EnrolmentOut]:
    """201 for a new enrolment, 200 when the caller was enrolled already (or re-enrols
    after leaving or pausing: their progress is kept)."""
    person = api_caller(request)
    path = _published(key)
    existed = queries.enrolment_of(person.pk, path) is not None
    try:
        enrolment = services.enrol(person, path)
    except services.PathError as exc:
        raise HttpError(400, str(exc)) from None
    return Answer(200 if existed else 201, _enrolment_out(_progress(person, enrolment)))
