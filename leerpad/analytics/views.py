"""Analytics pages: thin views over the questions in `analytics/questions/`.

Every figure here is about groups of at least k people; the questions apply that rule
themselves (through `core.guard`), and `filters.page_context` refuses a filtered view
that is too small or too close to a wider one, so a page cannot forget it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from leerpad.accounts.models import JobRole, Location, Team
from leerpad.analytics import charts
from leerpad.analytics.filters import Scope, page_context
from leerpad.analytics.forms import AdoptionForm
from leerpad.analytics.questions.adoption import WeekRow, active_learners
from leerpad.analytics.questions.arrivals import Arrivals, arrivals
from leerpad.core.access import Capability, require

NAMES: dict[str, type[Location] | type[Team] | type[JobRole]] = {
    "location": Location,
    "team": Team,
    "job_role": JobRole,
}
# Lines in the grouped chart: more would be a tangle (and the palette repeats after 7);
# the table below it has every group.
CHART_GROUPS = 6

CHANNELS: dict[str, Promise] = {
    "search": gettext_lazy("Search"),
    "home": gettext_lazy("Home page"),
    "path": gettext_lazy("A learning path's step"),
    "recommendation": gettext_lazy("For you (suggestions)"),
    "campaign": gettext_lazy("Campaign link"),
    "direct": gettext_lazy("Direct link"),
}


@dataclass
class WeekLine:
    """One row of the weekly table (a week with no figure has active None)."""

    week: dt.date
    active: int | None
    new: int | None
    returning: int | None


@dataclass
class GroupLine:
    name: str
    other: bool
    by_week: dict[dt.date, WeekRow] = field(default_factory=dict)
    cells: list[WeekRow | None] = field(default_factory=list)  # one per week shown

    def total(self) -> int:
        return sum(row.active for row in self.by_week.values())


@dataclass
class ChannelLine:
    """One channel of the arrivals table: the period's figures and one cell per week."""

    channel: str
    label: str
    people: int | None
    arrivals: int | None
    cells: list[int | None] = field(default_factory=list)


@require(Capability.VIEW_ANALYTICS)
@require_GET
def adoption(request: HttpRequest) -> HttpResponse:
    """Active learners per week, new and returning, optionally per location, team or role;
    and how people arrive at what they open."""
    # Adoption is about using Leerpad at all, and arrivals carry no path: no path filter.
    ctx = page_context(request, "adoption", with_path=False)
    form = AdoptionForm(request.GET or None, with_path=False)
    by = form.grouping()
    ctx.form = form  # the shared filter bar draws the grouping choice with the filters
    ctx.extra["by"] = by
    if ctx.decision.allowed:
        days = _weeks(ctx.scope)
        labels = [date_format(day, "j M") for day in days]
        rows = active_learners(ctx.scope, by)
        ctx.extra["empty"] = not rows
        ctx.extra["weeks"] = days
        if by is None:
            lines = _week_lines(days, rows)
            ctx.extra["week_lines"] = lines
            ctx.extra["weekly_chart"] = _weekly_chart(days, labels, lines)
        else:
            groups = _groups(rows, by, days)
            ctx.extra["groups"] = groups
            ctx.extra["groups_chart"] = _groups_chart(labels, groups)
            ctx.extra["groups_in_chart"] = min(len(groups), CHART_GROUPS)
        found = arrivals(ctx.scope)
        channels = _channels(found, days)
        ctx.extra["channels"] = channels
        ctx.extra["channel_meters"] = charts.meters(
            [(c.label, float(c.people), str(c.people)) for c in channels if c.people is not None]
        )
        ctx.extra["channels_chart"] = _channels_chart(labels, channels)
    return render(request, "analytics/adoption.html", ctx.as_dict())


