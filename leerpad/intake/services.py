"""Writes of the intake app: each function is one transaction and records an `Event`
where the requester's timeline should show it. Rule violations raise `IntakeError` with
a message fit for the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.initiatives import services as initiative_services
from leerpad.initiatives.models import Initiative
from leerpad.intake import notices, quarters, queries
from leerpad.intake.models import (
    PLANNABLE,
    Capacity,
    Event,
    Milestone,
    Project,
    Request,
    Weights,
)


class IntakeError(Exception):
    pass


# Initiative.title is shorter than Request.title.
INITIATIVE_TITLE_LENGTH = 160


@transaction.atomic
def submit(
    *,
    by: Person,
    title: str,
    problem: str,
    audience: str,
    outcome: str,
    deadline: dt.date | None = None,
    sponsor: Person | None = None,
    sponsor_name: str = "",
    locations: Iterable[Location] = (),
    job_roles: Iterable[JobRole] = (),
) -> Request:
    if deadline is not None and deadline < timezone.localdate():
        raise IntakeError(_("The deadline cannot be in the past."))
    request = Request.objects.create(
        title=title,
        problem=problem,
        audience=audience,
        outcome=outcome,
        deadline=deadline,
        sponsor=sponsor,
        sponsor_name="" if sponsor else sponsor_name,
        requester=by,
    )
    request.locations.set(list(locations))
    request.job_roles.set(list(job_roles))
    Event.objects.create(request=request, kind=Event.Kind.SUBMITTED, by=by)
    return request


def _locked(request: Request) -> Request:
    """The request's row as it is now, locked until the transaction ends. Pages load a
    request before the manager clicks; checking that copy would let two people deciding
    at once both pass, and the second would overwrite the first."""
    try:
        return Request.objects.select_for_update(of=("self",)).get(pk=request.pk)
    except Request.DoesNotExist:
        raise IntakeError(_("This request no longer exists.")) from None


def _sync(stale: Request, fresh: Request, fields: Iterable[str]) -> None:
    """Give the caller's copy the values just written, so it does not stay stale."""
    for field in fields:
        setattr(stale, field, getattr(fresh, field))


@transaction.atomic
def withdraw(request: Request, *, by: Person) -> Request:
    fresh = _locked(request)
    if fresh.requester_id != by.pk:
        raise IntakeError(_("Only the person who asked can withdraw the request."))
    if fresh.is_decided:
        raise IntakeError(
            _("This request is already %(status)s; it cannot be withdrawn.")
            % {"status": fresh.get_status_display().lower()}
        )
    fresh.status = Request.Status.WITHDRAWN
    fresh.save(update_fields=["status"])
    Event.objects.create(request=fresh, kind=Event.Kind.WITHDRAWN, by=by)
    _sync(request, fresh, ["status"])
    return fresh


@transaction.atomic
def score(
    request: Request,
    *,
    by: Person,
    value: int,
    urgency: int,
    risk: int,
    effort_days: Decimal,
) -> Request:
    fresh = _locked(request)
    if fresh.is_decided:
        message = _("This request is already %(status)s.")
        if fresh.status in REOPENABLE:
            message += " " + _("Reopen it before scoring it again.")
        raise IntakeError(message % {"status": fresh.get_status_display().lower()})
    for part in (value, urgency, risk):
        if not 1 <= part <= 10:
            raise IntakeError(_("Value, urgency and risk reduction are scored from 1 to 10."))
    if effort_days < Decimal("0.5"):
        raise IntakeError(_("Effort is at least half a person-day."))
    fresh.value, fresh.urgency, fresh.risk = value, urgency, risk
    fresh.effort_days = effort_days
    fresh.scored_by = by
    fresh.scored_at = timezone.now()
    if fresh.status == Request.Status.NEW:
        fresh.status = Request.Status.SCORED
    fields = ["value", "urgency", "risk", "effort_days", "scored_by", "scored_at", "status"]
    fresh.save(update_fields=fields)
    # No note: the current score is on the request page, and a note would be frozen in
    # the scorer's language while the requester may read another.
    Event.objects.create(request=fresh, kind=Event.Kind.SCORED, by=by)
    _sync(request, fresh, fields)
    return fresh


