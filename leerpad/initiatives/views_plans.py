"""The annual plans side by side: L&D and marketing on one month timeline, with the
entries that reach the same people in the same months marked in both columns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leerpad.accounts.models import JobRole, Location
from leerpad.core.access import Capability, can, require
from leerpad.initiatives import forms, planning, queries, services
from leerpad.initiatives.models import AnnualPlan, PlanEntry

MIN_YEAR, MAX_YEAR = 2000, 2100


@require(Capability.USE_WORKSPACE)
def plans_now(request: HttpRequest) -> HttpResponse:
    return redirect("initiatives:plans", queries.this_year())


def _audience(entry: PlanEntry) -> str:
    parts = [r.name for r in entry.job_roles.all()] + [loc.name for loc in entry.locations.all()]
    return ", ".join(parts) if parts else _("everyone")


def _months(first: int, last: int) -> str:
    start = MONTHS_3[first].title()
    return start if first == last else f"{start}\u2013{MONTHS_3[last].title()}"


def _names(ids: frozenset[int], names: dict[int, str]) -> str:
    return ", ".join(sorted(names[i] for i in ids if i in names))


@require(Capability.USE_WORKSPACE)
def plans(request: HttpRequest, year: int) -> HttpResponse:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return redirect("initiatives:plans", queries.this_year())
    found = queries.plans_of(year)
    ld, marketing = found[AnnualPlan.Kind.LD], found[AnnualPlan.Kind.MARKETING]
    ld_entries = list(ld.entries.all()) if ld else []
    mk_entries = list(marketing.entries.all()) if marketing else []
    by_pk = {e.pk: e for e in [*ld_entries, *mk_entries]}
    spans = {e.pk: queries.span_of(e) for e in by_pk.values()}
    found_overlaps = planning.overlaps(
        [spans[e.pk] for e in ld_entries], [spans[e.pk] for e in mk_entries]
    )
    role_names = dict(JobRole.objects.values_list("pk", "name"))
    place_names = dict(Location.objects.values_list("pk", "name"))
    marks: dict[int, list[int]] = {}
    overlap_rows = []
    for number, overlap in enumerate(found_overlaps, start=1):
        marks.setdefault(overlap.a.key, []).append(number)
        marks.setdefault(overlap.b.key, []).append(number)
        shared = [
            text
            for text in (
                _names(overlap.job_roles, role_names),
                _names(overlap.locations, place_names),
            )
            if text
        ]
        overlap_rows.append(
            {
                "number": number,
                "ld": by_pk[overlap.a.key],
                "marketing": by_pk[overlap.b.key],
                "months": _months(overlap.first_month, overlap.last_month),
                "audience": " · ".join(shared) if shared else _("everyone"),
            }
        )

    def column(plan: AnnualPlan | None, entries: list[PlanEntry]) -> dict[str, Any]:
        return {
            "plan": plan,
            "may_edit": plan is not None and queries.may_edit_plan(request.user, plan),
            "rows": [
                {
                    "entry": e,
                    "audience": _audience(e),
                    "marks": marks.get(e.pk, []),
                    "span": e.end_month - e.start_month + 1,
                    "first": MONTHS_3[e.start_month].title(),
                    "last": MONTHS_3[e.end_month].title(),
                }
                for e in entries
            ],
        }

    context = {
        "year": year,
        "years": sorted({*queries.years(), year, queries.this_year()}, reverse=True),
        "months": [MONTHS_3[n].title() for n in range(1, 13)],
        "columns": [
            (AnnualPlan.Kind.LD, AnnualPlan.Kind.LD.label, column(ld, ld_entries)),
            (
                AnnualPlan.Kind.MARKETING,
                AnnualPlan.Kind.MARKETING.label,
                column(marketing, mk_entries),
            ),
        ],
        "overlaps": overlap_rows,
        "may_create": can(request.user, Capability.MANAGE_PORTFOLIO),
        "plan_form": forms.PlanForm(initial={"owner": request.user.pk}),
        "missing": [
            (kind, label) for kind, label in AnnualPlan.Kind.choices if found[kind] is None
        ],
    }
    return render(request, "initiatives/plans.html", context)


@require(Capability.MANAGE_PORTFOLIO)
@require_http_methods(["POST"])
def plan_new(request: HttpRequest, year: int) -> HttpResponse:
    form = forms.PlanForm(request.POST)
    if form.is_valid() and MIN_YEAR <= year <= MAX_YEAR:
        try:
            services.create_plan(year, form.cleaned_data["kind"], form.cleaned_data["owner"])
            messages.success(request, _("Plan created. Add its entries."))
        except services.InitiativeError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Choose the kind of plan and its owner."))
    return redirect("initiatives:plans", year)


def _editable_plan(request: HttpRequest, plan_id: int) -> AnnualPlan:
    plan = get_object_or_404(AnnualPlan, pk=plan_id)
    if not queries.may_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _entry_page(request: HttpRequest, plan: AnnualPlan, entry: PlanEntry | None) -> HttpResponse:
    form = forms.PlanEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved: PlanEntry = form.save(commit=False)
        saved.plan = plan
        try:
            services.save_entry(
                saved, form.cleaned_data["job_roles"], form.cleaned_data["locations"]
            )
        except services.InitiativeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Entry saved."))
            return redirect("initiatives:plans", plan.year)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "initiatives/entry_form.html",
        {"form": form, "plan": plan, "entry": entry},
        status=status,
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _entry_page(request, _editable_plan(request, plan_id), None)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(PlanEntry.objects.select_related("plan"), pk=entry_id)
    return _entry_page(request, _editable_plan(request, entry.plan_id), entry)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(PlanEntry.objects.select_related("plan"), pk=entry_id)
    plan = _editable_plan(request, entry.plan_id)
    if request.method == "POST":
        services.delete_entry(entry)
        messages.success(request, _("Entry deleted."))
        return redirect("initiatives:plans", plan.year)
    return render(request, "initiatives/entry_delete.html", {"entry": entry, "plan": plan})
