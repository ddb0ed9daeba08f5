"""Per-path pages: actual routes (a flow diagram and its table) and evidence per step.

Thin views over `questions/routes.py` and `questions/evidence.py`; the privacy rules live
there and in the shared filters (`page_context`), so a page cannot forget them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy, ngettext
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
    Edge,
    Routes,
    routes,
    threshold_for,
    version_of,
)
from leerpad.core.access import Capability, require
from leerpad.core.guard import min_group_size
from leerpad.paths.models import Path, PathVersion

LABEL_CHARS = 16  # what fits in a box of the diagram; the full title is its tooltip

# "Show routes taken by at least N people": k, or a share of the learners. On a path with
# many steps and learners, every route of k people makes a wall of arches; 5 % keeps the
# main routes and merges the rest into "other routes".
SHARES: dict[str, float] = {"k": 0.0, "5": 0.05, "10": 0.10, "20": 0.20}
DEFAULT_SHARE = "5"
SHARE_FIELD = "at_least"


def _share(request: HttpRequest) -> str:
    """The threshold asked for (?at_least=k|5|10|20), the default when missing or invalid."""
    raw = request.GET.get(SHARE_FIELD, "")
    return raw if raw in SHARES else DEFAULT_SHARE


def _share_field(learners: int, chosen: str) -> forms.ChoiceField:
    """The threshold select; each option names its number of people when it is known
    (short: the select is one column of the filter bar)."""
    k = min_group_size()
    choices = []
    for value, share in SHARES.items():
        if value == "k":
            label = _("%(n)s people (min.)") % {"n": k}
        elif learners:
            label = _("%(n)s people (%(share)s %%)") % {
                "n": threshold_for(learners, share, k),
                "share": value,
            }
        else:
            label = _("%(share)s %% of learners") % {"share": value}
        choices.append((value, label))
    return forms.ChoiceField(
        label=gettext_lazy("Routes of at least"),
        choices=choices,
        required=False,
        initial=chosen,
    )


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
    chosen = _share(request)
    learners = 0
    if version is not None and ctx.decision.allowed:
        result = routes(version, ctx.scope, with_version=with_version, min_share=SHARES[chosen])
        learners = result.learners
        names = node_names(result, get_language())
        ctx.extra.update(
            result=result,
            diagram=diagram_for(result, names) if result.shown else None,
            edge_rows=_rows(result.edges, names),
            all_rows=_rows(result.listed, names),
            required_skips=[s for s in result.skips if not s.step.optional],
            optional_skips=[s for s in result.skips if s.step.optional],
            names=names,
        )
    # The select joins the shared filter form, so a filter change keeps it (and it keeps
    # the filters); the field is added after validation, its value read above.
    ctx.form.fields[SHARE_FIELD] = _share_field(learners, chosen)
    if ctx.form.is_bound:  # the value shown is the one used, also when it was missing
        data = ctx.form.data.copy()
        data[SHARE_FIELD] = chosen
        ctx.form.data = data
    return render(request, "analytics/path_routes.html", ctx.as_dict())


def _rows(edges: tuple[Edge, ...], names: dict[int, str]) -> list[dict[str, Any]]:
    """Table rows of edges, the busiest first (designed order among equals)."""
    ordered = sorted(enumerate(edges), key=lambda pair: (-pair[1].people, pair[0]))
    return [
        {
            "source": names[e.source],
            "target": names[e.target],
            "people": e.people,
            "moves": e.moves,
            "kind": "back" if e.back else "skip" if e.skip else "",
        }
        for _i, e in ordered
    ]


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
