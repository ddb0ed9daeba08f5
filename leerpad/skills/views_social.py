"""Learning from each other: colleagues who share a skill, conversations, opportunities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Location, Person
from leerpad.core.access import Capability, require
from leerpad.skills import queries, services
from leerpad.skills.forms import (
    AnswerForm,
    ConversationForm,
    OpportunityAnswerForm,
    OpportunityForm,
)
from leerpad.skills.models import ConversationRequest, Opportunity, OpportunityResponse, Skill
from leerpad.skills.views import person_of, require_any

OPPORTUNITIES_PER_PAGE = 12
POSTERS = (Capability.COACH_PEOPLE, Capability.MANAGE_PATHS, Capability.MANAGE_PEOPLE)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- colleagues --------------------------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def colleagues(request: HttpRequest) -> HttpResponse:
    """Colleagues who chose to be found for a skill, and what they share."""
    person = person_of(request)
    key = request.GET.get("skill", "")[:120]
    skill = Skill.objects.filter(key=key).first() if key else None
    found = queries.colleagues_sharing(person, skill)
    gap_ids = queries.gap_skill_ids(person)
    context: dict[str, Any] = {
        "skill": skill,
        "colleagues": found,
        "skills": queries.shared_skills(person),
        "gap_ids": gap_ids,
        "sharing": queries.sharing_profile(person),
    }
    return render(request, "skills/colleagues.html", context)


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, person_pk: int, key: str) -> HttpResponse:
    """Ask a colleague who shares `key` for a conversation."""
    requester = person_of(request)
    skill = get_object_or_404(Skill, key=key)
    colleague = Person.objects.filter(pk=person_pk).first()
    # The same 404 for "no such person" and "not sharing": nothing is learned either way.
    if colleague is None or colleague.pk == requester.pk or not services.shares(colleague, skill):
        raise Http404
    posted = request.method == "POST"
    form = ConversationForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.request_conversation(requester, colleague, skill, form.cleaned_data["message"])
        except services.SkillsError as exc:
            form.add_error(None, str(exc))
        except IntegrityError:
            form.add_error(
                None, _("You already asked this colleague about this skill; wait for their answer.")
            )
        else:
            messages.success(
                request,
                _("Your request was sent to %(name)s. You will find their answer in My skills.")
                % {"name": colleague.get_short_name()},
            )
            return redirect(reverse("skills:mine") + "#conversations")
    context = {"colleague": colleague, "skill": skill, "form": form}
    return render(request, "skills/ask.html", context, status=400 if posted else 200)


@require(Capability.LEARN)
@require_POST
def conversation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    conversation = get_object_or_404(ConversationRequest, pk=pk, colleague=person)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you accept or decline."))
        return redirect(reverse("skills:mine") + "#conversations")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.answer_conversation(
            conversation, person, accept=accept, answer=form.cleaned_data["answer"]
        )
    except services.SkillsError as exc:
        messages.error(request, str(exc))
    else:
        done = (
            _("You accepted the request; %(name)s gets your answer by e-mail.")
            if accept
            else _("You declined the request; %(name)s gets your answer by e-mail.")
        )
        messages.success(request, done % {"name": conversation.requester.get_short_name()})
    return redirect(reverse("skills:mine") + "#conversations")


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def conversation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST withdraws my open request."""
    person = person_of(request)
    conversation = get_object_or_404(
        ConversationRequest.objects.select_related("colleague", "skill"), pk=pk, requester=person
    )
    if request.method == "POST":
        try:
            services.withdraw_conversation(conversation, person)
        except services.SkillsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return redirect(reverse("skills:mine") + "#conversations")
    return render(
        request,
        "skills/confirm.html",
        {
            "title": _("Withdraw your request to %(name)s?")
            % {"name": conversation.colleague.get_short_name()},
            "text": _("They will no longer see it among their open requests."),
            "button": _("Withdraw"),
            "cancel": reverse("skills:mine") + "#conversations",
        },
    )


