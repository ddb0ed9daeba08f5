"""A person's own skills (levels, evidence, sharing), their gaps, and gaps of a group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leerpad.core.access import Capability, require
from leerpad.core.guard import min_group_size
from leerpad.skills import queries, services
from leerpad.skills.forms import AddClaimForm, AnswerForm, ClaimForm, GroupForm, SharingForm
from leerpad.skills.models import Level, Skill
from leerpad.skills.views import is_htmx, person_of, require_any


@require(Capability.LEARN)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My skills: what my role asks, what I say, what Leerpad recorded, and who asked me."""
    person = person_of(request)
    profile = queries.profile_for(person)
    sharing = queries.sharing_profile(person)
    context: dict[str, Any] = {
        "profile": profile,
        "levels": Level.choices,
        "sharing": sharing,
        "sharing_form": SharingForm(
            initial={"visible": sharing.visible, "note": sharing.note} if sharing else None
        ),
        "add_form": AddClaimForm(prefix="add"),
        "received": queries.conversations_received(person),
        "asked": queries.conversations_asked(person),
        "answer_form": AnswerForm(),
    }
    return render(request, "skills/mine.html", context)


def _line(request: HttpRequest, skill: Skill, *, error: str = "") -> HttpResponse:
    """The row of one skill, for htmx; a redirect back to the page otherwise."""
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(reverse("skills:mine") + f"#skill-{skill.key}")
    profile = queries.profile_for(person_of(request))
    line = next((line for line in profile.lines if line.skill.pk == skill.pk), None)
    if line is None:
        return HttpResponse("")
    context = {"line": line, "levels": Level.choices, "saved": not error, "error": error}
    return render(request, "skills/_claim_row.html", context)


@require(Capability.LEARN)
@require_POST
def claim(request: HttpRequest, key: str) -> HttpResponse:
    """Save my own level for a skill and whether I am willing to share it."""
    skill = get_object_or_404(Skill, key=key)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _line(request, skill, error=_("Choose one of the levels."))
    services.set_claim(
        person_of(request),
        skill,
        self_level=form.cleaned_data["self_level"],
        willing_to_share=form.cleaned_data["willing_to_share"],
    )
    if not is_htmx(request):
        messages.success(request, _("“%(skill)s” is saved.") % {"skill": skill.name()})
    return _line(request, skill)


@require(Capability.LEARN)
@require_POST
def claim_add(request: HttpRequest) -> HttpResponse:
    """Add a skill I have (or want to grow) to my profile."""
    form = AddClaimForm(request.POST, prefix="add")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("skills:mine")
    skill: Skill = form.cleaned_data["skill"]
    person = person_of(request)
    existing = skill.claims.filter(person=person).first()
    services.set_claim(
        person,
        skill,
        self_level=form.cleaned_data["self_level"],
        willing_to_share=existing.willing_to_share if existing else False,
    )
    messages.success(request, _("“%(skill)s” is on your profile.") % {"skill": skill.name()})
    return redirect(reverse("skills:mine") + f"#skill-{skill.key}")


@require(Capability.LEARN)
@require_POST
def claim_remove(request: HttpRequest, key: str) -> HttpResponse:
    skill = get_object_or_404(Skill, key=key)
    services.remove_claim(person_of(request), skill)
    messages.success(
        request,
        _(
            "What you said about “%(skill)s” is removed. Evidence Leerpad recorded stays on "
            "your profile."
        )
        % {"skill": skill.name()},
    )
    return redirect("skills:mine")


@require(Capability.LEARN)
@require_POST
def sharing(request: HttpRequest) -> HttpResponse:
    form = SharingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("skills:mine")
    profile = services.set_sharing(
        person_of(request), visible=form.cleaned_data["visible"], note=form.cleaned_data["note"]
    )
    if profile.visible:
        messages.success(
            request,
            _("Colleagues can now find you for the skills you marked as willing to share."),
        )
    else:
        messages.success(request, _("Colleagues can no longer find you."))
    return redirect(reverse("skills:mine") + "#sharing")


@require(Capability.LEARN)
@require_GET
def gaps(request: HttpRequest) -> HttpResponse:
    """What my role asks that I do not have yet, and what closes each gap."""
    person = person_of(request)
    context = {
        "rows": queries.gap_plan(person),
        "job_role": person.job_role,
        "has_profile": queries.role_has_profile(person),
    }
    return render(request, "skills/gaps.html", context)


@require_any(Capability.MANAGE_PEOPLE, Capability.VIEW_ANALYTICS, Capability.COACH_PEOPLE)
@require_GET
def group_gaps(request: HttpRequest) -> HttpResponse:
    """Gaps of a team or location, as counts, only for groups of at least k people."""
    teams, locations = queries.group_choices(request.user)
    coach_only = queries.coach_only(request.user)
    own_location = person_of(request).location
    if coach_only and own_location is None:
        raise PermissionDenied
    form = GroupForm(request.GET or None, teams=teams, locations=locations)
    report = None
    team = location = None
    if form.is_bound and form.is_valid():
        team = form.cleaned_data["team"]
        location = form.cleaned_data["location"]
    elif form.is_bound:
        # A team or location the viewer may not choose.
        raise PermissionDenied
    if coach_only:
        # A coach always looks at their own location, whatever else is chosen.
        location = own_location
    if form.is_bound or coach_only:
        report = queries.group_gaps(
            team_id=team.pk if team else None, location_id=location.pk if location else None
        )
    context = {
        "form": form,
        "report": report,
        "team": team,
        "location": location,
        "coach_only": coach_only,
        "k": min_group_size(),
    }
    return render(request, "skills/group_gaps.html", context)
