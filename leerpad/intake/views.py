"""Intake pages: anyone submits and follows their requests; the LD&M team scores them,
sees the board and the plan; the managers set weights and capacity, decide and accept the
plan. Writes go through `services`, reads through `queries`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.intake import forms, quarters, queries, services
from leerpad.intake.models import Milestone, Project, Request, Weights

REQUESTS_PER_PAGE = 20
# The list behind a board column's "Show all".
COLUMN_PER_PAGE = 50


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _visible_request(http: HttpRequest, pk: int) -> Request:
    found = get_object_or_404(
        Request.objects.select_related("requester", "sponsor", "scored_by"), pk=pk
    )
    if not queries.may_see(http.user, found):
        raise PermissionDenied
    return found


# --- requesters ------------------------------------------------------------------------


@require(Capability.LEARN)
def new(request: HttpRequest) -> HttpResponse:
    form = forms.RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.submit(by=_person(request), **data)
        except services.IntakeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Thank you: the LD&M team has your request and will score it.")
            )
            return redirect("intake:request", created.pk)
    return render(request, "intake/request_form.html", {"form": form})


@require(Capability.LEARN)
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.mine(request.user), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "intake/mine.html", {"page": page})


@require(Capability.LEARN)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_request(request, pk)
    if found.requester_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.withdraw(found, by=_person(request))
        except services.IntakeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return redirect("intake:request", found.pk)
    if found.is_decided:
        # An old link: asking to confirm what cannot be done would only confuse.
        messages.info(request, _("This request is already decided; it cannot be withdrawn."))
        return redirect("intake:request", found.pk)
    return render(request, "intake/withdraw.html", {"req": found})


# --- one request -----------------------------------------------------------------------


def _detail_context(http: HttpRequest, found: Request, **overrides: Any) -> dict[str, Any]:
    user = http.user
    team = can(user, Capability.USE_WORKSPACE)
    manager = can(user, Capability.MANAGE_PORTFOLIO)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "req": found,
        "events": found.events.select_related("by"),
        "parts": queries.score_parts(found),
        "team": team,
        "manager": manager,
        "project": Project.objects.filter(request=found).first(),
        "is_requester": found.requester_id == user.pk,
    }
    if team and not found.is_decided:
        context["score_form"] = forms.ScoreForm(
            initial={
                "value": found.value,
                "urgency": found.urgency,
                "risk": found.risk,
                "effort_days": found.effort_days,
            }
        )
    if manager and not found.is_decided:
        context["accept_form"] = forms.AcceptForm(
            initial={"owner": user.pk, "quarter": quarters.of(today)}
        )
        context["park_form"] = forms.ParkForm()
        context["decline_form"] = forms.DeclineForm()
    context.update(overrides)
    return context


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    found = _visible_request(request, pk)
    return render(request, "intake/request.html", _detail_context(request, found))


def _decided_meanwhile(found: Request) -> bool:
    """After a refused write: was the request decided by someone else since the page
    loaded it? Then its forms are gone, so the error goes in a message above the page as
    it is now."""
    found.refresh_from_db(fields=["status"])
    return found.is_decided


@require(Capability.USE_WORKSPACE)
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_request(request, pk)
    form = forms.ScoreForm(request.POST)
    if form.is_valid():
        try:
            services.score(found, by=_person(request), **form.cleaned_data)
        except services.IntakeError as exc:
            if _decided_meanwhile(found):
                messages.error(request, str(exc))
                return redirect("intake:request", found.pk)
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Score saved."))
            return redirect("intake:request", found.pk)
    context = _detail_context(request, found, score_form=form)
    return render(request, "intake/request.html", context, status=400)


@require(Capability.MANAGE_PORTFOLIO)
@require_POST
def decide(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    found = _visible_request(request, pk)
    by = _person(request)
    form: Form
    if kind == "accept":
        form = forms.AcceptForm(request.POST)
    elif kind == "park":
        form = forms.ParkForm(request.POST)
    elif kind == "decline":
        form = forms.DeclineForm(request.POST)
    else:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "accept":
                project = services.accept(
                    found, by=by, owner=data["owner"], quarter=data["quarter"]
                )
                messages.success(request, _("Accepted: add the milestones of the project."))
                return redirect("intake:project", project.pk)
            if kind == "park":
                services.park(found, by=by, reason=data["reason"], revisit_on=data["revisit_on"])
                messages.success(request, _("Parked; it comes back on its revisit date."))
            else:
                services.decline(found, by=by, reason=data["reason"])
                messages.success(request, _("Declined; the requester has been told."))
            return redirect("intake:request", found.pk)
        except services.IntakeError as exc:
            if _decided_meanwhile(found):
                messages.error(request, str(exc))
                return redirect("intake:request", found.pk)
            form.add_error(None, str(exc))
    context = _detail_context(request, found, **{f"{kind}_form": form, "open_form": kind})
    return render(request, "intake/request.html", context, status=400)


@require(Capability.MANAGE_PORTFOLIO)
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_request(request, pk)
    if request.method == "POST":
        try:
            services.reopen(found, by=_person(request))
        except services.IntakeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reopened: the request is open again."))
        return redirect("intake:request", found.pk)
    if found.status not in services.REOPENABLE:
        messages.info(request, _("Only accepted, parked or declined requests can be reopened."))
        return redirect("intake:request", found.pk)
    return render(request, "intake/reopen.html", {"req": found})


# --- the team's views ------------------------------------------------------------------


def _board_filters(request: HttpRequest) -> tuple[forms.BoardFilterForm, str, str, str]:
    """The board's filters (quarter, sponsor) and their query string, for the links that
    must keep them."""
    form = forms.BoardFilterForm(request.GET or None)
    quarter = sponsor = ""
    if form.is_valid():
        quarter = form.cleaned_data["quarter"].strip().upper()
        sponsor = form.cleaned_data["sponsor"].strip()
    query = urlencode({k: v for k, v in (("quarter", quarter), ("sponsor", sponsor)) if v})
    return form, quarter, sponsor, query


@require(Capability.USE_WORKSPACE)
def board(request: HttpRequest) -> HttpResponse:
    form, quarter, sponsor, query = _board_filters(request)
    columns = queries.board(quarter=quarter, sponsor=sponsor)
    return render(
        request,
        "intake/board.html",
        {
            "form": form,
            "columns": columns,
            "quarters": queries.quarter_choices(),
            "quarter": quarter,
            "sponsor": sponsor,
            "filter_query": query,
            "filtered": bool(quarter or sponsor),
            "empty": not any(c.count for c in columns),
            "withdrawn": queries.withdrawn_count(quarter=quarter, sponsor=sponsor),
            "per_column": queries.CARDS_PER_COLUMN,
        },
    )


@require(Capability.USE_WORKSPACE)
def column(request: HttpRequest, key: str) -> HttpResponse:
    """Every request of one board column, paged, with the board's filters."""
    label = queries.column_label(key)
    if label is None:
        raise Http404
    _form, quarter, sponsor, query = _board_filters(request)
    found = queries.column_requests(key, quarter=quarter, sponsor=sponsor)
    page = Paginator(found, COLUMN_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/column.html",
        {
            "key": key,
            "label": label,
            "page": page,
            "quarter": quarter,
            "sponsor": sponsor,
            "filter_query": query,
        },
    )


