"""Analytics pages: thin views over the questions in `analytics/questions/`.

Every figure here is about groups of at least k people; the questions apply that rule
themselves (through `privacy.guard`), so a page cannot forget it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from leerpad.accounts.models import JobRole, Location, Team
from leerpad.analytics import sync
from leerpad.analytics.forms import AdoptionFilter
from leerpad.analytics.questions.adoption import WeekRow, active_learners
from leerpad.core.access import Capability, require
from leerpad.privacy.guard import min_group_size

NAMES: dict[str, type[Location] | type[Team] | type[JobRole]] = {
    "location": Location,
    "team": Team,
    "job_role": JobRole,
}
CHART_HEIGHT = 160


@dataclass
class Bar:
    week: dt.date
    active: int
    new: int | None
    returning: int | None = None
    height: int = 0
    x: int = 0
    y: int = 0


@dataclass
class GroupLine:
    name: str
    other: bool
    by_week: dict[dt.date, WeekRow] = field(default_factory=dict)
    cells: list[WeekRow | None] = field(default_factory=list)  # one per week shown


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@require(Capability.VIEW_ANALYTICS)
@require_GET
def adoption(request: HttpRequest) -> HttpResponse:
    """Active learners per week, new and returning, optionally per location, team or role."""
    form = AdoptionFilter(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    if not valid:
        form = AdoptionFilter()
        form.is_valid()
    weeks = form.period_weeks() if form.is_bound and valid else 12
    by = form.grouping() if form.is_bound and valid else None
    this_monday = _monday(timezone.localdate())
    start_day = this_monday - dt.timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(this_monday + dt.timedelta(weeks=1), dt.time.min, tzinfo=tz)
    rows = active_learners(start, end, by)
    days = [start_day + dt.timedelta(weeks=i) for i in range(weeks)]
    totals = [r for r in rows if r.group is None and not r.other] if by is None else []
    bars = _bars(days, totals) if by is None else []
    groups = _groups(rows, by, days) if by else []
    state = sync.status()
    context = {
        "form": form,
        "weeks": days,
        "bars": bars,
        "chart_height": CHART_HEIGHT,
        "chart_width": max(1, len(days)) * 24,
        "chart_top": max((b.active for b in bars), default=0),
        "groups": groups,
        "by": by,
        "k": min_group_size(),
        "synced_until": _parse(state["watermark_stored"]),
        "empty": not rows,
    }
    return render(request, "analytics/adoption.html", context)


def _bars(days: list[dt.date], totals: list[WeekRow]) -> list[Bar]:
    by_week = {row.week: row for row in totals}
    bars = [
        Bar(day, by_week[day].active, by_week[day].new, by_week[day].returning)
        if day in by_week
        else Bar(day, 0, None)
        for day in days
    ]
    top = max((b.active for b in bars), default=0) or 1
    for i, bar in enumerate(bars):
        bar.height = round(CHART_HEIGHT * bar.active / top)
        bar.x = i * 24 + 3
        bar.y = CHART_HEIGHT - bar.height
    return bars


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


def _parse(value: str | None) -> dt.datetime | None:
    """The store's watermark (ISO text) as a datetime, for the page to format."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
