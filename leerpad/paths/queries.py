"""Reads of the paths app: permission, eager loading and progress in one place."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can
from leerpad.paths import completions
from leerpad.paths.models import (
    Certificate,
    Completion,
    Enrolment,
    Invitation,
    Path,
    PathVersion,
    SignOff,
    Step,
)
from leerpad.paths.progress import Plan, State, StepFacts, plan

if TYPE_CHECKING:
    from leerpad.catalog.models import Registration
    from leerpad.core.access import AnyUser

# Path keys the learner's URLs use for pages of their own (/paths/badges/...), and the
# builder's root: a path with one of these keys could never show its page.
RESERVED_KEYS = frozenset({"manage", "badges", "certificates", "signoffs", "invitations"})
# How far ahead "due soon" looks.
DUE_SOON_DAYS = 14
OPEN_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED)
_LANGUAGES = ("nl", "fr", "en")


def _step_loading(steps: QuerySet[Step]) -> QuerySet[Step]:
    return steps.select_related("item__package", "quiz").prefetch_related(
        "prerequisites", Prefetch("item__translations"), "item__skills"
    )


def steps_of(version: PathVersion) -> list[Step]:
    """The version's steps, loaded for the rules and the page (no query per step)."""
    return list(_step_loading(Step.objects.filter(version=version)).order_by("position", "id"))


def plan_for(person_id: int, version: PathVersion, steps: list[Step] | None = None) -> Plan:
    """Where the person stands in `version`, from their completions."""
    return plan_of(person_id, version, version_facts(version, steps))


@dataclass(frozen=True)
class VersionFacts:
    """A version's steps as the progress rules see them, loaded once for many people."""

    facts: list[StepFacts]
    iris: frozenset[str]  # every activity that completes one of its steps


def version_facts(version: PathVersion, steps: list[Step] | None = None) -> VersionFacts:
    steps = steps if steps is not None else steps_of(version)
    facts = completions.facts_for(steps, version.path.key)
    iris: frozenset[str] = frozenset().union(*(f.iris for f in facts)) if facts else frozenset()
    return VersionFacts(facts, iris)


def plan_of(person_id: int, version: PathVersion, prepared: VersionFacts) -> Plan:
    """Where the person stands in `version`, given the version's prepared facts."""
    done = completions.done_iris(person_id, set(prepared.iris))
    return plan(prepared.facts, done, version.min_optional)


@dataclass
class Progress:
    """An enrolment with where its person stands, for lists (home, path list, API)."""

    enrolment: Enrolment
    plan: Plan
    steps: list[Step]

    @property
    def next_step(self) -> Step | None:
        if self.plan.next_step is None:
            return None
        return next((s for s in self.steps if s.pk == self.plan.next_step), None)

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.plan.steps if s.state == State.DONE)


def progress_of(person_id: int, enrolments: Sequence[Enrolment]) -> list[Progress]:
    """Plans for many enrolments of one person in a fixed number of queries."""
    if not enrolments:
        return []
    version_ids = {e.version_id for e in enrolments}
    by_version: dict[int, list[Step]] = {v: [] for v in version_ids}
    for step in _step_loading(Step.objects.filter(version_id__in=version_ids)).order_by(
        "version_id", "position", "id"
    ):
        by_version[step.version_id].append(step)
    facts = {
        e.version_id: completions.facts_for(by_version[e.version_id], e.path.key)
        for e in enrolments
    }
    iris: set[str] = set()
    for version_facts in facts.values():
        for f in version_facts:
            iris |= f.iris
    done = completions.done_iris(person_id, iris)
    return [
        Progress(
            enrolment=e,
            plan=plan(facts[e.version_id], done, e.version.min_optional),
            steps=by_version[e.version_id],
        )
        for e in enrolments
    ]


# --- paths ---------------------------------------------------------------------------------


def published_paths() -> QuerySet[Path]:
    return (
        Path.objects.filter(is_archived=False, current__isnull=False)
        .select_related("current")
        .order_by("key")
    )


def browse_paths(query: str = "") -> QuerySet[Path]:
    """Published paths for the list page, matching `query` in a title or summary in any
    language (the texts are JSON per language, so each language is a key to search)."""
    paths = published_paths().prefetch_related(
        "current__audience_roles", "current__audience_locations"
    )
    for word in query.split()[:5]:
        matches = Q()
        for lang in _LANGUAGES:
            matches |= Q(**{f"current__titles__{lang}__icontains": word})
            matches |= Q(**{f"current__summaries__{lang}__icontains": word})
        paths = paths.filter(matches | Q(key__icontains=word))
    return paths