def _plan_quarter(request: HttpRequest) -> str:
    quarter = str(request.GET.get("quarter") or request.POST.get("quarter") or "").upper()
    return quarter if quarters.is_valid(quarter) else quarters.of(timezone.localdate())


@require(Capability.USE_WORKSPACE)
def plan(request: HttpRequest) -> HttpResponse:
    quarter = _plan_quarter(request)
    view = queries.plan_for(quarter)
    return render(
        request,
        "intake/plan.html",
        {
            "view": view,
            "quarter": quarter,
            "quarters": queries.quarter_choices(),
            "manager": can(request.user, Capability.MANAGE_PORTFOLIO),
            "chosen_ids": ",".join(str(k) for k in sorted(view.plan.solution.chosen))
            if view.plan
            else "",
        },
    )


@require(Capability.MANAGE_PORTFOLIO)
@require_POST
def pin(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Request, pk=pk)
    try:
        services.set_pin(found, request.POST.get("pin", ""))
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    return redirect(f"{_plan_url()}?quarter={_plan_quarter(request)}")


def _plan_url() -> str:
    from django.urls import reverse

    return reverse("intake:plan")


def _ids(raw: str) -> set[int]:
    return {int(part) for part in raw.split(",") if part.strip().isdigit()}


@require(Capability.MANAGE_PORTFOLIO)
def plan_accept(request: HttpRequest) -> HttpResponse:
    """Asks first (GET): the requests that become projects, their effort, who owns them;
    then accepts them all (POST), unless the plan changed since the confirmation."""
    quarter = _plan_quarter(request)
    if request.method != "POST":
        # The set and its totals only: the plan page explained each row already.
        view = queries.plan_for(quarter, explain=False)
        rows = [row for row in view.rows if row.explanation.chosen]
        chosen = {row.request.pk for row in rows}
        seen = request.GET.get("chosen")
        return render(
            request,
            "intake/plan_accept.html",
            {
                "quarter": quarter,
                "view": view,
                "rows": rows,
                "chosen_ids": ",".join(str(k) for k in sorted(chosen)),
                "days": sum((row.item.effort for row in rows), 0.0),
                "value": sum((row.item.value for row in rows), 0.0),
                # The plan page showed another set (a new score or pin in between).
                "changed": seen is not None and _ids(seen) != chosen,
            },
        )
    expected = _ids(str(request.POST.get("chosen", "")))
    try:
        # The accepting manager owns the new projects until they hand them on.
        projects = services.accept_plan(
            quarter, by=_person(request), expected=expected, owner=_person(request)
        )
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "Plan accepted: %(count)s request became a project for %(quarter)s.",
                "Plan accepted: %(count)s requests became projects for %(quarter)s.",
                len(projects),
            )
            % {"count": len(projects), "quarter": quarter},
        )
    return redirect(f"{_plan_url()}?{urlencode({'quarter': quarter})}")


