"""Per-path pages: actual routes (a flow diagram and its table) and evidence per step.

Thin views over `questions/routes.py` and `questions/evidence.py`; the privacy rules live
there and in the shared filters (`page_context`), so a page cannot forget them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from leerpad.analytics import flow
from leerpad.analytics.filters import page_context
from leerpad.analytics.questions.evidence import MIN_RELIABLE, evidence
from leerpad.analytics.questions.routes import (
    COMPLETED,
    GOING,
    LEFT,
    START,
    Routes,
    routes,
    version_of,
)
from leerpad.core.access import Capability, require
from leerpad.paths.models import Path, PathVersion

LABEL_CHARS = 18  # what fits in a box of the diagram; the full title is its tooltip


def _version(request: HttpRequest, path: Path) -> tuple[PathVersion | None, bool]:
    """The version asked for (?version=N, validated) or the published one."""
    raw = request.GET.get("version", "")
    number = int(raw) if raw.isdigit() else None
    return version_of(path, number), number is not None


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def node_names(result: Routes, language: str | None) -> dict[int, str]:
    names = {
        START: _("Enrolled"),
        COMPLETED: _("Completed"),
        LEFT: _("Left the path"),
        GOING: _("Still going"),
    }
    for info in result.steps:
        names[info.index] = _("Step %(number)s: %(title)s") % {
            "number": info.index + 1,
            "title": info.step.title(language),
        }
    return names


def _tooltip(names: dict[int, str], source: int, target: int, people: int) -> str:
    return ngettext(
        "%(source)s → %(target)s: %(count)s person",
        "%(source)s → %(target)s: %(count)s people",
        people,
    ) % {"source": names[source], "target": names[target], "count": people}


def diagram_for(result: Routes, names: dict[int, str]) -> flow.Diagram:
    row = [flow.Node(START, _("Enrolled"))]
    row += [
        flow.Node(
            info.index,
            _short(f"{info.index + 1}. {info.step.title(get_language())}"),
            names[info.index],
            info.optional,
        )
        for info in result.steps
    ]
    row.append(flow.Node(COMPLETED, _("Completed")))
    lanes = [flow.Node(LEFT, _("Left the path")), flow.Node(GOING, _("Still going"))]
    edges = [
        flow.FlowEdge(e.source, e.target, e.people, _tooltip(names, e.source, e.target, e.people))
        for e in result.edges
    ]
    return flow.diagram(row, lanes, edges)


def _common(request: HttpRequest, key: str) -> tuple[Path, PathVersion | None, bool, Any]:
    path = get_object_or_404(Path.objects.select_related("current"), key=key)
    version, with_version = _version(request, path)
    ctx = page_context(request, "paths", with_path=False)
    ctx.extra.update(
        path=path,
        version=version,
        versions=list(path.versions.exclude(status=PathVersion.Status.DRAFT).order_by("-number")),
        with_version=with_version,
    )
    return path, version, with_version, ctx


@require(Capability.VIEW_ANALYTICS)
@require_GET
def path_routes(request: HttpRequest, key: str) -> HttpResponse:
    """What learners really do between the steps, drawn over the designed order."""
    _path, version, with_version, ctx = _common(request, key)
    if version is not None and ctx.decision.allowed:
        result = routes(version, ctx.scope, with_version=with_version)
        names = node_names(result, get_language())
        rows = [
            {
                "source": names[e.source],
                "target": names[e.target],
                "people": e.people,
                "moves": e.moves,
                "kind": "back" if e.back else "skip" if e.skip else "",
            }
            for e in result.edges
        ]
        ctx.extra.update(
            result=result,
            diagram=diagram_for(result, names) if result.shown else None,
            edge_rows=rows,
            required_skips=[s for s in result.skips if not s.step.optional],
            optional_skips=[s for s in result.skips if s.step.optional],
            names=names,
        )
    return render(request, "analytics/path_routes.html", ctx.as_dict())


@require(Capability.VIEW_ANALYTICS)
@require_GET
def path_evidence(request: HttpRequest, key: str) -> HttpResponse:
    """Do learners who completed a step do better afterwards? With counts and caveats."""
    _path, version, with_version, ctx = _common(request, key)
    if version is not None and ctx.decision.allowed:
        ctx.extra.update(
            result=evidence(version, ctx.scope, with_version=with_version),
            min_reliable=MIN_RELIABLE,
        )
    return render(request, "analytics/path_evidence.html", ctx.as_dict())