@transaction.atomic
def save_weights(*, by: Person, value: Decimal, urgency: Decimal, risk: Decimal) -> Weights:
    if min(value, urgency, risk) < 0 or value + urgency + risk <= 0:
        raise IntakeError(_("Weights are zero or more, and at least one is above zero."))
    weights = Weights.current()
    weights.value, weights.urgency, weights.risk = value, urgency, risk
    weights.updated_by = by
    weights.updated_at = timezone.now()
    weights.save()
    return weights


@transaction.atomic
def save_capacity(
    *, quarter: str, people: Decimal, days_per_person: Decimal, note: str = ""
) -> Capacity:
    if not quarters.is_valid(quarter):
        raise IntakeError(_("Write the quarter as 2027-Q1."))
    if people < 0 or days_per_person < 0:
        raise IntakeError(_("People and days cannot be negative."))
    capacity, _created = Capacity.objects.update_or_create(
        quarter=quarter,
        defaults={"people": people, "days_per_person": days_per_person, "note": note},
    )
    return capacity


@transaction.atomic
def set_pin(request: Request, pin: str) -> Request:
    if pin not in Request.Pin.values:
        raise IntakeError(_("Unknown pin."))
    fresh = _locked(request)
    # A plan page opened before the decision must not pin a decided request: the pin
    # would come back with it if it were ever reopened.
    _check_open(fresh, request)
    fresh.pin = pin
    fresh.save(update_fields=["pin"])
    _sync(request, fresh, ["pin"])
    return fresh


# Decisions a manager can undo with "Reopen the decision".
REOPENABLE = frozenset({Request.Status.ACCEPTED, Request.Status.PARKED, Request.Status.DECLINED})


def _check_open(fresh: Request, seen: Request | None = None) -> None:
    """`fresh` is the locked row (see `_locked`); `seen` the copy the page showed, to say
    when someone else decided in between."""
    if not fresh.is_decided:
        return
    status = fresh.get_status_display().lower()
    if seen is not None and seen.status != fresh.status:
        message = _("Someone decided this request meanwhile: it is %(status)s now.")
        message += " " + _("Nothing was changed.")
    else:
        message = _("This request is already %(status)s.")
    if fresh.status in REOPENABLE:
        message += " " + _("Reopen it first if the decision must change.")
    raise IntakeError(message % {"status": status})


def _accept(
    request: Request,
    *,
    by: Person,
    owner: Person | None,
    quarter: str,
    seen: Request | None = None,
) -> Project:
    """`request` is a row locked by the caller's transaction."""
    _check_open(request, seen)
    if not request.is_scored or request.effort_days is None:
        raise IntakeError(_("Score the request (with its effort) before accepting it."))
    if not quarters.is_valid(quarter):
        raise IntakeError(_("Write the quarter as 2027-Q1."))
    project, _created = Project.objects.update_or_create(
        request=request,
        defaults={
            "owner": owner,
            "quarter": quarter,
            "effort_days": request.effort_days,
            "status": Project.Status.ACTIVE,
        },
    )
    request.status = Request.Status.ACCEPTED
    request.pin = Request.Pin.NONE
    request.revisit_on = None
    request.save(update_fields=["status", "pin", "revisit_on"])
    # The note is the quarter alone: the timeline words it in the reader's language
    # (a sentence here would be frozen in the accepting manager's).
    event = Event.objects.create(request=request, kind=Event.Kind.ACCEPTED, by=by, note=quarter)
    notices.tell_requester(request, event)
    return project