def _weeks(scope: Scope) -> list[dt.date]:
    """The Mondays of the scope's weeks (the scope is whole ISO weeks, see ScopeForm)."""
    first = scope.start.date()
    count = max(1, (scope.end.date() - first).days // 7)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def _week_lines(days: list[dt.date], rows: list[WeekRow]) -> list[WeekLine]:
    by_week = {row.week: row for row in rows if row.group is None and not row.other}
    return [
        WeekLine(day, found.active, found.new, found.returning)
        if (found := by_week.get(day)) is not None
        else WeekLine(day, None, None, None)
        for day in days
    ]


def _weekly_chart(days: list[dt.date], labels: list[str], lines: list[WeekLine]) -> charts.Chart:
    """New and returning as two bars a week; a week whose split is withheld (one part
    under k) shows its active learners as a third bar, so no week looks empty."""
    shown = [date_format(day, "SHORT_DATE_FORMAT") for day in days]
    new = [line.new for line in lines]
    returning = [line.returning for line in lines]
    whole = [line.active if line.new is None else None for line in lines]
    series: list[tuple[str, Sequence[float | None]]] = [
        (_("New"), new),
        (_("Returning"), returning),
    ]
    tips = [
        [
            _("Week of %(week)s: %(n)s new") % {"week": w, "n": n}
            for w, n in zip(shown, new, strict=True)
        ],
        [
            _("Week of %(week)s: %(n)s returning") % {"week": w, "n": n}
            for w, n in zip(shown, returning, strict=True)
        ],
    ]
    if any(value is not None for value in whole):
        series.append((_("Active (split not shown)"), whole))
        tips.append(
            [
                _("Week of %(week)s: %(n)s active; new and returning not shown")
                % {"week": w, "n": n}
                for w, n in zip(shown, whole, strict=True)
            ]
        )
    return charts.bars(_("Active learners per week"), labels, series, tooltips=tips)


def _groups(rows: list[WeekRow], by: str, days: list[dt.date]) -> list[GroupLine]:
    model = NAMES[by]
    ids = {row.group for row in rows if row.group is not None}
    names = dict(model._default_manager.filter(pk__in=ids).values_list("pk", "name"))
    lines: dict[tuple[bool, int | None], GroupLine] = {}
    for row in rows:
        key = (row.other, row.group)
        if key not in lines:
            name = names.get(row.group, "") if row.group is not None else ""
            lines[key] = GroupLine(name=name, other=row.other)
        lines[key].by_week[row.week] = row
    for line in lines.values():
        line.cells = [line.by_week.get(day) for day in days]
    return sorted(lines.values(), key=lambda g: (g.other, g.name == "", g.name.casefold()))


def _group_label(group: GroupLine) -> str:
    if group.other:
        return _("Other groups")
    return group.name or _("Not in a group")


def _groups_chart(labels: list[str], groups: list[GroupLine]) -> charts.Chart:
    """The largest groups as lines (a week without a figure for the group is a gap)."""
    largest = sorted(groups, key=lambda g: -g.total())[:CHART_GROUPS]
    series: list[tuple[str, Sequence[float | None]]] = [
        (_group_label(g), [cell.active if cell else None for cell in g.cells]) for g in largest
    ]
    return charts.lines(_("Active learners per week, by group"), labels, series)


def _channels(found: Arrivals, days: list[dt.date]) -> list[ChannelLine]:
    weekly = {(row.week, row.channel): row.people for row in found.weekly}
    return [
        ChannelLine(
            row.channel,
            str(CHANNELS.get(row.channel, row.channel)),
            row.people,
            row.arrivals,
            [weekly.get((day, row.channel)) for day in days],
        )
        for row in found.period
    ]


def _channels_chart(labels: list[str], channels: list[ChannelLine]) -> charts.Chart:
    """People per channel and week, one line per channel that has a figure."""
    series: list[tuple[str, Sequence[float | None]]] = [
        (c.label, c.cells) for c in channels if any(v is not None for v in c.cells)
    ]
    return charts.lines(_("People per week, by how they arrived"), labels, series)