def path_for_page(key: str) -> Path:
    path = Path.objects.select_related("current").filter(key=key).first()
    if path is None:
        raise Http404
    return path


def for_you(version: PathVersion | None, person: Person) -> dict[str, bool]:
    """Whether a path is meant for the person's role or location (a hint, never a gate).
    Reads the prefetched audiences when there are."""
    if version is None:
        return {"role": False, "location": False}
    roles = {r.pk for r in version.audience_roles.all()}
    locations = {loc.pk for loc in version.audience_locations.all()}
    return {
        "role": person.job_role_id is not None and person.job_role_id in roles,
        "location": person.location_id is not None and person.location_id in locations,
    }


# --- enrolments ----------------------------------------------------------------------------


def enrolments_of(person_id: int) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(person_id=person_id)
        .select_related("path", "version")
        .order_by("-last_activity_at")
    )


def enrolment_of(person_id: int, path: Path) -> Enrolment | None:
    return (
        Enrolment.objects.filter(person_id=person_id, path=path)
        .select_related("version__path", "path", "person")
        .first()
    )


def my_paths(person_id: int) -> list[Progress]:
    """The person's enrolments they have not left: active first, then paused, completed."""
    order: dict[str, int] = {
        Enrolment.Status.ACTIVE: 0,
        Enrolment.Status.PAUSED: 1,
        Enrolment.Status.COMPLETED: 2,
    }
    enrolments = sorted(
        enrolments_of(person_id).exclude(status=Enrolment.Status.LEFT),
        key=lambda e: (order.get(e.status, 3), -e.last_activity_at.timestamp()),
    )
    return progress_of(person_id, enrolments)


def continue_rows(person_id: int, limit: int = 3) -> list[Progress]:
    """Active enrolments, most recent activity first: "continue where you left off"."""
    enrolments = list(enrolments_of(person_id).filter(status=Enrolment.Status.ACTIVE)[:limit])
    return progress_of(person_id, enrolments)