@transaction.atomic
def accept(request: Request, *, by: Person, owner: Person | None, quarter: str) -> Project:
    fresh = _locked(request)
    project = _accept(fresh, by=by, owner=owner, quarter=quarter, seen=request)
    _sync(request, fresh, ["status", "pin", "revisit_on"])
    return project


@transaction.atomic
def accept_plan(
    quarter: str, *, by: Person, expected: Iterable[int], owner: Person | None = None
) -> list[Project]:
    """Accept every request the plan for `quarter` chooses now; `expected` is the set the
    manager saw, so a plan that changed in between (a new score, a pin) is not accepted
    blindly."""
    expected = set(expected)
    if not expected:
        raise IntakeError(_("The plan is empty: nothing to accept."))
    # Lock the rows first, as every decision does, so a decision taken meanwhile on one of
    # them (or a second click on "Accept this plan") waits and is then seen here.
    requests = list(
        Request.objects.select_for_update(of=("self",))
        .filter(pk__in=expected, status__in=PLANNABLE)
        .order_by("pk")
    )
    view = queries.plan_for(quarter, explain=False)
    chosen = set(view.plan.solution.chosen) if view.plan else set()
    if len(requests) != len(expected) or chosen != expected:
        raise IntakeError(
            _("The plan changed since you opened it; nothing was accepted. Look at it again.")
        )
    return [_accept(r, by=by, owner=owner, quarter=quarter) for r in requests]


@transaction.atomic
def park(request: Request, *, by: Person, reason: str, revisit_on: dt.date) -> Request:
    fresh = _locked(request)
    _check_open(fresh, request)
    if not reason.strip():
        raise IntakeError(_("Say why the request is parked."))
    if revisit_on <= timezone.localdate():
        raise IntakeError(_("The revisit date must be in the future."))
    fresh.status = Request.Status.PARKED
    fresh.revisit_on = revisit_on
    fresh.pin = Request.Pin.NONE
    fields = ["status", "revisit_on", "pin"]
    fresh.save(update_fields=fields)
    event = Event.objects.create(request=fresh, kind=Event.Kind.PARKED, by=by, note=reason)
    notices.tell_requester(fresh, event)
    _sync(request, fresh, fields)
    return fresh


@transaction.atomic
def decline(request: Request, *, by: Person, reason: str) -> Request:
    fresh = _locked(request)
    _check_open(fresh, request)
    if not reason.strip():
        raise IntakeError(_("Say why the request is declined."))
    fresh.status = Request.Status.DECLINED
    fresh.pin = Request.Pin.NONE
    fields = ["status", "pin"]
    fresh.save(update_fields=fields)
    event = Event.objects.create(request=fresh, kind=Event.Kind.DECLINED, by=by, note=reason)
    notices.tell_requester(fresh, event)
    _sync(request, fresh, fields)
    return fresh


@transaction.atomic
def reopen(request: Request, *, by: Person) -> Request:
    """Undo a decision: the request is open again (scored if it was). An accepted
    request's project goes, with its milestones."""
    fresh = _locked(request)
    if fresh.status not in REOPENABLE:
        if fresh.status == request.status:
            raise IntakeError(_("Only accepted, parked or declined requests can be reopened."))
        raise IntakeError(
            _("Someone changed this request meanwhile: it is %(status)s now. Nothing was changed.")
            % {"status": fresh.get_status_display().lower()}
        )
    Project.objects.filter(request=fresh).delete()
    fresh.status = Request.Status.SCORED if fresh.is_scored else Request.Status.NEW
    fresh.revisit_on = None
    fields = ["status", "revisit_on"]
    fresh.save(update_fields=fields)
    event = Event.objects.create(request=fresh, kind=Event.Kind.REOPENED, by=by)
    notices.tell_requester(fresh, event)
    _sync(request, fresh, fields)
    return fresh


