"""The learner's and coach's pages of learning paths: browse, a path, a step, enrol, pause,
leave, reminders, invitations, sign-offs, and the certificate with its public badge page.

Views stay thin: reads come from `queries`, writes go through `services`, whose
`PathError` messages are shown to the person as they are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.paths import certificates, queries, services
from leerpad.paths.forms import (
    InviteForm,
    ReminderForm,
    SignOffDecisionForm,
    SignOffRequestForm,
)
from leerpad.paths.models import Enrolment, Invitation, Path, PathVersion, SignOff, Step
from leerpad.paths.progress import Plan, State

PATHS_PER_PAGE = 12


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def quiz_url(step: Step, enrolment: Enrolment | None) -> str:
    """The quiz page, carrying the enrolment's registration so the attempt belongs to it."""
    if step.quiz is None:
        return ""
    url = reverse("quizzes:quiz", args=[step.quiz.key])
    if enrolment is None:
        return url
    # The result page links back to the path (`next`).
    back = reverse("paths:path", args=[enrolment.path.key])
    return f"{url}?{urlencode({'registration': str(enrolment.registration), 'next': back})}"


def _form_errors(request: HttpRequest, form: Any) -> None:
    """A small form posted from a page shows its errors as messages on that page."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


# --- the path page's shape -----------------------------------------------------------------


@dataclass
class StepRow:
    step: Step
    number: int
    state: str
    url: str
    minutes: int = 0
    waiting_for: list[Step] = field(default_factory=list)
    signoff: SignOff | None = None


@dataclass
class StepGroup:
    """One step, or the alternatives of a branch shown together ("one of these")."""

    rows: list[StepRow]
    branch: int | None = None

    @property
    def satisfied(self) -> bool:
        return any(r.state == State.DONE for r in self.rows)

    @property
    def optional(self) -> bool:
        return all(r.step.optional for r in self.rows)


def step_groups(
    path_key: str, steps: list[Step], plan: Plan, signoffs: dict[str, SignOff] | None = None
) -> list[StepGroup]:
    """The steps in order, with each branch gathered where its first step stands."""
    by_id = {s.pk: s for s in steps}
    signoffs = signoffs or {}
    rows: dict[int, StepRow] = {}
    for number, status in enumerate(plan.steps, start=1):
        step = by_id[status.step.id]
        rows[step.pk] = StepRow(
            step=step,
            number=number,
            state=str(status.state),
            url=reverse("paths:step", args=[path_key, step.uid]),
            minutes=status.step.minutes,
            waiting_for=[by_id[p] for p in status.waiting_for if p in by_id],
            signoff=signoffs.get(str(step.uid)),
        )
    groups: list[StepGroup] = []
    branches: dict[int, StepGroup] = {}
    for status in plan.steps:
        row = rows[status.step.id]
        branch = row.step.branch
        if branch is None:
            groups.append(StepGroup([row]))
        elif branch in branches:
            branches[branch].rows.append(row)
        else:
            branches[branch] = StepGroup([row], branch=branch)
            groups.append(branches[branch])
    return groups


def _version_for(path: Path, enrolment: Enrolment | None) -> PathVersion:
    version = enrolment.version if enrolment is not None else path.current
    if version is None:
        raise Http404
    if enrolment is None and path.is_archived:
        raise Http404
    return version


# --- browse --------------------------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def path_list(request: HttpRequest) -> HttpResponse:
    """Published paths with a search box; the person's own paths and invitations on top."""
    person = _person(request)
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(queries.browse_paths(query), PATHS_PER_PAGE).get_page(request.GET.get("page"))
    enrolled = dict(
        queries.enrolments_of(person.pk)
        .exclude(status=Enrolment.Status.LEFT)
        .values_list("path_id", "status")
    )
    cards = [
        {
            "path": path,
            "for_you": queries.for_you(path.current, person),
            "status": enrolled.get(path.pk, ""),
        }
        for path in page.object_list
    ]
    context: dict[str, Any] = {
        "page": page,
        "cards": cards,
        "query": query,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "paths/_list_results.html", context)
    context |= {
        "mine": queries.my_paths(person.pk),
        "invitations": queries.open_invitations(person.pk),
        "may_invite": queries.may_invite(person),
        "is_coach": can(person, Capability.COACH_PEOPLE),
    }
    if context["is_coach"]:
        context["signoffs_waiting"] = len(queries.signoff_requests(person))
    return render(request, "paths/list.html", context)


