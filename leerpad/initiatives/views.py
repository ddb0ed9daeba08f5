"""Initiative pages: the list, the overview, the stakeholder map and the consultation
plan with its log. Everyone with the workspace reads the initiative; the stakeholder
pages only its own people (`queries.may_see_stakeholders`); who may change what is
decided in `queries.may_*`; writes go through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.initiatives import forms, planning, queries, services
from leerpad.initiatives.models import BuyIn, Initiative, Stakeholder

PER_PAGE = 20


def person_of(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def initiative_or_404(pk: int) -> Initiative:
    try:
        return queries.initiative(pk)
    except Initiative.DoesNotExist:
        raise Http404 from None


def editable(request: HttpRequest, pk: int) -> Initiative:
    initiative = initiative_or_404(pk)
    if not queries.may_edit(request.user, initiative):
        raise PermissionDenied
    return initiative


def base_context(request: HttpRequest, initiative: Initiative, tab: str) -> dict[str, Any]:
    return {
        "initiative": initiative,
        "tab": tab,
        "may_edit": queries.may_edit(request.user, initiative),
        "may_see_stakeholders": queries.may_see_stakeholders(request.user, initiative),
    }


def stakeholders_closed(request: HttpRequest, initiative: Initiative) -> HttpResponse:
    """A 403 that says why: the stakeholder pages hold judgements about named colleagues
    and are for the initiative's own people only."""
    context = base_context(request, initiative, "closed")
    context["members"] = list(initiative.members.order_by("first_name", "last_name"))
    return render(request, "initiatives/stakeholders_closed.html", context, status=403)


@require(Capability.USE_WORKSPACE)
def initiative_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = Paginator(queries.initiatives(status), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Initiative.Status.choices,
            "this_year": queries.this_year(),
        },
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def initiative_new(request: HttpRequest) -> HttpResponse:
    form = forms.InitiativeForm(
        request.POST or None, initial={"owner": request.user.pk, "members": [request.user.pk]}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["owner"] != request.user and not can(
            request.user, Capability.MANAGE_PORTFOLIO
        ):
            form.add_error(
                "owner", _("Only a portfolio manager starts an initiative for someone else.")
            )
        else:
            initiative = services.save_initiative(
                form.save(commit=False), form.cleaned_data["members"]
            )
            messages.success(
                request, _("Initiative “%(title)s” created.") % {"title": initiative.title}
            )
            return redirect(initiative)
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/form.html", {"form": form}, status=status)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = editable(request, pk)
    form = forms.InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        services.save_initiative(form.save(commit=False), form.cleaned_data["members"])
        messages.success(request, _("Saved."))
        return redirect(initiative)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "initiatives/form.html", {"form": form, "initiative": initiative}, status=status
    )


@require(Capability.USE_WORKSPACE)
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    rows = queries.stakeholders(initiative)
    context = base_context(request, initiative, "overview")
    context.update(
        {
            "members": list(initiative.members.order_by("first_name", "last_name")),
            "stakeholder_count": len(rows),
            "open_count": sum(1 for s in rows if queries.is_open(s)),
            "buy_in": queries.buy_in_summary(rows),
            "pros_cons": queries.pros_cons(initiative),
            "card_count": initiative.swot_cards.count(),
        }
    )
    return render(request, "initiatives/detail.html", context)