def due_soon(person_id: int, today: dt.date | None = None) -> list[Progress]:
    """Open enrolments whose finish-by date is within `DUE_SOON_DAYS` (or past)."""
    today = today or timezone.localdate()
    enrolments = list(
        enrolments_of(person_id)
        .filter(status__in=OPEN_STATUSES, target_date__isnull=False)
        .filter(target_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .order_by("target_date")
    )
    return progress_of(person_id, enrolments)


def certificate_of(enrolment: Enrolment | None) -> Certificate | None:
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return None
    return Certificate.objects.filter(enrolment=enrolment).first()


def certificate_by_uid(uid: uuid.UUID | str) -> Certificate:
    found = (
        Certificate.objects.select_related("enrolment__path", "enrolment__person")
        .filter(uid=uid)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- invitations ---------------------------------------------------------------------------


def open_invitations(person_id: int, path: Path | None = None) -> list[Invitation]:
    invitations = Invitation.objects.filter(
        person_id=person_id, status=Invitation.Status.OPEN, path__is_archived=False
    ).select_related("invited_by", "path__current")
    if path is not None:
        invitations = invitations.filter(path=path)
    return [i for i in invitations if i.path.current_id is not None]


def may_invite_anyone(user: AnyUser) -> bool:
    return can(user, Capability.MANAGE_PATHS) or can(user, Capability.MANAGE_PEOPLE)


def invitable_people(inviter: Person) -> QuerySet[Person]:
    """Whom `inviter` may invite: their coachees (as a coach) and reports (as a manager),
    or anyone for people who manage paths or people."""
    people = Person.objects.filter(is_active=True).exclude(pk=inviter.pk)
    if may_invite_anyone(inviter):
        return people
    own = Q(manager=inviter)
    if can(inviter, Capability.COACH_PEOPLE):
        own |= Q(coach=inviter)
    return people.filter(own)


def may_invite(inviter: AnyUser, person: Person | None = None) -> bool:
    """May `inviter` invite `person` (or, without one, anyone at all)?"""
    if not inviter.is_authenticated or not can(inviter, Capability.LEARN):
        return False
    if may_invite_anyone(inviter):
        return person is None or person.pk != inviter.pk
    people = invitable_people(inviter)  # type: ignore[arg-type]
    if person is not None:
        people = people.filter(pk=person.pk)
    return people.exists()


# --- sign-offs -----------------------------------------------------------------------------


def signoffs_of(enrolment: Enrolment | None) -> dict[str, SignOff]:
    """The latest sign-off request per step uid of an enrolment."""
    if enrolment is None:
        return {}
    latest: dict[str, SignOff] = {}
    for signoff in SignOff.objects.filter(enrolment=enrolment).order_by("requested_at", "id"):
        latest[str(signoff.step_uid)] = signoff
    return latest


@dataclass
class SignOffRow:
    signoff: SignOff
    step: Step | None


def signoff_requests(coach: Person) -> list[SignOffRow]:
    """Open sign-off requests of the coach's coachees, oldest first."""
    requests = list(
        SignOff.objects.filter(
            status=SignOff.Status.REQUESTED,
            enrolment__person__coach=coach,
            enrolment__status__in=OPEN_STATUSES,
        )
        .select_related("enrolment__person", "enrolment__path", "enrolment__version")
        .order_by("requested_at", "id")
    )
    steps = _steps_by_uid(
        [(r.enrolment.version_id, r.step_uid) for r in requests],
    )
    return [SignOffRow(r, steps.get((r.enrolment.version_id, str(r.step_uid)))) for r in requests]


def _steps_by_uid(keys: Iterable[tuple[int, uuid.UUID]]) -> dict[tuple[int, str], Step]:
    wanted = list(keys)
    if not wanted:
        return {}
    versions = {v for v, _uid in wanted}
    uids = {str(uid) for _v, uid in wanted}
    steps = (
        Step.objects.filter(version_id__in=versions, uid__in=uids)
        .select_related("item", "quiz")
        .prefetch_related("item__translations")
    )
    return {(s.version_id, str(s.uid)): s for s in steps}


def signoff_for_coach(coach: Person, pk: int) -> SignOff:
    found = (
        SignOff.objects.select_related(
            "enrolment__person", "enrolment__path", "enrolment__version__path"
        )
        .filter(pk=pk, enrolment__person__coach=coach)
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class AttendanceRow:
    """A coachee's open session step with a registration for a date that has begun."""

    enrolment: Enrolment
    step: Step
    sessions: list[Registration] = field(default_factory=list)


def attendance_to_confirm(coach: Person, now: dt.datetime | None = None) -> list[AttendanceRow]:
    from leerpad.catalog.models import Registration
    from leerpad.catalog.tracking import activity_id

    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(person__coach=coach, status__in=OPEN_STATUSES).select_related(
            "person", "path", "version"
        )
    )
    if not enrolments:
        return []
    steps = list(
        Step.objects.filter(
            version_id__in={e.version_id for e in enrolments},
            kind=Step.Kind.SESSION,
            item__isnull=False,
        )
        .select_related("item")
        .prefetch_related("item__translations")
        .order_by("position", "id")
    )
    if not steps:
        return []
    people = {e.person_id for e in enrolments}
    registrations = list(
        Registration.objects.filter(
            person_id__in=people,
            state=Registration.State.REGISTERED,
            session__item_id__in={s.item_id for s in steps},
            session__starts_at__lte=now,
        )
        .select_related("session__location")
        .order_by("session__starts_at")
    )
    iris = {activity_id(s.item) for s in steps if s.item is not None}
    done = set(
        Completion.objects.filter(person_id__in=people, activity_iri__in=iris).values_list(
            "person_id", "activity_iri"
        )
    )
    asked = set(
        SignOff.objects.filter(
            enrolment__in=enrolments, status=SignOff.Status.REQUESTED
        ).values_list("enrolment_id", "step_uid")
    )
    rows: list[AttendanceRow] = []
    for enrolment in enrolments:
        for step in steps:
            if step.version_id != enrolment.version_id or step.item is None:
                continue
            if (enrolment.person_id, activity_id(step.item)) in done:
                continue
            if (enrolment.pk, step.uid) in asked:
                continue  # it is in the list of requests already
            dates = [
                r
                for r in registrations
                if r.person_id == enrolment.person_id and r.session.item_id == step.item_id
            ]
            if dates:
                rows.append(AttendanceRow(enrolment, step, dates))
    return rows


def coachee_enrolment(coach: Person, enrolment_id: int) -> Enrolment:
    found = (
        Enrolment.objects.select_related("person", "path", "version__path")
        .filter(pk=enrolment_id, person__coach=coach)
        .first()
    )
    if found is None:
        raise Http404
    return found


def step_of(version: PathVersion, uid: uuid.UUID | str) -> Step:
    found = _step_loading(Step.objects.filter(version=version, uid=uid)).first()
    if found is None:
        raise Http404
    return found