# --- a path --------------------------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def path_page(request: HttpRequest, key: str) -> HttpResponse:
    """Where am I, what is next, how long is left; the steps in order with their state."""
    person = _person(request)
    path = queries.path_for_page(key)
    enrolment = queries.enrolment_of(person.pk, path)
    version = _version_for(path, enrolment)
    steps = queries.steps_of(version)
    plan = queries.plan_for(person.pk, version, steps)
    groups = step_groups(path.key, steps, plan, queries.signoffs_of(enrolment))
    next_step = next((s for s in steps if s.pk == plan.next_step), None)
    following = enrolment is not None and enrolment.status in queries.OPEN_STATUSES
    context: dict[str, Any] = {
        "path": path,
        "version": version,
        "enrolment": enrolment,
        "following": following,
        "plan": plan,
        "groups": groups,
        "step_count": len(steps),
        "steps_done": sum(1 for s in plan.steps if s.state == State.DONE),
        "next_step": next_step,
        "next_url": reverse("paths:step", args=[path.key, next_step.uid]) if next_step else "",
        "skills": list(version.path_skills.select_related("skill")),
        "for_you": queries.for_you(version, person),
        "invitations": queries.open_invitations(person.pk, path),
        "certificate": queries.certificate_of(enrolment),
        "may_enrol": path.current_id is not None
        and not path.is_archived
        and (enrolment is None or enrolment.status == Enrolment.Status.LEFT),
        "may_invite": queries.may_invite(person),
        "newer_version": enrolment is not None
        and path.current_id is not None
        and enrolment.version_id != path.current_id,
        "reminder_form": ReminderForm(
            initial={"reminder": enrolment.reminder, "target_date": enrolment.target_date}
        )
        if following and enrolment is not None
        else None,
    }
    return render(request, "paths/path.html", context)


def _enrolment_or_404(request: HttpRequest, key: str) -> Enrolment:
    path = queries.path_for_page(key)
    enrolment = queries.enrolment_of(_person(request).pk, path)
    if enrolment is None:
        raise Http404
    return enrolment


@require(Capability.LEARN)
@require_POST
def enrol(request: HttpRequest, key: str) -> HttpResponse:
    path = queries.path_for_page(key)
    try:
        enrolment = services.enrol(_person(request), path)
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        if enrolment.status == Enrolment.Status.COMPLETED:
            messages.success(request, _("You had done every step already: path completed."))
        else:
            messages.success(request, _("You are enrolled. Take it at your own pace."))
    return redirect(path)


@require(Capability.LEARN)
@require_POST
def pause(request: HttpRequest, key: str) -> HttpResponse:
    enrolment = _enrolment_or_404(request, key)
    try:
        services.pause(enrolment)
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Paused. Your progress stays; resume whenever you like."))
    return redirect(enrolment.path)


@require(Capability.LEARN)
@require_POST
def resume(request: HttpRequest, key: str) -> HttpResponse:
    enrolment = _enrolment_or_404(request, key)
    try:
        services.resume(enrolment)
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Welcome back."))
    return redirect(enrolment.path)


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, key: str) -> HttpResponse:
    """Leaving asks first; progress stays in the record for when the person comes back."""
    enrolment = _enrolment_or_404(request, key)
    if enrolment.status not in queries.OPEN_STATUSES:
        return redirect(enrolment.path)
    if request.method == "POST":
        try:
            services.leave(enrolment)
        except services.PathError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You left the path."))
        return redirect(enrolment.path)
    return render(
        request,
        "paths/leave.html",
        {"enrolment": enrolment, "path": enrolment.path, "version": enrolment.version},
    )


@require(Capability.LEARN)
@require_POST
def reminders(request: HttpRequest, key: str) -> HttpResponse:
    enrolment = _enrolment_or_404(request, key)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            services.set_reminders(
                enrolment, form.cleaned_data["reminder"] or "", form.cleaned_data["target_date"]
            )
        except services.PathError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
    else:
        _form_errors(request, form)
    return redirect(reverse("paths:path", args=[key]) + "#reminders")


