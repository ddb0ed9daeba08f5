"""Adoption: active learners per ISO week, new vs returning, optionally per location, team
or job role, within the shared analytics scope (period, location, team, job role, path).

- Active: a distinct actor with any statement in the week (voiding statements are not
  events, so an admin's correction does not count as activity).
- New: the week is the actor's first week with a statement in the whole store (not only in
  the range asked), so "new" means new to Leerpad. Returning: active and not new.
- Groups: today's location/team/job role of the person (the `people` dimension); actors
  without one (outside tools' agents, people without a location) form the group None.
- Scope: the period and filters of `analytics.filters.Scope`. A people filter keeps the
  people of that location/team/role; a path filter keeps the events of that path (so
  "active" means active in the path). "New" still looks at the whole store.

Privacy (the query layer's job, never the caller's): each week's breakdown goes through
`leerpad.core.guard.suppress` with the week's total, with k =
settings.LEERPAD_MIN_GROUP_SIZE: a group of fewer than k people is not its own row; small
groups merge into one "other" row when they reach k together, and when what is hidden would
be smaller than k the next-smallest groups are hidden too (so "week total minus the shown
rows" never describes fewer than k people); a week with fewer than k active people is not
returned. The new/returning split of a row is shown only when both parts reach k: one small
part would tell who is new (and the other part is the difference of two shown numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leerpad.analytics import query
from leerpad.analytics.filters import Scope
from leerpad.core.guard import Cell, min_group_size, suppress

GROUPS = {"location": "location_id", "team": "team_id", "job_role": "job_role_id"}

TEMPLATE = """
WITH firsts AS (
    SELECT actor_key, MIN(@week(timestamp)) AS first_week
    FROM events WHERE actor_key IS NOT NULL GROUP BY actor_key
),
active AS (
    SELECT DISTINCT @week(e.timestamp) AS week, e.actor_key, {group} AS grp
    FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.actor_key IS NOT NULL AND {scope}
)
SELECT a.week, a.grp,
       COUNT(DISTINCT a.actor_key) AS active,
       COUNT(DISTINCT CASE WHEN f.first_week = a.week THEN a.actor_key END) AS new
FROM active a JOIN firsts f ON f.actor_key = a.actor_key
GROUP BY a.week, a.grp
ORDER BY a.week, a.grp NULLS LAST
@settings()
"""


@dataclass(frozen=True)
class WeekRow:
    week: dt.date  # the Monday of the ISO week
    group: int | None  # location/team/job role id; None: no group (or not grouped)
    other: bool  # the merged small groups of the week
    active: int
    new: int | None  # None when the split would reveal a group smaller than k
    returning: int | None


def active_learners(
    scope: Scope,
    by: str | None = None,
    *,
    dialect: str | None = None,
) -> list[WeekRow]:
    """Active learners per ISO week in the scope, optionally per `by` (see GROUPS)."""
    if by is not None and by not in GROUPS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(GROUPS)}")
    # The group column comes from the fixed table above, never from the caller's text;
    # the scope's condition holds fixed column names and bound parameters only.
    group = f"p.{GROUPS[by]}" if by else "CAST(NULL AS BIGINT)"
    sql = TEMPLATE.format(group=group, scope=scope.where("e", "p"))
    rows = query.run(sql, scope.params(), dialect)
    # Each person has one group (or none), so a week's groups partition its learners and
    # their counts add up to the week's total, as the guard requires.
    weeks: dict[dt.date, dict[int | None, Cell[int]]] = {}
    for row in rows:
        cells = weeks.setdefault(row["week"], {})
        cells[row["grp"]] = Cell(people=int(row["active"]), value=int(row["new"]))
    k = min_group_size()
    result = []
    for week, cells in weeks.items():
        total = sum(cell.people for cell in cells.values())
        shown = suppress(cells, total, merge=lambda merged: sum(c.value for c in merged))
        for line in shown:
            if line.kind not in ("cell", "other") or line.people is None:
                continue
            active, new = line.people, int(line.value or 0)
            split = new >= k and active - new >= k
            result.append(
                WeekRow(
                    week=week,
                    group=line.key if line.kind == "cell" else None,
                    other=line.kind == "other",
                    active=active,
                    new=new if split else None,
                    returning=active - new if split else None,
                )
            )
    return result