@require(Capability.MANAGE_PORTFOLIO)
def capacity(request: HttpRequest) -> HttpResponse:
    form = forms.CapacityForm(
        request.POST or None, initial={"quarter": quarters.of(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_capacity(**form.cleaned_data)
        except services.IntakeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Capacity for %(quarter)s saved.") % {"quarter": saved.quarter}
            )
            return redirect("intake:capacity")
    views = queries.capacities()
    return render(request, "intake/capacity.html", {"form": form, "views": views})


@require(Capability.MANAGE_PORTFOLIO)
def weights(request: HttpRequest) -> HttpResponse:
    current = Weights.current()
    form = forms.WeightsForm(
        request.POST or None,
        initial={"value": current.value, "urgency": current.urgency, "risk": current.risk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_weights(by=_person(request), **form.cleaned_data)
        except services.IntakeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Weights saved; every score uses them now."))
            return redirect("intake:weights")
    return render(request, "intake/weights.html", {"form": form, "current": current})


# --- projects --------------------------------------------------------------------------


def _may_run(user: Any, project: Project) -> bool:
    return bool(project.owner_id == user.pk or can(user, Capability.MANAGE_PORTFOLIO))


@require(Capability.USE_WORKSPACE)
def project(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Project.objects.select_related("request", "owner", "initiative"), pk=pk
    )
    may_run = _may_run(request.user, found)
    form = forms.MilestoneForm(request.POST or None)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_milestone(found, **form.cleaned_data)
            except services.IntakeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Milestone added."))
                return redirect("intake:project", found.pk)
    return render(
        request,
        "intake/project.html",
        {
            "project": found,
            "milestones": found.milestones.all(),
            "remaining": queries.remaining_effort(found),
            "may_run": may_run,
            "closed": found.status != Project.Status.ACTIVE,
            "form": form,
            "owner_form": forms.OwnerForm(initial={"owner": found.owner_id}),
            "manager": can(request.user, Capability.MANAGE_PORTFOLIO),
        },
        status=400 if request.method == "POST" else 200,
    )


@require(Capability.USE_WORKSPACE)
@require_POST
def milestone_tick(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
    if not _may_run(request.user, milestone.project):
        raise PermissionDenied
    try:
        services.tick_milestone(milestone, done=request.POST.get("done") == "1")
    except services.IntakeError as exc:
        messages.error(request, str(exc))
        if getattr(request, "htmx", False):
            # A page opened before the project closed: reload it whole, with the message.
            return HttpResponseClientRedirect(milestone.project.get_absolute_url())
        return redirect("intake:project", milestone.project_id)
    if getattr(request, "htmx", False):
        return render(request, "intake/_milestone.html", {"milestone": milestone, "may_run": True})
    return redirect("intake:project", milestone.project_id)


@require(Capability.MANAGE_PORTFOLIO)
@require_POST
def project_owner(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Project, pk=pk)
    form = forms.OwnerForm(request.POST)
    if form.is_valid():
        services.set_owner(found, form.cleaned_data["owner"])
        messages.success(request, _("Owner saved."))
    else:
        # Say why nothing changed (for example someone without the workspace).
        messages.error(request, " ".join(str(e) for e in form.errors.get("owner", [])))
    return redirect("intake:project", found.pk)


@require(Capability.USE_WORKSPACE)
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET): a done project cannot be reopened and the requester is told."""
    found = get_object_or_404(Project.objects.select_related("request"), pk=pk)
    if not _may_run(request.user, found):
        raise PermissionDenied
    if request.method != "POST":
        if found.status != Project.Status.ACTIVE:
            messages.info(request, _("The project is already done."))
            return redirect("intake:project", found.pk)
        return render(request, "intake/project_close.html", {"project": found})
    try:
        services.close_project(found, by=_person(request))
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Project done; the requester has been told."))
    return redirect("intake:project", found.pk)


@require(Capability.USE_WORKSPACE)
@require_POST
def project_initiative(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the project's initiative (or open the one it has) and go there."""
    found = get_object_or_404(Project.objects.select_related("request", "owner"), pk=pk)
    if not _may_run(request.user, found):
        raise PermissionDenied
    had_one = found.initiative_id is not None
    try:
        initiative = services.start_initiative(found, by=_person(request))
    except services.IntakeError as exc:
        messages.error(request, str(exc))
        return redirect("intake:project", found.pk)
    if not had_one:
        messages.success(
            request,
            _("Initiative started: map the stakeholders and consult them before you build."),
        )
    return redirect(initiative)
