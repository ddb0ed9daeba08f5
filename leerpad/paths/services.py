"""Writes of the paths app: typed functions, one transaction each.

Progress itself is never written here by hand: it follows the LRS (see `receivers.py`);
`refresh_enrolments` turns new completions into enrolment state (last activity, completed,
certificate, skill evidence). What a learner or coach does that counts as progress
(marking an item done, a coach signing off an assignment or confirming attendance) is
recorded as an xAPI statement, and the step is done when the statement reaches the index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.core.logging import get_logger
from leerpad.paths import completions, queries, tracking
from leerpad.paths.models import (
    Certificate,
    Enrolment,
    Invitation,
    Path,
    PathVersion,
    SignOff,
    Step,
)
from leerpad.paths.progress import State

log = get_logger(__name__)

Json = dict[str, Any]

REMINDER_PERIODS: dict[str, dt.timedelta] = {
    Enrolment.Reminder.WEEKLY: dt.timedelta(days=7),
    Enrolment.Reminder.FORTNIGHTLY: dt.timedelta(days=14),
}
REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 2000


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


def _step_context(enrolment: Enrolment, step: Step, **more: Any) -> Json:
    """The context of a statement that completes a step: the enrolment's registration,
    the path as grouping, and which step of which version it was."""
    context: Json = {
        "registration": str(enrolment.registration),
        "contextActivities": {"grouping": [path_activity(enrolment.version)]},
        "extensions": {
            tracking.EXT_PATH_VERSION: enrolment.version.number,
            tracking.EXT_STEP: str(step.uid),
        },
    }
    context.update(more)
    return context


def _record_step(
    person: Person,
    verb: str,
    obj: Json,
    enrolment: Enrolment,
    step: Step,
    *,
    instructor: Person | None = None,
) -> str:
    """Record a statement that completes a step. Unlike `_record`, a failure raises: the
    statement is the progress, so a sign-off without it would be a lie."""
    from leerpad.lrs.agents import agent_for_person
    from leerpad.lrs.services import record_for_person

    more: Json = {"instructor": agent_for_person(instructor)} if instructor else {}
    return record_for_person(
        person,
        verb,
        tracking.DISPLAY[verb],
        obj,
        result={"completion": True},
        context=_step_context(enrolment, step, **more),
    )


def _next_reminder(enrolment: Enrolment, now: dt.datetime) -> dt.datetime | None:
    period = REMINDER_PERIODS.get(enrolment.reminder)
    if period is None or enrolment.status != Enrolment.Status.ACTIVE:
        return None
    return now + period


def _accept_open_invitations(person: Person, path: Path, now: dt.datetime) -> bool:
    """Enrolling answers the person's open invitations to the path. True if there were."""
    answered = Invitation.objects.filter(
        person=person, path=path, status=Invitation.Status.OPEN
    ).update(status=Invitation.Status.ACCEPTED, answered_at=now)
    return answered > 0


@transaction.atomic
def enrol(person: Person, path: Path, *, via: str = Enrolment.Via.SELF) -> Enrolment:
    """Enrol in the published version; enrolling again after leaving picks up again."""
    version = path.current
    if version is None or path.is_archived:
        raise PathError(_("This path is not open for enrolment."))
    enrolment = Enrolment.objects.filter(person=person, path=path).first()
    now = timezone.now()
    if _accept_open_invitations(person, path, now):
        via = Enrolment.Via.INVITATION
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            person=person, path=path, version=version, via=via, last_activity_at=now
        )
    elif enrolment.status in {Enrolment.Status.LEFT, Enrolment.Status.PAUSED}:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.last_activity_at = now
        # Reminders the person asked for before leaving or pausing start again.
        enrolment.next_reminder_at = _next_reminder(enrolment, now)
        enrolment.save(update_fields=["status", "last_activity_at", "next_reminder_at"])
    else:
        return enrolment
    _record(person, tracking.REGISTERED, enrolment)
    refresh_enrolment(enrolment)
    return enrolment


def refresh_enrolments(changed: Mapping[int, set[str]]) -> None:
    """Re-evaluate the open enrolments of people whose completions changed.

    Runs after every committed statement batch, so it must be cheap: a version's steps and
    their activities are loaded once per batch, not once per enrolment, and an enrolment
    none of whose step activities changed is skipped (its plan cannot have changed).
    Measured on the demo history: loading the steps per enrolment was 64 % of its load time.
    """
    by_version: dict[int, queries.VersionFacts] = {}
    for enrolment in (
        Enrolment.objects.filter(person_id__in=list(changed))
        .exclude(status=Enrolment.Status.LEFT)
        .select_related("person", "path", "version__path")
    ):
        touched = changed.get(enrolment.person_id, set())
        prepared = by_version.get(enrolment.version_id)
        if prepared is None:
            prepared = by_version[enrolment.version_id] = queries.version_facts(enrolment.version)
        if not touched & prepared.iris:
            continue
        refresh_enrolment(enrolment, touched=touched, prepared=prepared)


