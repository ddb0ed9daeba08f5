"""The Skills tab: coverage of job-role profiles by location or team, month by month.

The figures come from the skills tables (see `questions/skills_coverage.py`), so the page
uses the shared filter form but decides privacy over the people directory rather than over
the events store: a role's people are counted whether or not they were active.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from leerpad.analytics import charts
from leerpad.analytics.filters import PageContext, Scope, ScopeForm
from leerpad.analytics.questions.skills_coverage import (
    By,
    Coverage,
    GroupCoverage,
    coverage,
    roles_overview,
)
from leerpad.core.access import Capability, require
from leerpad.skills.models import Level

GROUPINGS: dict[str, By] = {"location": "location", "team": "team"}


@dataclass(frozen=True)
class Figure:
    percent: float
    met: int
    people: int


@dataclass(frozen=True)
class SkillRow:
    name: str
    level: str
    cells: list[Figure]


def _group_name(group: GroupCoverage, by: str | None) -> str:
    if group.kind == "total":
        return _("Everyone in the role")
    if group.kind == "other":
        return _("Other groups")
    if group.name:
        return group.name
    return _("No location") if by == "location" else _("No team")


def _table(cov: Coverage) -> tuple[list[str], list[SkillRow]]:
    heads = [_group_name(g, cov.by) for g in cov.groups]
    rows = []
    for i, need in enumerate(cov.needs):
        cells = [Figure(100 * g.met[i] / g.people, g.met[i], g.people) for g in cov.groups]
        rows.append(SkillRow(need.name, str(Level(need.level).label), cells))
    return heads, rows


def _query(request: HttpRequest, scope: Scope) -> QueryDict:
    """The request's filters for a link, with the period spelled out: a bound filter form
    without one would show its first choice while the scope uses the default."""
    query = request.GET.copy()
    if not query.get("weeks"):
        query["weeks"] = str(round((scope.end - scope.start).total_seconds() / (7 * 86400)))
    return query


@require(Capability.VIEW_ANALYTICS)
@require_GET
def skills(request: HttpRequest) -> HttpResponse:
    """Pick a role: how many of its people meet each essential skill, per group and month."""
    form = ScopeForm(request.GET or None, with_path=False)
    if form.is_bound:
        form.is_valid()  # errors show next to the fields; the scope ignores invalid values
    scope = form.scope()
    by = GROUPINGS.get(request.GET.get("by", ""), "location")
    extra: dict[str, object] = {"by": by}
    if scope.job_role_id is not None:
        cov = coverage(
            scope.job_role_id,
            scope.start,
            scope.end,
            by=by,
            location_id=scope.location_id,
            team_id=scope.team_id,
        )
        decision = cov.decision
        if cov.groups:
            heads, rows = _table(cov)
            labels = [date_format(month, "M Y") for month in cov.months]
            series = [(head, list(g.series)) for head, g in zip(heads, cov.groups, strict=True)]
            chart = charts.lines(
                _("Share of essential skills met, per month"), labels, series, unit="%", top=100
            )
            extra.update(
                {
                    "chart": chart,
                    "heads": heads,
                    "rows": rows,
                    "month_rows": [
                        (label, [g.series[m] for g in cov.groups]) for m, label in enumerate(labels)
                    ],
                }
            )
        extra["coverage"] = cov
    else:
        decision, roles = roles_overview(location_id=scope.location_id, team_id=scope.team_id)
        query = _query(request, scope)
        query.pop("job_role", None)
        extra.update({"roles": roles, "role_query": query.urlencode()})
    query = _query(request, scope)
    query.pop("by", None)
    extra["by_query"] = query.urlencode()
    ctx = PageContext(page="skills", form=form, scope=scope, decision=decision, extra=extra)
    return render(request, "analytics/skills.html", ctx.as_dict())