# --- opportunities -----------------------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def opportunities(request: HttpRequest) -> HttpResponse:
    """Open opportunities, filtered by skill or location; the ones that fit my gaps marked."""
    person = person_of(request)
    skill_key = request.GET.get("skill", "")[:120]
    skill = Skill.objects.filter(key=skill_key).first() if skill_key else None
    location_id = _int(request.GET.get("location"))
    found = queries.open_opportunities(
        skill_id=skill.pk if skill else None, location_id=location_id
    )
    page = Paginator(found, OPPORTUNITIES_PER_PAGE).get_page(request.GET.get("page"))
    gap_ids = queries.gap_skill_ids(person)
    matches = {opp.pk for opp in page.object_list if any(s.pk in gap_ids for s in opp.skills.all())}
    context: dict[str, Any] = {
        "page": page,
        "matches": matches,
        "skill": skill,
        "location_id": location_id,
        "locations": Location.objects.all(),
        "gap_ids": gap_ids,
        "answered": queries.answered_ids(person),
        "may_post": queries.may_post_opportunities(request.user),
        "mine": queries.posted_by(person) if queries.may_post_opportunities(request.user) else [],
        "filtered": bool(skill or location_id),
    }
    return render(request, "skills/opportunities.html", context)


@require_any(*POSTERS)
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = OpportunityForm(request.POST if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        opportunity = services.post_opportunity(
            person_of(request),
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            skills=data["skills"],
            location=data["location"],
            hours=data["hours"],
            closes_on=data["closes_on"],
        )
        messages.success(request, _("Your opportunity is posted."))
        return redirect("skills:opportunity", pk=opportunity.pk)
    return render(
        request, "skills/opportunity_form.html", {"form": form}, status=400 if posted else 200
    )


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def opportunity(request: HttpRequest, pk: int) -> HttpResponse:
    """One opportunity: answer it once; its poster sees the answers and can close it."""
    person = person_of(request)
    found = get_object_or_404(
        Opportunity.objects.select_related("location", "posted_by").prefetch_related("skills"),
        pk=pk,
    )
    is_poster = found.posted_by_id == person.pk
    answered = OpportunityResponse.objects.filter(opportunity=found, person=person).first()
    # Closed opportunities stay visible to their poster and to those who answered.
    if not (is_poster or answered or services.is_open(found)):
        raise Http404
    posted = request.method == "POST"
    if posted and answered:
        messages.warning(request, _("You already answered this opportunity."))
        return redirect("skills:opportunity", pk=found.pk)
    form = OpportunityAnswerForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.respond_to_opportunity(found, person, form.cleaned_data["message"])
        except services.SkillsError as exc:
            form.add_error(None, str(exc))
        except IntegrityError:
            form.add_error(None, _("You already answered this opportunity."))
        else:
            messages.success(
                request,
                _("Your answer was sent to %(name)s.") % {"name": found.posted_by.get_short_name()},
            )
            return redirect("skills:opportunity", pk=found.pk)
    context: dict[str, Any] = {
        "opportunity": found,
        "form": form,
        "is_poster": is_poster,
        "is_open": services.is_open(found),
        "my_response": answered,
        "responses": (
            found.responses.select_related("person__location", "person__job_role")
            if is_poster
            else []
        ),
        "gap_ids": queries.gap_skill_ids(person),
    }
    return render(request, "skills/opportunity.html", context, status=400 if posted else 200)


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def opportunity_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Opportunity, pk=pk)
    if found.posted_by_id != person_of(request).pk:
        raise PermissionDenied
    if request.method == "POST":
        services.close_opportunity(found, person_of(request))
        messages.success(request, _("The opportunity is closed."))
        return redirect("skills:opportunity", pk=found.pk)
    return render(
        request,
        "skills/confirm.html",
        {
            "title": _("Close “%(title)s”?") % {"title": found.title},
            "text": _("Nobody can answer it any more. The answers you received stay here."),
            "button": _("Close the opportunity"),
            "cancel": reverse("skills:opportunity", args=[found.pk]),
        },
    )
