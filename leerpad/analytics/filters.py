"""The filters every analytics page shares (period, location, team, job role, path), and
the one check that a filtered view is about enough people.

`Scope` is what a question receives: a period and optional people and path filters. It
renders its own SQL condition (bound parameters, fixed column names), so a question never
builds a filter from text, and `Scope.allowed()` applies `core.guard.guard_subgroup` to
the people the view would be about: the distinct actors with events in the period, for
this filter combination and for every combination with fewer of its filters (down to
everyone). Why actors with events rather than the directory: the figures are about people
who did something, and it is their counts that two views could be subtracted to single out
someone.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import JobRole, Location, Team
from leerpad.analytics import query, sync
from leerpad.analytics.pages import PAGES
from leerpad.core.guard import Decision, guard_subgroup, min_group_size

PERIODS = (
    ("4", _("Last 4 weeks")),
    ("12", _("Last 12 weeks")),
    ("26", _("Last 26 weeks")),
    ("52", _("Last 52 weeks")),
)
# Scope field -> column of the `people` dimension. Fixed names: never the caller's text.
PEOPLE_COLUMNS = {"location_id": "location_id", "team_id": "team_id", "job_role_id": "job_role_id"}


@dataclass(frozen=True)
class Scope:
    """A period [start, end) and optional filters, as questions receive them."""

    start: dt.datetime
    end: dt.datetime
    location_id: int | None = None
    team_id: int | None = None
    job_role_id: int | None = None
    path_key: str | None = None

    def people_filters(self) -> dict[str, int]:
        return {
            name: value for name in PEOPLE_COLUMNS if (value := getattr(self, name)) is not None
        }

    def where(self, events: str = "e", people: str = "p") -> str:
        """The SQL condition of this scope over `events` aliased `events` joined to `people`.

        The query must LEFT JOIN people {people} ON {people}.person_id = {events}.person_id;
        the parameters are `params()`.
        """
        parts = [
            f"{events}.timestamp >= @p(start, timestamp)",
            f"{events}.timestamp < @p(end, timestamp)",
            *self._filter_conditions(events, people).values(),
        ]
        return " AND ".join(parts)

    def params(self) -> dict[str, Any]:
        values: dict[str, Any] = {"start": self.start, "end": self.end}
        values.update(self.people_filters())
        if self.path_key is not None:
            values["path_key"] = self.path_key
        return values

    def filtered(self) -> bool:
        return bool(self.people_filters()) or self.path_key is not None

    def allowed(self) -> Decision:
        """May figures about this scope be shown? (see the module docstring)"""
        filters = self._filter_conditions()
        # Every subset of the filters: the full combination first, then each parent view,
        # down to no filter; all counted in one pass over the period's events.
        subsets = [
            subset
            for size in range(len(filters), -1, -1)
            for subset in itertools.combinations(sorted(filters), size)
        ]
        columns = ", ".join(
            "COUNT(DISTINCT CASE WHEN "
            + (" AND ".join(filters[name] for name in subset) or "1 = 1")
            + f" THEN e.actor_key END) AS n{i}"
            for i, subset in enumerate(subsets)
        )
        # Only fixed column names and bound parameters reach this SQL.
        sql = (
            f"SELECT {columns} FROM events e "  # noqa: S608
            "LEFT JOIN people p ON p.person_id = e.person_id "
            "WHERE e.actor_key IS NOT NULL AND e.timestamp >= @p(start, timestamp) "
            "AND e.timestamp < @p(end, timestamp) @settings()"
        )
        rows = query.run(sql, self.params())
        counts = [int(rows[0][f"n{i}"] or 0) if rows else 0 for i in range(len(subsets))]
        return guard_subgroup(counts[0], *counts[1:])

    def _filter_conditions(self, events: str = "e", people: str = "p") -> dict[str, str]:
        conditions = {
            name: f"{people}.{column} = @p({name}, int)"
            for name, column in PEOPLE_COLUMNS.items()
            if getattr(self, name) is not None
        }
        if self.path_key is not None:
            conditions["path_key"] = f"{events}.path_key = @p(path_key, text)"
        return conditions

    def active_people(self) -> int:
        """Distinct actors with an event in this scope."""
        sql = (
            "SELECT COUNT(DISTINCT e.actor_key) AS n FROM events e "  # noqa: S608
            "LEFT JOIN people p ON p.person_id = e.person_id "
            f"WHERE e.actor_key IS NOT NULL AND {self.where()} @settings()"
        )
        rows = query.run(sql, self.params())
        return int(rows[0]["n"]) if rows else 0


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class ScopeForm(forms.Form):
    """Period and filters, validated at the edge; an invalid filter falls back to none."""

    weeks = forms.ChoiceField(label=_("Period"), choices=PERIODS, initial="12", required=False)
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.all(),
        required=False,
        empty_label=_("All locations"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("All teams")
    )
    job_role = forms.ModelChoiceField(
        label=_("Job role"),
        queryset=JobRole.objects.all(),
        required=False,
        empty_label=_("All job roles"),
    )
    path = forms.ChoiceField(label=_("Path"), required=False)

    def __init__(self, data: Any = None, *args: Any, with_path: bool = True, **kwargs: Any) -> None:
        if data is not None and not data.get("weeks"):
            # A link that sets only a filter (?job_role=3) means the default period; the
            # select must show that period rather than its first choice.
            data = data.copy()
            data["weeks"] = "12"
        super().__init__(data, *args, **kwargs)
        if with_path:
            from leerpad.paths.queries import published_paths

            choices: list[tuple[str, Any]] = [("", _("All paths"))]
            choices += [(p.key, str(p)) for p in published_paths()]
            path_field = self.fields["path"]
            if isinstance(path_field, forms.ChoiceField):  # always; narrows the type
                path_field.choices = choices
        else:
            del self.fields["path"]

    def scope(self, today: dt.date | None = None) -> Scope:
        """The scope asked for: whole ISO weeks up to and including this one."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        weeks = int(data.get("weeks") or 12)
        this_monday = _monday(today or timezone.localdate())
        tz = timezone.get_current_timezone()
        start_day = this_monday - dt.timedelta(weeks=weeks - 1)
        start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(this_monday + dt.timedelta(weeks=1), dt.time.min, tzinfo=tz)
        location, team, role = data.get("location"), data.get("team"), data.get("job_role")
        return Scope(
            start=start,
            end=end,
            location_id=location.pk if location else None,
            team_id=team.pk if team else None,
            job_role_id=role.pk if role else None,
            path_key=data.get("path") or None,
        )


@dataclass
class PageContext:
    """What every analytics page's template needs besides its own figures."""

    page: str
    form: ScopeForm
    scope: Scope
    decision: Decision
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        state = sync.status()
        return {
            "analytics_pages": PAGES,
            "analytics_page": self.page,
            "form": self.form,
            "scope": self.scope,
            "allowed": self.decision.allowed,
            "refusal": self.decision,
            "k": min_group_size(),
            "synced_until": _parse(state.get("watermark_stored")),
            **self.extra,
        }


def page_context(request: HttpRequest, page: str, *, with_path: bool = True) -> PageContext:
    """The filter form and scope of a request, with the privacy decision for that scope."""
    form = ScopeForm(request.GET or None, with_path=with_path)
    if form.is_bound:
        form.is_valid()  # errors show next to the fields; the scope ignores invalid values
    scope = form.scope()
    return PageContext(page=page, form=form, scope=scope, decision=scope.allowed())


def _parse(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