@transaction.atomic
def refresh_enrolment(
    enrolment: Enrolment,
    touched: set[str] | None = None,
    prepared: queries.VersionFacts | None = None,
) -> Enrolment:
    """Bring an enrolment in line with the person's completions (idempotent)."""
    prepared = prepared or queries.version_facts(enrolment.version)
    plan = queries.plan_of(enrolment.person_id, enrolment.version, prepared)
    fields: list[str] = []
    step_iris: set[str] = set().union(*(s.step.iris for s in plan.steps)) if plan.steps else set()
    if touched and touched & step_iris:
        # When the learner did it (the statement's timestamp), not when it reached the LRS:
        # a tool that sends its statements late must not make old work look recent.
        when = completions.last_completion(enrolment.person_id, touched & step_iris)
        if when is not None and when > enrolment.last_activity_at:
            enrolment.last_activity_at = when
            fields.append("last_activity_at")
    if plan.complete and enrolment.status != Enrolment.Status.COMPLETED:
        last = completions.last_completion(enrolment.person_id, step_iris)
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


# --- the learner's own choices -------------------------------------------------------------


@transaction.atomic
def pause(enrolment: Enrolment) -> Enrolment:
    """Pause: no reminders, kept on the person's list; progress still counts."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise PathError(_("Only a path you are following can be paused."))
    enrolment.status = Enrolment.Status.PAUSED
    enrolment.next_reminder_at = None
    enrolment.save(update_fields=["status", "next_reminder_at"])
    _record(enrolment.person, tracking.SUSPENDED, enrolment)
    return enrolment


@transaction.atomic
def resume(enrolment: Enrolment) -> Enrolment:
    if enrolment.status != Enrolment.Status.PAUSED:
        raise PathError(_("This path is not paused."))
    now = timezone.now()
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.last_activity_at = now
    enrolment.next_reminder_at = _next_reminder(enrolment, now)
    enrolment.save(update_fields=["status", "last_activity_at", "next_reminder_at"])
    _record(enrolment.person, tracking.RESUMED, enrolment)
    return enrolment


@transaction.atomic
def leave(enrolment: Enrolment) -> Enrolment:
    """Leave the path. Progress stays in the record: enrolling again picks up from there."""
    if enrolment.status not in queries.OPEN_STATUSES:
        raise PathError(_("You can only leave a path you are following."))
    enrolment.status = Enrolment.Status.LEFT
    enrolment.next_reminder_at = None
    enrolment.save(update_fields=["status", "next_reminder_at"])
    _record(enrolment.person, tracking.EXITED, enrolment)
    return enrolment


@transaction.atomic
def set_reminders(
    enrolment: Enrolment,
    reminder: str,
    target_date: dt.date | None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """The reminders the learner asked for, and the date they want to finish by."""
    if enrolment.status not in queries.OPEN_STATUSES:
        raise PathError(_("Reminders are only for paths you are following."))
    if reminder not in Enrolment.Reminder.values:
        raise PathError(_("Choose how often to be reminded."))
    now = now or timezone.now()
    if target_date is not None and target_date < timezone.localdate(now):
        raise PathError(_("Choose a date that is not in the past."))
    enrolment.reminder = reminder
    enrolment.target_date = target_date
    enrolment.next_reminder_at = _next_reminder(enrolment, now)
    enrolment.save(update_fields=["reminder", "target_date", "next_reminder_at"])
    return enrolment


def schedule_after(enrolment: Enrolment, sent_at: dt.datetime) -> dt.datetime | None:
    """The reminder after one due at `enrolment.next_reminder_at`: the first moment in its
    rhythm after `sent_at`, so a missed run sends one reminder, not a burst."""
    period = REMINDER_PERIODS.get(enrolment.reminder)
    due = enrolment.next_reminder_at
    if period is None or due is None:
        return None
    missed = max(0, (sent_at - due) // period)
    return due + period * (missed + 1)


# --- steps ---------------------------------------------------------------------------------


def _check_step(enrolment: Enrolment, step: Step) -> None:
    if step.version_id != enrolment.version_id:
        raise PathError(_("This step is not part of your version of the path."))
    if enrolment.status == Enrolment.Status.PAUSED:
        raise PathError(_("Resume the path first."))
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise PathError(_("Enrol in the path first."))


def _state(enrolment: Enrolment, step: Step) -> State | None:
    plan = queries.plan_for(enrolment.person_id, enrolment.version)
    status = plan.status_of(step.pk)
    return status.state if status else None


@transaction.atomic
def mark_item_done(enrolment: Enrolment, step: Step) -> str | None:
    """The learner says they finished a catalogue item: `completed` on the item's activity.
    Returns the statement id, or None when the step was done already."""
    from leerpad.catalog.models import Kind
    from leerpad.catalog.tracking import activity

    _check_step(enrolment, step)
    item = step.item
    if step.kind != Step.Kind.ITEM or item is None:
        raise PathError(_("Only catalogue items are marked as done here."))
    if item.kind == Kind.PACKAGE:
        raise PathError(_("An e-learning package counts as done when you finish it."))
    state = _state(enrolment, step)
    if state == State.DONE:
        return None
    if state == State.LOCKED:
        raise PathError(_("This step waits for other steps first."))
    return _record_step(enrolment.person, tracking.COMPLETED, activity(item), enrolment, step)


@transaction.atomic
def request_signoff(enrolment: Enrolment, step: Step, note: str) -> SignOff:
    """Ask the coach to sign off an assignment (or confirm attendance at a session)."""
    _check_step(enrolment, step)
    if step.kind not in (Step.Kind.ASSIGNMENT, Step.Kind.SESSION):
        raise PathError(_("Only assignments and sessions are signed off by a coach."))
    if enrolment.person.coach_id is None:
        raise PathError(
            _(
                "You have no coach in Leerpad yet. Ask your manager or HR to add one to "
                "your profile."
            )
        )
    note = note.strip()
    if step.kind == Step.Kind.ASSIGNMENT and not note:
        raise PathError(_("Tell your coach briefly what you did."))
    if len(note) > NOTE_MAX_LENGTH:
        raise PathError(_("Keep the note under 2000 characters."))
    state = _state(enrolment, step)
    if state == State.DONE:
        raise PathError(_("This step is done already."))
    if state == State.LOCKED:
        raise PathError(_("This step waits for other steps first."))
    if SignOff.objects.filter(
        enrolment=enrolment, step_uid=step.uid, status=SignOff.Status.REQUESTED
    ).exists():
        raise PathError(_("Your coach has this request already."))
    return SignOff.objects.create(enrolment=enrolment, step_uid=step.uid, note=note)


def _completion_object(enrolment: Enrolment, step: Step) -> tuple[str, Json]:
    """The verb and activity that complete an assignment or session step."""
    from leerpad.catalog.tracking import activity

    if step.kind == Step.Kind.SESSION and step.item is not None:
        return tracking.ATTENDED, activity(step.item)
    names = {lang: text for lang, text in (step.titles or {}).items() if text}
    names = names or {"en": step.title("en")}
    return tracking.COMPLETED, {
        "objectType": "Activity",
        "id": tracking.assignment_iri(enrolment.path.key, step.uid),
        "definition": {"type": tracking.ASSIGNMENT_TYPE, "name": names},
    }


def _check_coach(coach: Person, enrolment: Enrolment) -> None:
    if enrolment.person.coach_id != coach.pk:
        raise PathError(_("Only the person's coach can sign this off."))


@transaction.atomic
def decide_signoff(signoff: SignOff, coach: Person, *, approve: bool, comment: str = "") -> SignOff:
    """Sign off (records the learner's completion, with the coach as instructor) or send
    back with a comment saying what is missing."""
    signoff = SignOff.objects.select_for_update().get(pk=signoff.pk)
    enrolment = Enrolment.objects.select_related("person", "path", "version__path").get(
        pk=signoff.enrolment_id
    )
    _check_coach(coach, enrolment)
    if signoff.status != SignOff.Status.REQUESTED:
        raise PathError(_("This request was answered already."))
    comment = comment.strip()
    if len(comment) > NOTE_MAX_LENGTH:
        raise PathError(_("Keep the comment under 2000 characters."))
    if approve:
        step = (
            Step.objects.filter(version=enrolment.version, uid=signoff.step_uid)
            .select_related("item")
            .prefetch_related("item__translations")
            .first()
        )
        if step is None:
            raise PathError(_("This step is no longer part of their path."))
        verb, obj = _completion_object(enrolment, step)
        _record_step(enrolment.person, verb, obj, enrolment, step, instructor=coach)
        signoff.status = SignOff.Status.SIGNED
    else:
        if not comment:
            raise PathError(_("Say what is still missing, so they know what to do."))
        signoff.status = SignOff.Status.RETURNED
    signoff.coach = coach
    signoff.coach_comment = comment
    signoff.decided_at = timezone.now()
    signoff.save(update_fields=["status", "coach", "coach_comment", "decided_at"])
    return signoff


@transaction.atomic
def confirm_attendance(coach: Person, enrolment: Enrolment, step: Step) -> SignOff:
    """A coach confirms a coachee attended a session step they had not asked about."""
    _check_coach(coach, enrolment)
    if step.kind != Step.Kind.SESSION or step.item is None:
        raise PathError(_("Only session steps need attendance confirmed."))
    if step.version_id != enrolment.version_id:
        raise PathError(_("This step is not part of their version of the path."))
    if _state(enrolment, step) == State.DONE:
        raise PathError(_("This step is done already."))
    verb, obj = _completion_object(enrolment, step)
    _record_step(enrolment.person, verb, obj, enrolment, step, instructor=coach)
    now = timezone.now()
    # Kept like an answered request, so the learner's step page shows who confirmed.
    return SignOff.objects.create(
        enrolment=enrolment,
        step_uid=step.uid,
        status=SignOff.Status.SIGNED,
        coach=coach,
        requested_at=now,
        decided_at=now,
    )


# --- invitations ---------------------------------------------------------------------------


@transaction.atomic
def invite(inviter: Person, person: Person, path: Path, reason: str) -> Invitation:
    """Suggest a path to someone, with a reason they can read. They decide."""
    reason = reason.strip()
    if not reason:
        raise PathError(_("Say why you suggest this path: the person reads it."))
    if len(reason) > REASON_MAX_LENGTH:
        raise PathError(_("Keep the reason under 1000 characters."))
    if not person.is_active or not queries.may_invite(inviter, person):
        raise PathError(_("You can only invite the people you coach or manage."))
    if path.current_id is None or path.is_archived:
        raise PathError(_("This path is not open for enrolment."))
    name = person.get_full_name() or str(person)
    enrolment = Enrolment.objects.filter(person=person, path=path).first()
    if enrolment is not None and enrolment.status in queries.OPEN_STATUSES:
        raise PathError(_("%(name)s already follows this path.") % {"name": name})
    if enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED:
        raise PathError(_("%(name)s completed this path already.") % {"name": name})
    if Invitation.objects.filter(person=person, path=path, status=Invitation.Status.OPEN).exists():
        raise PathError(_("%(name)s has an open invitation to this path already.") % {"name": name})
    return Invitation.objects.create(path=path, person=person, invited_by=inviter, reason=reason)


def _own_open_invitation(invitation: Invitation, person: Person) -> Invitation:
    found = Invitation.objects.select_for_update().select_related("path").get(pk=invitation.pk)
    if found.person_id != person.pk:
        raise PathError(_("This invitation is not yours."))
    if found.status != Invitation.Status.OPEN:
        raise PathError(_("You answered this invitation already."))
    return found


@transaction.atomic
def accept_invitation(invitation: Invitation, person: Person) -> Enrolment:
    found = _own_open_invitation(invitation, person)
    enrolment = enrol(person, found.path, via=Enrolment.Via.INVITATION)
    # `enrol` answers the person's open invitations to the path, this one included.
    return enrolment


@transaction.atomic
def decline_invitation(invitation: Invitation, person: Person) -> Invitation:
    found = _own_open_invitation(invitation, person)
    found.status = Invitation.Status.DECLINED
    found.answered_at = timezone.now()
    found.save(update_fields=["status", "answered_at"])
    return found


# --- certificates --------------------------------------------------------------------------


@transaction.atomic
@transaction.atomic
def reinstate_certificate(certificate: Certificate) -> Certificate:
    """Undo a revocation: the badge page says the certificate is valid again."""
    certificate.revoked_at = None
    certificate.revoked_reason = ""
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate


@transaction.atomic
def revoke_certificate(certificate: Certificate, reason: str) -> Certificate:
    """Withdraw a certificate (issued by mistake); its badge page then says so."""
    reason = reason.strip()
    if not reason:
        raise PathError(_("Say why the certificate is revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:500]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate
