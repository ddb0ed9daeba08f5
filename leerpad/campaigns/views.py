"""Segment pages for marketers: the list with current counts, the rule builder (with a live
count as rules change), duplicate and delete. Writes go through `services`; what may be
shown of the members is decided in `queries.audience`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.campaigns import forms, queries, services
from leerpad.campaigns import rules as segment_rules
from leerpad.campaigns.models import Segment
from leerpad.core.access import Capability, require
from leerpad.skills.models import Skill

SEGMENTS_PER_PAGE = 20
SKILL_CHOICES = 500  # the builder's skill list; typing a key works for the rest


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


@require(Capability.MANAGE_CAMPAIGNS)
def segment_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.segments(), SEGMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "segment": segment,
            "audience": queries.audience_of(segment),
            "rules": queries.describe(segment),
        }
        for segment in page.object_list
    ]
    return render(request, "campaigns/segments.html", {"page": page, "rows": rows})


def _builder_context(
    request: HttpRequest,
    form: forms.SegmentForm,
    rows: list[forms.RuleRow],
    segment: Segment | None,
    *,
    show_errors: bool = False,
    problems: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "form": form,
        "rows": rows,
        "segment": segment,
        "show_errors": show_errors,
        "problems": problems or [],
        "type_choices": forms.type_choices(),
        "skills": Skill.objects.order_by("key").values_list("key", flat=True)[:SKILL_CHOICES],
    }


def _rows_after_action(
    action: str, rows: list[forms.RuleRow], add_type: str
) -> list[forms.RuleRow]:
    """Add a rule of `add_type` or remove rule "remove-<n>"; the other rules keep what
    was typed in them (they stay bound to the posted data)."""
    if action == "add":
        row = forms.new_row(add_type, rows)
        if row is not None and len(rows) < segment_rules.MAX_RULES:
            return [*rows, row]
    elif action.startswith("remove-"):
        return [row for row in rows if f"remove-{row.index}" != action]
    return rows


def _builder(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    if request.method != "POST":
        initial = (
            {
                "name": segment.name,
                "description": segment.description,
                "match": segment.rules.get("match", "all"),
            }
            if segment
            else None
        )
        rows = forms.rows_from_rules(segment.rules) if segment else []
        return render(
            request,
            "campaigns/segment_form.html",
            _builder_context(request, forms.SegmentForm(initial=initial), rows, segment),
        )
    form = forms.SegmentForm(request.POST)
    rows = forms.rows_from_post(request.POST)
    action = request.POST.get("action", "save")
    if action != "save":  # the page without JavaScript: add or remove a rule, show it again
        rows = _rows_after_action(action, rows, request.POST.get("add_type", ""))
        return render(
            request, "campaigns/segment_form.html", _builder_context(request, form, rows, segment)
        )
    rules = forms.rules_from_rows(request.POST.get("match", "all"), rows)
    if form.is_valid() and rules is not None:
        data = form.cleaned_data
        try:
            if segment is None:
                segment = services.create_segment(
                    data["name"], data["description"], rules, by=_person(request)
                )
                messages.success(request, _("Segment “%(name)s” created.") % {"name": segment.name})
            else:
                services.update_segment(segment, data["name"], data["description"], rules)
                messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
        except services.SegmentError as exc:
            context = _builder_context(
                request, form, rows, segment, show_errors=True, problems=exc.messages
            )
            return render(request, "campaigns/segment_form.html", context, status=400)
        return redirect("campaigns:segments")
    context = _builder_context(request, form, rows, segment, show_errors=True)
    return render(request, "campaigns/segment_form.html", context, status=400)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def segment_new(request: HttpRequest) -> HttpResponse:
    return _builder(request, None)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _builder(request, get_object_or_404(Segment, pk=pk))


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def builder_rules(request: HttpRequest) -> HttpResponse:
    """htmx: the rules fieldset after adding or removing a rule; the count follows."""
    rows = _rows_after_action(
        request.POST.get("action", ""),
        forms.rows_from_post(request.POST),
        request.POST.get("add_type", ""),
    )
    context = _builder_context(request, forms.SegmentForm(request.POST), rows, None)
    context["refresh_audience"] = True  # the fieldset asks for the count once swapped in
    return render(request, "campaigns/_rules.html", context)


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def builder_audience(request: HttpRequest) -> HttpResponse:
    """htmx: the count (and for attribute rules, names) of the rules as they stand."""
    rows = forms.rows_from_post(request.POST)
    rules = forms.rules_from_rows(request.POST.get("match", "all"), rows)
    context: dict[str, Any] = {"audience": None, "problems": []}
    if rules is None:
        context["incomplete"] = True
    else:
        try:
            context["audience"] = queries.audience(segment_rules.parse(rules))
        except segment_rules.RulesError as exc:
            context["problems"] = exc.messages
    return render(request, "campaigns/_audience.html", context)


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def segment_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    copy = services.duplicate_segment(get_object_or_404(Segment, pk=pk), by=_person(request))
    messages.success(request, _("Copied. You are editing the copy."))
    return redirect("campaigns:segment_edit", copy.pk)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def segment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    if request.method == "POST":
        name = segment.name
        services.delete_segment(segment)
        messages.success(request, _("Segment “%(name)s” deleted.") % {"name": name})
        return redirect("campaigns:segments")
    return render(request, "campaigns/segment_delete.html", {"segment": segment})