# --- a step --------------------------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def step_page(request: HttpRequest, key: str, uid: uuid.UUID) -> HttpResponse:
    """One step: what it is, how it counts as done, and the button that does it."""
    from leerpad.catalog.models import Kind
    from leerpad.catalog.queries import session_rows

    person = _person(request)
    path = queries.path_for_page(key)
    enrolment = queries.enrolment_of(person.pk, path)
    version = _version_for(path, enrolment)
    steps = queries.steps_of(version)
    step = next((s for s in steps if str(s.uid) == str(uid)), None)
    if step is None:
        raise Http404
    plan = queries.plan_for(person.pk, version, steps)
    status = plan.status_of(step.pk)
    by_id = {s.pk: s for s in steps}
    signoff = queries.signoffs_of(enrolment).get(str(step.uid))
    following = enrolment is not None and enrolment.status == Enrolment.Status.ACTIVE
    state = str(status.state) if status else ""
    needs_coach = step.kind in (Step.Kind.ASSIGNMENT, Step.Kind.SESSION)
    may_ask = (
        following
        and needs_coach
        and state == State.OPEN
        and not (signoff and signoff.status == SignOff.Status.REQUESTED)
    )
    position = steps.index(step)
    context: dict[str, Any] = {
        "path": path,
        "version": version,
        "enrolment": enrolment,
        "following": following,
        "step": step,
        "state": state,
        "waiting_for": [by_id[p] for p in status.waiting_for if p in by_id] if status else [],
        "signoff": signoff,
        "item": step.item,
        "translation": step.item.translation() if step.item else None,
        "is_package": step.item is not None and step.item.kind == Kind.PACKAGE,
        "quiz_url": quiz_url(step, enrolment),
        "sessions": session_rows(step.item, person)
        if step.kind == Step.Kind.SESSION and step.item
        else [],
        "has_coach": person.coach_id is not None,
        "signoff_form": SignOffRequestForm(note_required=step.kind == Step.Kind.ASSIGNMENT)
        if may_ask
        else None,
        "may_mark_done": following
        and step.kind == Step.Kind.ITEM
        and step.item is not None
        and step.item.kind != Kind.PACKAGE
        and state == State.OPEN,
        "previous": steps[position - 1] if position > 0 else None,
        "following_step": steps[position + 1] if position + 1 < len(steps) else None,
        "plan": plan,
        "number": position + 1,
        "step_count": len(steps),
    }
    return render(request, "paths/step.html", context)


def _own_step(request: HttpRequest, key: str, uid: uuid.UUID) -> tuple[Enrolment, Step]:
    enrolment = _enrolment_or_404(request, key)
    step = queries.step_of(enrolment.version, uid)
    return enrolment, step


@require(Capability.LEARN)
@require_POST
def mark_done(request: HttpRequest, key: str, uid: uuid.UUID) -> HttpResponse:
    enrolment, step = _own_step(request, key, uid)
    try:
        services.mark_item_done(enrolment, step)
    except services.PathError as exc:
        messages.error(request, str(exc))
        return redirect("paths:step", key, uid)
    enrolment.refresh_from_db()
    if enrolment.status == Enrolment.Status.COMPLETED:
        messages.success(request, _("Well done: you completed the path."))
    else:
        messages.success(request, _("Marked as done."))
    return redirect(enrolment.path)


@require(Capability.LEARN)
@require_POST
def ask_signoff(request: HttpRequest, key: str, uid: uuid.UUID) -> HttpResponse:
    enrolment, step = _own_step(request, key, uid)
    form = SignOffRequestForm(request.POST, note_required=step.kind == Step.Kind.ASSIGNMENT)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("paths:step", key, uid)
    try:
        services.request_signoff(enrolment, step, form.cleaned_data["note"])
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sent to your coach. You will see their answer here."))
    return redirect("paths:step", key, uid)