@transaction.atomic
def bring_back_due(today: dt.date | None = None) -> int:
    """Parked requests whose revisit date has come are open again ("to review again");
    the managers and the requester hear of it. Idempotent: a request comes back once."""
    today = today or timezone.localdate()
    due = list(
        Request.objects.select_for_update(of=("self",))
        .select_related("requester")
        .filter(status=Request.Status.PARKED, revisit_on__lte=today)
    )
    for request in due:
        request.status = Request.Status.REVIEW
        request.save(update_fields=["status"])
        event = Event.objects.create(request=request, kind=Event.Kind.REVISIT)
        notices.tell_managers(request, event)
        notices.tell_requester(request, event)
    return len(due)


# --- projects ---------------------------------------------------------------------------


@transaction.atomic
def add_milestone(project: Project, *, title: str, due: dt.date) -> Milestone:
    if project.status != Project.Status.ACTIVE:
        raise IntakeError(_("The project is closed."))
    return Milestone.objects.create(project=project, title=title, due=due)


@transaction.atomic
def tick_milestone(milestone: Milestone, *, done: bool) -> Milestone:
    # A done project's milestones stay as they were when it closed.
    if milestone.project.status != Project.Status.ACTIVE:
        raise IntakeError(_("The project is closed."))
    milestone.done_at = timezone.now() if done else None
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def set_owner(project: Project, owner: Person | None) -> Project:
    project.owner = owner
    project.save(update_fields=["owner"])
    return project


@transaction.atomic
def close_project(project: Project, *, by: Person) -> Project:
    # Lock the request row, as reopen does, so closing and reopening at once cannot both
    # pass; then read the project again under that lock.
    request = _locked(project.request)
    fresh = Project.objects.filter(pk=project.pk).first()
    if fresh is not None and fresh.status == Project.Status.DONE:
        raise IntakeError(_("The project is already done."))
    if fresh is None or request.status != Request.Status.ACCEPTED:
        raise IntakeError(
            _("Someone changed this request meanwhile: it is %(status)s now. Nothing was changed.")
            % {"status": request.get_status_display().lower()}
        )
    fresh.status = Project.Status.DONE
    fresh.save(update_fields=["status"])
    request.status = Request.Status.DONE
    request.save(update_fields=["status"])
    event = Event.objects.create(request=request, kind=Event.Kind.DONE, by=by)
    notices.tell_requester(request, event)
    project.status = fresh.status
    _sync(project.request, request, ["status"])
    return fresh


@transaction.atomic
def start_initiative(project: Project, *, by: Person) -> Initiative:
    """Give an accepted request's project its initiative (stakeholders, SWOT, brief) and
    link the two. Idempotent: a project that has one returns it, so a second click (or
    two managers at once) never makes a second initiative."""
    locked = (
        Project.objects.select_for_update(of=("self",))
        .select_related("request", "owner", "initiative")
        .filter(pk=project.pk)
        .first()
    )
    if locked is None:
        # Reopening the request deleted the project while the page was open.
        raise IntakeError(_("This project no longer exists: its request was reopened."))
    if locked.initiative is not None:
        return locked.initiative
    if locked.status != Project.Status.ACTIVE:
        raise IntakeError(_("The project is closed."))
    request = locked.request
    # An initiative needs an owner; a project without one is started by whoever clicks.
    owner = locked.owner or by
    summary = "\n\n".join(
        part
        for part in (
            request.problem.strip(),
            _("Desired outcome: %(outcome)s") % {"outcome": request.outcome.strip()}
            if request.outcome.strip()
            else "",
        )
        if part
    )
    initiative = initiative_services.save_initiative(
        Initiative(
            title=request.title[:INITIATIVE_TITLE_LENGTH],
            summary=summary,
            owner=owner,
            status=Initiative.Status.CONSULTING,
        ),
        members=[owner],
    )
    locked.initiative = initiative
    locked.save(update_fields=["initiative"])
    project.initiative = initiative
    return initiative
