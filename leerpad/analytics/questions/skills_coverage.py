"""Skills coverage: how well the people in a job role meet their role's profile, by
location or team, and how that moves month by month.

A role profile is its `RoleSkill` lines; only the essential ones count here. A person meets
an essential skill when their level reaches the level the role needs, with the level as the
skills app decides it (`skills.queries.level_for`: the higher of their evidence, such as a
completed path or a passed quiz, and their own claim). Coverage of a skill in a group is the
share of the group's people in the role who meet it; a group's overall coverage is the share
of (person, essential skill) pairs met.

Over time: the level a person had at the end of each month, from the dates the skills
tables keep (evidence `achieved_at`, a claim's `updated_at`). Two limits follow from what is
kept, and the docs say so: a claim keeps only its latest level (so it counts from its last
change, at today's level), and withdrawn evidence is deleted, so it is missing from earlier
months too. People are grouped by today's role, location and team (no history of those).

Why the Django skills tables and not the analytics store: claims and evidence are current
state with dates, not a stream of events; they are small (a row per person and skill) and
live in the row store, where the skills pages read them too. Copying them into the events
store would add a second truth that could drift; reading them here is one indexed query.

Privacy, as for every figure about people (`core.guard`):
- the view (role, location, team filters) must have at least k people and differ from every
  wider view (fewer filters, down to everyone) by 0 or at least k (`guard_subgroup`);
- a breakdown by location or team goes through `suppress` with the role's total: groups of
  fewer than k are merged into "other groups" or left out, and the complementary rule hides
  more when the hidden part would be under k. A breakdown is offered only when no location or
  team filter is set: a filtered breakdown could be compared cell by cell with the unfiltered
  one;
- the overview of roles checks each role's number of people like a filtered view (role x the
  filters against every wider view).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person, Team
from leerpad.core.guard import Cell, Decision, guard_subgroup, min_group_size, suppress
from leerpad.skills.models import RoleSkill, Skill, SkillClaim, SkillEvidence
from leerpad.skills.queries import level_for

By = Literal["location", "team"]
GROUP_MODELS: dict[str, type[Location] | type[Team]] = {"location": Location, "team": Team}


@dataclass(frozen=True)
class Need:
    skill_id: int
    name: str  # in the viewer's language
    level: int


@dataclass(frozen=True)
class GroupCoverage:
    """One row of the coverage table: a group, the merged small groups, or everyone."""

    kind: Literal["cell", "other", "total"]
    key: int | None  # the location/team id; None: not in one (kind "cell"), or other/total
    name: str
    people: int
    met: tuple[int, ...]  # per need, at the end of the last month
    series: tuple[float, ...]  # per month: % of (person, essential skill) pairs met

    def percents(self) -> list[float]:
        return [100 * m / self.people for m in self.met]


@dataclass(frozen=True)
class Coverage:
    role_id: int
    decision: Decision
    by: By | None  # None: no breakdown (a location or team filter is set)
    needs: list[Need]
    months: list[dt.date]  # the first day of each month shown
    groups: list[GroupCoverage]  # shown groups (by name), "other", then the total
    some_hidden: bool  # groups left out: under k even merged


@dataclass(frozen=True)
class RoleSummary:
    role_id: int
    name: str
    needs: int  # essential skills in the profile
    people: int | None  # None: withheld (fewer than k, or too close to a wider view)
    percent: float | None  # today's overall coverage, when people is shown


@dataclass(frozen=True)
class _Member:
    pk: int
    job_role_id: int | None
    location_id: int | None
    team_id: int | None


def months_of(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The first days of the months that [start, end) touches, up to this month."""
    last = min(end - dt.timedelta(microseconds=1), timezone.now())
    last_local = timezone.localtime(last).date()
    first = timezone.localtime(start).date().replace(day=1)
    months = []
    while first <= last_local:
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_end(first: dt.date) -> dt.datetime:
    """The moment a month ends (the next month's first instant), or now for this month."""
    following = (first + dt.timedelta(days=32)).replace(day=1)
    end = dt.datetime.combine(following, dt.time.min, tzinfo=timezone.get_current_timezone())
    return min(end, timezone.now())