# --- invitations ---------------------------------------------------------------------------


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, key: str) -> HttpResponse:
    """A coach, manager or L&D suggests the path to someone, with a reason."""
    inviter = _person(request)
    path = queries.path_for_page(key)
    if path.current is None or path.is_archived:
        raise Http404
    if not queries.may_invite(inviter):
        raise PermissionDenied
    form = InviteForm(request.POST or None, inviter=inviter)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.invite(inviter, person, path, form.cleaned_data["reason"])
        except services.PathError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is invited. They see your reason and decide.")
                % {"name": person.get_full_name() or person.email},
            )
            return redirect(path)
    return render(
        request, "paths/invite.html", {"form": form, "path": path, "version": path.current}
    )


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("path"), pk=pk, person=_person(request)
    )


@require(Capability.LEARN)
@require_POST
def accept_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.accept_invitation(invitation, _person(request))
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are enrolled. Take it at your own pace."))
    return redirect(invitation.path)


@require(Capability.LEARN)
@require_POST
def decline_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.decline_invitation(invitation, _person(request))
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Invitation declined. The path stays open if you change your mind.")
        )
    return redirect("core:home" if request.POST.get("next") == "home" else "paths:list")


# --- coach: sign-offs ----------------------------------------------------------------------


@require(Capability.COACH_PEOPLE)
@require_GET
def signoffs(request: HttpRequest) -> HttpResponse:
    coach = _person(request)
    rows = queries.signoff_requests(coach)
    attendance = queries.attendance_to_confirm(coach)
    return render(
        request,
        "paths/signoffs.html",
        {
            "rows": rows,
            "attendance": attendance,
            "decision_form": SignOffDecisionForm(),
        },
    )


@require(Capability.COACH_PEOPLE)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    coach = _person(request)
    signoff = queries.signoff_for_coach(coach, pk)
    form = SignOffDecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("paths:signoffs")
    approve = form.cleaned_data["decision"] == SignOffDecisionForm.SIGN
    try:
        services.decide_signoff(
            signoff, coach, approve=approve, comment=form.cleaned_data["comment"]
        )
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        name = signoff.enrolment.person.get_full_name()
        if approve:
            messages.success(request, _("Signed off for %(name)s.") % {"name": name})
        else:
            messages.success(request, _("Sent back to %(name)s.") % {"name": name})
    return redirect("paths:signoffs")


@require(Capability.COACH_PEOPLE)
@require_POST
def attended(request: HttpRequest) -> HttpResponse:
    coach = _person(request)
    try:
        enrolment_id = int(request.POST.get("enrolment", ""))
    except ValueError:
        raise Http404 from None
    try:
        step_uid = uuid.UUID(request.POST.get("step", ""))
    except ValueError:
        raise Http404 from None
    enrolment = queries.coachee_enrolment(coach, enrolment_id)
    step = queries.step_of(enrolment.version, step_uid)
    try:
        services.confirm_attendance(coach, enrolment, step)
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Attendance confirmed for %(name)s.") % {"name": enrolment.person.get_full_name()},
        )
    return redirect("paths:signoffs")


# --- certificates and badges ---------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def certificate_pdf(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The certificate as a PDF, for the person it names only."""
    certificate = queries.certificate_by_uid(uid)
    if certificate.enrolment.person_id != request.user.pk:
        raise PermissionDenied
    response = HttpResponse(certificates.render_pdf(certificate), content_type="application/pdf")
    name = f"certificate-{certificate.enrolment.path.key}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def badge(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Public: anyone with the address can check the certificate is real and still valid."""
    certificate = queries.certificate_by_uid(uid)
    context = {
        "certificate": certificate,
        "skills": certificates.skill_rows(certificate),
        "json_url": reverse("paths:badge_json", args=[certificate.uid]),
        "is_owner": request.user.is_authenticated
        and certificate.enrolment.person_id == request.user.pk,
        "path": certificate.enrolment.path,
    }
    return render(request, "paths/badge.html", context)


@require_GET
def badge_json(request: HttpRequest, uid: uuid.UUID) -> JsonResponse:
    certificate = queries.certificate_by_uid(uid)
    response = JsonResponse(certificates.assertion(certificate))
    # Badge verifiers fetch this from other sites.
    response["Access-Control-Allow-Origin"] = "*"
    return response
