"""The Paths tab: published paths with their learners, a path's funnel per version, and the
suggestions L&D can accept (a new draft version) or dismiss.

Thin views: the figures come from `questions/funnel.py` (which applies the k rule), the
suggestions from `suggestions.py`, the changes from `paths/improve.py`.
Accepting recomputes the suggestion on the server from the same filters; what the browser
sends only names it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.analytics import charts, improve
from leerpad.analytics.filters import PageContext, page_context
from leerpad.analytics.models import AcceptedSuggestion
from leerpad.analytics.pages import PAGES
from leerpad.analytics.questions.funnel import Funnel, VersionFunnel, funnel, path_totals
from leerpad.analytics.suggestions import Suggestion, suggest
from leerpad.core.access import Capability, can, require
from leerpad.paths.models import Path, PathVersion
from leerpad.paths.queries import published_paths

PAGE = "paths"
PER_PAGE = 25


def _filters(request: HttpRequest) -> str:
    """The filter part of the query string, to keep on links and form actions."""
    keep = {k: v for k, v in request.GET.items() if k in ("weeks", "location", "team", "job_role")}
    return urlencode(keep)


@require(Capability.VIEW_ANALYTICS)
@require_GET
def paths(request: HttpRequest) -> HttpResponse:
    """Published paths with learners who enrolled in the period, and how many completed."""
    ctx = page_context(request, PAGE, with_path=False)
    listed = list(published_paths())
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    rows: list[dict[str, Any]] = []
    if ctx.decision.allowed:
        totals = path_totals(list(page.object_list), ctx.scope)
        rows = [{"path": p, "total": totals.get(p.key)} for p in page.object_list]
    ctx.extra.update({"rows": rows, "page_obj": page, "filters": _filters(request)})
    return render(request, "analytics/paths.html", ctx.as_dict())


def _chart(version: VersionFunnel) -> charts.Chart:
    labels = [str(s.number) for s in version.steps]
    reached = [s.reached for s in version.steps]
    completed = [s.completed for s in version.steps]

    def tip(name: str, values: list[int | None]) -> list[str]:
        return [
            f"{s.number}. {s.title} · {name}: {v if v is not None else '—'}"
            for s, v in zip(version.steps, values, strict=True)
        ]

    return charts.bars(
        _("Learners per step, version %(number)s") % {"number": version.number},
        labels,
        [(_("Reached"), reached), (_("Completed"), completed)],
        tooltips=[tip(_("Reached"), reached), tip(_("Completed"), completed)],
    )


def _comparison(result: Funnel) -> list[dict[str, Any]]:
    """Steps (by uid, in the newest shown version's order) with each shown version's
    place, reached and completed: the side-by-side table of the compare view."""
    shown = [v for v in result.versions if v.shown]
    if len(shown) < 2:
        return []
    order: list[str] = []
    titles: dict[str, str] = {}
    for version in reversed(shown):
        for step in version.steps:
            if step.uid not in titles:
                order.append(step.uid)
                titles[step.uid] = step.title
    by_uid = [{s.uid: s for s in v.steps} for v in shown]
    return [{"title": titles[uid], "cells": [steps.get(uid) for steps in by_uid]} for uid in order]


def _decisions(path: Path) -> list[AcceptedSuggestion]:
    return list(
        AcceptedSuggestion.objects.filter(path=path).select_related("from_version", "draft_version")
    )


def _path_funnel(request: HttpRequest, key: str) -> tuple[Path, PageContext, Funnel | None]:
    path = get_object_or_404(Path, key=key, current__isnull=False)
    ctx = page_context(request, PAGE, with_path=False)
    result = funnel(path, ctx.scope) if ctx.decision.allowed else None
    return path, ctx, result


@require(Capability.VIEW_ANALYTICS)
@require_GET
def path_funnel(
    request: HttpRequest, key: str, number: int | None = None, compare: bool = False
) -> HttpResponse:
    """One path: funnel per version (the published one, one asked for, or all side by
    side), stuck days and leavers, suggestions. The version is in the URL path, not the
    query string, so the shared filters (which reload the page body) keep it."""
    path, ctx, result = _path_funnel(request, key)
    current = path.current.number if path.current else 0
    number = current if number is None else number
    decisions = _decisions(path)
    shown: list[dict[str, Any]] = []
    suggestions: list[Suggestion] = []
    if result is not None:
        chosen = [v for v in result.versions if compare or v.number == number]
        if not chosen and not compare:
            raise Http404
        for version in chosen:
            shown.append({"version": version, "chart": _chart(version) if version.shown else None})
        live = result.version(current)
        if live is not None and (compare or number == current):
            decided = {d.key for d in decisions if d.from_version.number == current}
            suggestions = suggest(live, decided=decided, k=result.k)
    origins = {
        d.draft_version.number: d
        for d in decisions
        if d.status == AcceptedSuggestion.Status.ACCEPTED and d.draft_version is not None
    }
    ctx.extra.update(
        {
            "path": path,
            "funnel": result,
            "shown": shown,
            "compare": compare,
            "comparison": _comparison(result) if compare and result is not None else [],
            "number": number,
            "current": current,
            "suggestions": suggestions,
            "origins": origins,
            "can_manage": can(request.user, Capability.MANAGE_PATHS),
            "filters": _filters(request),
        }
    )
    return render(request, "analytics/paths_funnel.html", ctx.as_dict())


def _find(
    request: HttpRequest, key: str, number: int, skey: str
) -> tuple[Path, PathVersion, Suggestion]:
    path, _ctx, result = _path_funnel(request, key)
    version = get_object_or_404(PathVersion, path=path, number=number)
    live = result.version(number) if result is not None else None
    found = next((s for s in suggest(live) if s.key == skey), None) if live else None
    if found is None:
        raise Http404(_("This suggestion no longer applies: the figures have changed."))
    return path, version, found


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]  # @require: signed in
    return person


def _back(key: str, filters: str) -> str:
    url = reverse("analytics:path_funnel", args=[key])
    return f"{url}?{filters}" if filters else url


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def accept_suggestion(request: HttpRequest, key: str, number: int, skey: str) -> HttpResponse:
    """GET: what accepting will change (the confirmation step); POST: make the draft."""
    path, version, suggestion = _find(request, key, number, skey)
    filters = _filters(request)
    if request.method == "POST":
        try:
            draft, applied = improve.accept(path, version, suggestion, _person(request))
        except improve.SuggestionError as exc:
            messages.error(request, str(exc))
            return redirect(_back(key, filters))
        if applied:
            messages.success(
                request,
                _("Draft version %(number)s has the change: %(change)s Review it and publish.")
                % {"number": draft.number, "change": suggestion.change_text()},
            )
        else:
            messages.info(
                request,
                _(
                    "Draft version %(number)s is ready. %(change)s Make the split here: "
                    "a catalogue item or quiz cannot be cut in two automatically."
                )
                % {"number": draft.number, "change": suggestion.change_text()},
            )
        return redirect("paths_builder:builder", key=path.key)
    return render(
        request,
        "analytics/paths_confirm.html",
        {
            "path": path,
            "version": version,
            "suggestion": suggestion,
            "filters": filters,
            "back": _back(key, filters),
            "analytics_pages": PAGES,
            "analytics_page": PAGE,
        },
    )


@require(Capability.MANAGE_PATHS)
@require_POST
def dismiss_suggestion(request: HttpRequest, key: str, number: int, skey: str) -> HttpResponse:
    path, version, suggestion = _find(request, key, number, skey)
    try:
        improve.dismiss(path, version, suggestion, _person(request))
    except improve.SuggestionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Suggestion dismissed for version %(number)s.") % {"number": number}
        )
    return redirect(_back(key, _filters(request)))