def _members() -> list[_Member]:
    rows = Person.objects.filter(is_active=True).values_list(
        "pk", "job_role_id", "location_id", "team_id"
    )
    return [_Member(*row) for row in rows]


def _filters(role_id: int | None, location_id: int | None, team_id: int | None) -> dict[str, int]:
    given = {"job_role_id": role_id, "location_id": location_id, "team_id": team_id}
    return {name: value for name, value in given.items() if value is not None}


def _views(filters: dict[str, int]) -> list[dict[str, int]]:
    """The view and every wider one, the view itself first."""
    names = sorted(filters)
    return [
        {name: filters[name] for name in subset}
        for size in range(len(names), -1, -1)
        for subset in itertools.combinations(names, size)
    ]


def _count(members: Sequence[_Member], view: dict[str, int]) -> int:
    return sum(1 for m in members if all(getattr(m, n) == v for n, v in view.items()))


def _decide(members: Sequence[_Member], filters: dict[str, int], k: int) -> Decision:
    sizes = [_count(members, view) for view in _views(filters)]
    return guard_subgroup(sizes[0], *sizes[1:], k=k)


class _Levels:
    """People's levels in skills at any moment, by the skills app's rule."""

    def __init__(self, person_ids: Sequence[int], skill_ids: Sequence[int]) -> None:
        self.evidence: dict[tuple[int, int], list[tuple[dt.datetime, int]]] = defaultdict(list)
        self.claims: dict[tuple[int, int], tuple[dt.datetime, int]] = {}
        for person_id, skill_id, level, at in SkillEvidence.objects.filter(
            person_id__in=person_ids, skill_id__in=skill_ids
        ).values_list("person_id", "skill_id", "level", "achieved_at"):
            self.evidence[(person_id, skill_id)].append((at, level))
        for person_id, skill_id, claimed, at in SkillClaim.objects.filter(
            person_id__in=person_ids, skill_id__in=skill_ids, self_level__isnull=False
        ).values_list("person_id", "skill_id", "self_level", "updated_at"):
            self.claims[(person_id, skill_id)] = (at, int(claimed or 0))

    def at(self, person_id: int, skill_id: int, moment: dt.datetime) -> int:
        key = (person_id, skill_id)
        shown = max((lv for at, lv in self.evidence.get(key, ()) if at <= moment), default=None)
        claim = self.claims.get(key)
        claimed = claim[1] if claim is not None and claim[0] <= moment else None
        return level_for(shown, claimed)


def _needs(role_id: int) -> list[Need]:
    lines = list(
        RoleSkill.objects.filter(job_role_id=role_id, essential=True).values_list(
            "skill_id", "level"
        )
    )
    skills = Skill.objects.in_bulk([skill_id for skill_id, _ in lines])
    needs = [Need(sid, skills[sid].name(), level) for sid, level in lines if sid in skills]
    return sorted(needs, key=lambda n: n.name.casefold())


# A group's value: per month, per need, how many of its people meet it.
Met = tuple[tuple[int, ...], ...]


def _met(
    people: Sequence[_Member], needs: Sequence[Need], ends: Sequence[dt.datetime], levels: _Levels
) -> Met:
    return tuple(
        tuple(sum(1 for p in people if levels.at(p.pk, n.skill_id, end) >= n.level) for n in needs)
        for end in ends
    )


def _row(
    kind: Literal["cell", "other", "total"], key: int | None, name: str, people: int, met: Met
) -> GroupCoverage:
    pairs = people * len(met[0]) if met else 0
    return GroupCoverage(
        kind=kind,
        key=key,
        name=name,
        people=people,
        met=met[-1] if met else (),
        series=tuple(100 * sum(month) / pairs if pairs else 0.0 for month in met),
    )