# --- stakeholder map --------------------------------------------------------------------


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    if not queries.may_see_stakeholders(request.user, initiative):
        return stakeholders_closed(request, initiative)
    may_edit = queries.may_edit(request.user, initiative)
    form = forms.StakeholderForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            stakeholder: Stakeholder = form.save(commit=False)
            stakeholder.initiative = initiative
            services.save_stakeholder(stakeholder)
            messages.success(request, _("Stakeholder added."))
            return redirect("initiatives:stakeholders", initiative.pk)
    rows = queries.stakeholders(initiative)
    context = base_context(request, initiative, "stakeholders")
    context.update(
        {
            "rows": [(s, planning.quadrant(s.influence, s.interest)) for s in rows],
            "dots": queries.grid(rows),
            "quadrants": queries.grid_quadrants(),
            "buy_in": queries.buy_in_summary(rows),
            "form": form,
            "scale": range(1, 6),
        }
    )
    return render(
        request,
        "initiatives/stakeholders.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _stakeholder(initiative: Initiative, sid: int) -> Stakeholder:
    return get_object_or_404(
        Stakeholder.objects.select_related("person"), pk=sid, initiative=initiative
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    initiative = editable(request, pk)
    stakeholder = _stakeholder(initiative, sid)
    form = forms.StakeholderForm(request.POST or None, instance=stakeholder)
    if request.method == "POST" and form.is_valid():
        services.save_stakeholder(form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("initiatives:stakeholders", initiative.pk)
    context = base_context(request, initiative, "stakeholders")
    context.update({"form": form, "stakeholder": stakeholder})
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/stakeholder_form.html", context, status=status)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def stakeholder_delete(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    initiative = editable(request, pk)
    stakeholder = _stakeholder(initiative, sid)
    if request.method == "POST":
        services.delete_stakeholder(stakeholder)
        messages.success(request, _("Stakeholder removed, with their consultation log."))
        return redirect("initiatives:stakeholders", initiative.pk)
    return render(
        request,
        "initiatives/confirm.html",
        {
            **base_context(request, initiative, "stakeholders"),
            "question": _("Remove %(name)s from the stakeholders?") % {"name": stakeholder},
            "explain": _(
                "Their place in the consultation plan and their consultation log are deleted too."
            ),
            "action": _("Remove"),
            "back": "initiatives:stakeholders",
        },
    )


# --- consultation plan and log ----------------------------------------------------------


@require(Capability.USE_WORKSPACE)
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    if not queries.may_see_stakeholders(request.user, initiative):
        return stakeholders_closed(request, initiative)
    rows = queries.stakeholders(initiative)
    suggested = queries.suggested(rows)
    context = base_context(request, initiative, "consultation")
    context.update(
        {
            "rows": rows,
            "open": [s for s in rows if queries.is_open(s)],
            "suggested": suggested,
            "follows_suggestion": [s.pk for s in rows] == [s.pk for s in suggested],
            "log": queries.consultations(initiative),
            "may_log": queries.may_log(request.user, initiative),
        }
    )
    return render(request, "initiatives/consultation.html", context)


@require(Capability.USE_WORKSPACE)
@require_POST
def stakeholder_move(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    initiative = editable(request, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(status=400)
    services.move_stakeholder(_stakeholder(initiative, sid), direction)  # type: ignore[arg-type]
    return redirect("initiatives:consultation", initiative.pk)


@require(Capability.USE_WORKSPACE)
@require_POST
def plan_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = editable(request, pk)
    services.apply_suggested_order(initiative)
    messages.success(request, _("The plan now follows the suggested order."))
    return redirect("initiatives:consultation", initiative.pk)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def consultation_log(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    if not queries.may_log(request.user, initiative):
        return stakeholders_closed(request, initiative)
    stakeholder = _stakeholder(initiative, sid)
    form = forms.ConsultationForm(request.POST or None, initial={"buy_in": stakeholder.buy_in})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.log_consultation(
            stakeholder,
            held_on=data["held_on"],
            said=data["said"],
            concerns=data["concerns"],
            next_step=data["next_step"],
            buy_in=data["buy_in"],
            author=person_of(request),
        )
        messages.success(request, _("Consultation logged."))
        return redirect("initiatives:consultation", initiative.pk)
    context = base_context(request, initiative, "consultation")
    context.update(
        {
            "form": form,
            "stakeholder": stakeholder,
            "history": stakeholder.consultations.select_related("author"),
            "buy_in_choices": BuyIn.choices,
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/consultation_form.html", context, status=status)
