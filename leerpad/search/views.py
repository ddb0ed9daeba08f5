"""Search pages: results with facets (instant, via htmx), insights and synonyms for L&D."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.search import facets as facet_labels
from leerpad.search import service, synonyms_admin, tracking
from leerpad.search.backends.base import FACETS
from leerpad.search.models import SynonymGroup


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _filters(request: HttpRequest) -> dict[str, list[str]]:
    return {name: request.GET.getlist(name) for name in FACETS if request.GET.getlist(name)}


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require(Capability.LEARN)
def results(request: HttpRequest) -> HttpResponse:
    person: Person = request.user  # type: ignore[assignment]
    query = request.GET.get("q", "").strip()
    filters = _filters(request)
    # L&D can look for drafts and archived items too; learners see what is published.
    statuses: tuple[str, ...] = ("published",)
    if request.GET.get("all") == "1" and can(person, Capability.MANAGE_CATALOG):
        statuses = ("draft", "review", "published", "archived")
    found = service.search(
        query, person=person, filters=filters, page=_page(request), statuses=statuses
    )
    context: dict[str, Any] = {
        "found": found,
        "query": query,
        "filters": filters,
        "facets": facet_labels.dress(found.facets, filters),
        "related_skills": facet_labels.related_skills(query) if query and not found.total else [],
        "settled": bool(query) and not _is_htmx(request),
    }
    if query and not _is_htmx(request):
        # A full page load (Enter, a shared link) is a search people settled on.
        tracking.record_search(person, query, found.total, filters)
    template = "search/_results.html" if _is_htmx(request) else "search/results.html"
    return render(request, template, context)


@require(Capability.LEARN)
@require_POST
def settle(request: HttpRequest) -> HttpResponse:
    """Record the query people stopped typing at (posted by the results after a pause)."""
    person: Person = request.user  # type: ignore[assignment]
    query = request.POST.get("q", "").strip()[:300]
    if query:
        filters = {name: request.POST.getlist(name) for name in FACETS}
        total = int(request.POST.get("total", "0") or 0)
        tracking.record_search(person, query, total, filters)
    return HttpResponse(status=204)


@require(Capability.MANAGE_CATALOG)
def insights(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in (7, 30, 90, 365) else 30
    return render(
        request,
        "search/insights.html",
        {"insights": tracking.insights(days=days), "days": days, "periods": (7, 30, 90, 365)},
    )


@require(Capability.MANAGE_CATALOG)
def synonym_list(request: HttpRequest) -> HttpResponse:
    form = synonyms_admin.SynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        synonyms_admin.save_group(
            None, form.cleaned_data["terms"], form.cleaned_data["note"], _person(request)
        )
        messages.success(request, _("The synonym group was added."))
        return redirect("search:synonyms")
    query = request.GET.get("q", "").strip().lower()
    groups = list(SynonymGroup.objects.all())
    if query:
        groups = [g for g in groups if any(query in t.lower() for t in g.terms)]
    return render(
        request, "search/synonyms.html", {"groups": groups, "form": form, "search": query}
    )


@require(Capability.MANAGE_CATALOG)
def synonym_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(SynonymGroup, pk=pk)
    initial = {"terms": ", ".join(group.terms), "note": group.note}
    form = synonyms_admin.SynonymForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        synonyms_admin.save_group(
            group, form.cleaned_data["terms"], form.cleaned_data["note"], _person(request)
        )
        messages.success(request, _("The synonym group was saved."))
        return redirect("search:synonyms")
    return render(request, "search/synonym_edit.html", {"group": group, "form": form})


@require(Capability.MANAGE_CATALOG)
@require_POST
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(SynonymGroup, pk=pk)
    terms = ", ".join(group.terms)
    group.delete()
    messages.success(request, _("Removed the synonym group “%(terms)s”.") % {"terms": terms})
    return redirect("search:synonyms")