def coverage(
    role_id: int,
    start: dt.datetime,
    end: dt.datetime,
    *,
    by: By = "location",
    location_id: int | None = None,
    team_id: int | None = None,
) -> Coverage:
    """Coverage of `role_id`'s essential skills over the months of [start, end)."""
    if by not in GROUP_MODELS:
        raise ValueError(f"cannot group by {by!r}; choose location or team")
    k = min_group_size()
    members = _members()
    filters = _filters(role_id, location_id, team_id)
    decision = _decide(members, filters, k)
    months = months_of(start, end)
    needs = _needs(role_id)
    if not decision or not needs or not months:
        return Coverage(role_id, decision, None, needs, months, [], False)
    view = [m for m in members if all(getattr(m, n) == v for n, v in filters.items())]
    levels = _Levels([m.pk for m in view], [n.skill_id for n in needs])
    ends = [_month_end(first) for first in months]
    total = _row("total", None, "", len(view), _met(view, needs, ends, levels))
    grouping: By | None = by if location_id is None and team_id is None else None
    if grouping is None:
        return Coverage(role_id, decision, None, needs, months, [total], False)
    column = f"{grouping}_id"
    by_group: dict[int | None, list[_Member]] = defaultdict(list)
    for member in view:
        by_group[getattr(member, column)].append(member)
    cells = {
        key: Cell(len(people), _met(people, needs, ends, levels))
        for key, people in by_group.items()
    }

    def merge(merged: Sequence[Cell[Met]]) -> Met:
        return tuple(
            tuple(sum(c.value[m][n] for c in merged) for n in range(len(needs)))
            for m in range(len(months))
        )

    shown = suppress(cells, len(view), k=k, merge=merge)
    model = GROUP_MODELS[grouping]
    keys = [line.key for line in shown if line.kind == "cell" and line.key is not None]
    names = dict(model._default_manager.filter(pk__in=keys).values_list("pk", "name"))
    rows: list[GroupCoverage] = []
    other: list[GroupCoverage] = []
    some_hidden = False
    for line in shown:
        if line.kind == "cell" and line.people is not None and line.value is not None:
            name = names.get(line.key, "") if line.key is not None else ""
            rows.append(_row("cell", line.key, name, line.people, line.value))
        elif line.kind == "other" and line.people is not None and line.value is not None:
            other.append(_row("other", None, "", line.people, line.value))
        elif line.kind == "hidden" or (line.kind == "total" and line.some_hidden):
            some_hidden = True
    # Named groups by name, "not in one" after them.
    rows.sort(key=lambda r: (r.key is None, r.name.casefold()))
    return Coverage(role_id, decision, grouping, needs, months, [*rows, *other, total], some_hidden)


def roles_overview(
    *, location_id: int | None = None, team_id: int | None = None
) -> tuple[Decision, list[RoleSummary]]:
    """Every role with an essential profile: its people in the view and today's coverage."""
    k = min_group_size()
    members = _members()
    decision = _decide(members, _filters(None, location_id, team_id), k)
    if not decision:
        return decision, []
    role_ids = set(RoleSkill.objects.filter(essential=True).values_list("job_role_id", flat=True))
    roles = JobRole.objects.filter(pk__in=role_ids).order_by("name")
    now = timezone.now()
    summaries = []
    for role in roles:
        filters = _filters(role.pk, location_id, team_id)
        needs = _needs(role.pk)
        if not _decide(members, filters, k):
            summaries.append(RoleSummary(role.pk, role.name, len(needs), None, None))
            continue
        view = [m for m in members if all(getattr(m, n) == v for n, v in filters.items())]
        levels = _Levels([m.pk for m in view], [n.skill_id for n in needs])
        row = _row("total", None, role.name, len(view), _met(view, needs, [now], levels))
        percent = row.series[0] if needs else None
        summaries.append(RoleSummary(role.pk, role.name, len(needs), len(view), percent))
    return decision, summaries
