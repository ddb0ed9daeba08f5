"""Actual routes through a path: the directly-follows graph of what learners really do
between its steps, the steps they commonly skip, and the loops back.

Who: the learners whose first enrolment in the path (the `registered` statement on the
path, of the version asked for when one is) falls in the scope's period and people
filters. What: every statement of theirs, from that enrolment to the end of the period, on
an activity of one of the version's steps (the step's IRIs as `paths.completions.step_iris`
gives them, or a sub-activity naming one as its parent: a quiz's answers, an e-learning
package's parts), in time order; a step touched several times in a row is one visit.

Edges: start -> first step visited, each visit -> the next, and the last visit -> how the
learner stands at the end of the period: completed the path, left it (the latest of
`registered`, `completed` and `exited` on the path decides, so re-enrolling after leaving
counts as still going), or still going. A learner who enrolled and touched no step goes
from start straight to that end. People per edge are distinct learners.

Skipped: a step someone went past (completed the path, or completed a step later in the
design) without completing it. Alternatives (steps sharing a branch) are one group: doing
any of them is not skipping the others. Completions count from any time (prior learning
completes steps too, as the path's own rules say).

Loops back: edges B -> A where A comes earlier in the design.

Privacy: nothing when fewer than k learners; an edge about fewer than k people is not
returned on its own, and all such edges together are "other routes", with the number of
distinct people in them only when that reaches k. Every learner has exactly one edge out
of the start and one into an end, so those two sets of edges each add up to the learner
count the page shows: `core.guard.suppress` hides more of them where "learners minus
the drawn edges" would describe fewer than k people. Skip counts under k are withheld.

Main routes: `min_share` asks to draw only the edges taken by at least that share of the
learners (never fewer than k people), so the main routes stand out on a busy path. The
edges under that threshold but not under k stay listed (`listed`); all the edges not
drawn together are `below_people` distinct people, shown only when that reaches k and
does not differ from "other routes" by fewer than k people (the difference would be a
figure about those few).

Step IRIs are mapped in Python and passed as bound parameters (a UNION ALL of one-row
SELECTs: portable to ClickHouse, unlike a VALUES list). An IRI used by two steps of one
version maps to the first of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from leerpad.analytics import query
from leerpad.analytics.filters import Scope
from leerpad.core.guard import Cell, min_group_size, suppress
from leerpad.paths import tracking
from leerpad.paths.completions import step_iris
from leerpad.paths.models import Path, PathVersion, Step
from leerpad.paths.queries import steps_of

# Node numbers beside the step indexes (0, 1, ...): where a route starts and ends.
START, COMPLETED, LEFT, GOING = -1, -2, -3, -4
ENDS = (COMPLETED, LEFT, GOING)


@dataclass(frozen=True)
class StepInfo:
    index: int  # 0-based, in designed order
    step: Step
    group: int  # the alternatives group's index (a step alone is a group of its own)

    @property
    def optional(self) -> bool:
        return self.step.optional


@dataclass(frozen=True)
class Edge:
    source: int  # a step index or START
    target: int  # a step index or one of ENDS
    people: int
    moves: int  # how many times it was taken (a learner can loop)

    @property
    def back(self) -> bool:
        return self.source >= 0 and 0 <= self.target < self.source

    @property
    def skip(self) -> bool:
        """Forward over at least one designed step (from the start: not to the first)."""
        return self.target >= 0 and self.target > self.source + 1


@dataclass(frozen=True)
class Skip:
    step: StepInfo
    went_past: int | None  # completed the path or a later step (None: under k)
    skipped: int | None  # of those, without completing this step (None: under k)


@dataclass(frozen=True)
class Routes:
    version: PathVersion
    steps: tuple[StepInfo, ...]
    learners: int  # 0 when under k: nothing else is shown then
    edges: tuple[Edge, ...]  # the edges drawn: at least `threshold` people each
    other_people: int | None  # people on the edges under k together (None: under k too)
    other_edges: int  # how many edges were merged into "other routes"
    skips: tuple[Skip, ...]
    threshold: int = 0  # the fewest people on a drawn edge (k, or the share asked for)
    listed: tuple[Edge, ...] = ()  # every edge that may be shown (k people or more)
    below_people: int | None = None  # people on the edges not drawn (None: withheld)
    below_edges: int = 0  # how many edges are not drawn (under the threshold or under k)

    @property
    def shown(self) -> bool:
        return self.learners > 0

    @property
    def loops(self) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.back)


def _order(edge: Edge) -> tuple[int, int]:
    """Designed order: from the start, then by step; ends last (completed, left, going)."""
    return edge.source, edge.target if edge.target >= 0 else 1000 - edge.target


def version_of(path: Path, number: int | None) -> PathVersion | None:
    """The version asked for, or the published one (None when there is neither)."""
    if number is None:
        return path.current
    return path.versions.filter(number=number).first()


def step_infos(version: PathVersion) -> list[StepInfo]:
    """The version's steps in designed order, with their alternatives groups."""
    infos: list[StepInfo] = []
    branches: dict[int, int] = {}
    group = -1
    for index, step in enumerate(steps_of(version)):
        if step.branch is not None and step.branch in branches:
            infos.append(StepInfo(index, step, branches[step.branch]))
            continue
        group += 1
        if step.branch is not None:
            branches[step.branch] = group
        infos.append(StepInfo(index, step, group))
    return infos


def step_map(version: PathVersion, steps: Sequence[StepInfo]) -> dict[str, StepInfo]:
    """Activity IRI -> the first step of the version it completes."""
    found: dict[str, StepInfo] = {}
    for info in steps:
        for iri in sorted(step_iris(info.step, version.path.key)):
            found.setdefault(iri, info)
    return found


def map_cte(mapping: dict[str, StepInfo]) -> tuple[str, dict[str, Any]]:
    """The `step_map(iri, step, grp)` CTE body and its parameters."""
    params: dict[str, Any] = {}
    rows = []
    for i, (iri, info) in enumerate(sorted(mapping.items())):
        params[f"iri{i}"], params[f"step{i}"], params[f"grp{i}"] = iri, info.index, info.group
        rows.append(
            f"SELECT @p(iri{i}, text) AS iri, @p(step{i}, int) AS step, @p(grp{i}, int) AS grp"
        )
    if not rows:
        # A version without steps: an empty map of the right shape. Literals, not typed
        # NULLs: CAST(NULL AS VARCHAR) needs a Nullable type on ClickHouse.
        rows.append("SELECT '' AS iri, -1 AS step, -1 AS grp WHERE 1 = 0")
    return "\n    UNION ALL ".join(rows), params


def learners_cte(scope: Scope, with_version: bool) -> str:
    """`first_enrolment` and `learners`: who the question is about (see the docstring)."""
    version = "AND path_version = @p(version, int)" if with_version else ""
    scope = replace(scope, path_key=None)  # the path is the question's own, not a filter
    # Fixed text and the scope's own condition (bound parameters, fixed column names).
    return f"""
first_enrolment AS (
    SELECT actor_key, MIN(timestamp) AS timestamp, MIN(person_id) AS person_id
    FROM events
    WHERE verb = @p(registered, text) AND object_iri = @p(path_iri, text)
      AND actor_key IS NOT NULL {version}
    GROUP BY actor_key
),
learners AS (
    SELECT e.actor_key AS actor_key, e.timestamp AS since
    FROM first_enrolment e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE {scope.where("e", "p")}
)"""  # noqa: S608


def base_params(version: PathVersion, scope: Scope, with_version: bool) -> dict[str, Any]:
    params = scope.params()
    params.pop("path_key", None)  # the path is the question's own, not a filter on events
    params.update(
        registered=tracking.REGISTERED,
        completed=tracking.COMPLETED,
        exited=tracking.EXITED,
        path_iri=tracking.path_iri(version.path.key),
    )
    if with_version:
        params["version"] = version.number
    return params


EDGES = """
WITH step_map AS (
    {step_map}
),
{learners},
touches AS (
    SELECT e.actor_key AS actor_key, e.timestamp AS timestamp, e.stored AS stored,
           e.statement_id AS statement_id, COALESCE(mo.step, mp.step) AS step
    FROM events e
    JOIN learners l ON l.actor_key = e.actor_key
    LEFT JOIN step_map mo ON mo.iri = e.object_iri
    LEFT JOIN step_map mp ON mp.iri = e.parent_iri
    WHERE e.timestamp >= l.since AND e.timestamp < @p(end, timestamp)
      AND (mo.step IS NOT NULL OR mp.step IS NOT NULL)
),
ordered AS (
    SELECT actor_key, step, timestamp, stored, statement_id,
           ROW_NUMBER() OVER (PARTITION BY actor_key ORDER BY timestamp, stored, statement_id) AS n,
           LAG(step) OVER (PARTITION BY actor_key ORDER BY timestamp, stored, statement_id) AS prev
    FROM touches
),
visits AS (
    SELECT actor_key, step, timestamp, stored, statement_id FROM ordered
    WHERE n = 1 OR prev <> step
),
numbered AS (
    SELECT actor_key, step,
           ROW_NUMBER() OVER (PARTITION BY actor_key ORDER BY timestamp, stored, statement_id) AS n,
           LAG(step) OVER (PARTITION BY actor_key ORDER BY timestamp, stored, statement_id) AS prev
    FROM visits
),
lasts AS (
    SELECT nb.actor_key AS actor_key, nb.step AS step
    FROM numbered nb
    JOIN (SELECT actor_key, MAX(n) AS n FROM numbered GROUP BY actor_key) m
      ON m.actor_key = nb.actor_key AND m.n = nb.n
),
states AS (
    SELECT actor_key, verb,
           ROW_NUMBER() OVER (
               PARTITION BY actor_key ORDER BY timestamp DESC, stored DESC, statement_id DESC
           ) AS n
    FROM events
    WHERE object_iri = @p(path_iri, text) AND timestamp < @p(end, timestamp)
      AND verb IN (@p(registered, text), @p(completed, text), @p(exited, text))
),
outcome AS (
    SELECT l.actor_key AS actor_key,
           CASE WHEN s.verb = @p(completed, text) THEN {completed}
                WHEN s.verb = @p(exited, text) THEN {left}
                ELSE {going} END AS sink
    FROM learners l
    LEFT JOIN (SELECT actor_key, verb FROM states WHERE n = 1) s ON s.actor_key = l.actor_key
),
moves AS (
    SELECT actor_key, CASE WHEN n = 1 THEN {start} ELSE prev END AS source, step AS target
    FROM numbered
    UNION ALL
    SELECT o.actor_key AS actor_key, COALESCE(v.step, {start}) AS source, o.sink AS target
    FROM outcome o LEFT JOIN lasts v ON v.actor_key = o.actor_key
),
edges AS (
    SELECT source, target, COUNT(*) AS moves, COUNT(DISTINCT actor_key) AS people
    FROM moves GROUP BY source, target
){hidden}
{final}
@settings()
"""

# The first pass: every edge, and how many learners.
FINAL_EDGES = """
SELECT 'edge' AS kind, source, target, moves, people FROM edges
UNION ALL
SELECT 'learners' AS kind, CAST(NULL AS BIGINT) AS source, CAST(NULL AS BIGINT) AS target,
       0 AS moves, COUNT(*) AS people FROM learners"""

# The second pass, once the edges not drawn are known: the distinct people on them, and on
# those hidden for privacy (under k) alone.
FINAL_OTHER = """
SELECT COUNT(DISTINCT CASE WHEN h.private = 1 THEN m.actor_key END) AS people,
       COUNT(DISTINCT m.actor_key) AS below
FROM moves m JOIN hidden h ON h.source = m.source AND h.target = m.target"""


SKIPS = """
WITH step_map AS (
    {step_map}
),
{learners},
groups AS (SELECT DISTINCT grp FROM step_map),
done AS (
    SELECT DISTINCT e.actor_key AS actor_key, m.grp AS grp
    FROM events e
    JOIN learners l ON l.actor_key = e.actor_key
    JOIN step_map m ON m.iri = e.object_iri
    WHERE e.timestamp < @p(end, timestamp)
      AND (e.verb IN ({completion_verbs})
           OR (e.result_completion = TRUE AND e.verb <> @p(failed, text)))
),
furthest AS (SELECT actor_key, MAX(grp) AS grp FROM done GROUP BY actor_key),
finished AS (
    SELECT DISTINCT e.actor_key AS actor_key
    FROM events e JOIN learners l ON l.actor_key = e.actor_key
    WHERE e.verb = @p(completed, text) AND e.object_iri = @p(path_iri, text)
      AND e.timestamp < @p(end, timestamp)
),
past AS (
    SELECT l.actor_key AS actor_key, g.grp AS grp
    FROM learners l
    CROSS JOIN groups g
    LEFT JOIN furthest f ON f.actor_key = l.actor_key
    LEFT JOIN finished c ON c.actor_key = l.actor_key
    WHERE c.actor_key IS NOT NULL OR (f.grp IS NOT NULL AND f.grp > g.grp)
)
SELECT p.grp AS grp, COUNT(DISTINCT p.actor_key) AS went_past,
       COUNT(DISTINCT CASE WHEN d.actor_key IS NULL THEN p.actor_key END) AS skipped
FROM past p LEFT JOIN done d ON d.actor_key = p.actor_key AND d.grp = p.grp
GROUP BY p.grp
ORDER BY p.grp
@settings()
"""


_PARAM = re.compile(r"@p\((\w+),")


def run(template: str, params: dict[str, Any], dialect: str | None = None) -> list[dict[str, Any]]:
    """Run with only the parameters the template uses (DuckDB refuses extra ones), so the
    questions of this module can share one parameter dict."""
    used = set(_PARAM.findall(template))
    return query.run(template, {k: v for k, v in params.items() if k in used}, dialect)


def completion_verbs(params: dict[str, Any]) -> str:
    verbs = sorted(tracking.COMPLETION_VERBS)
    for i, verb in enumerate(verbs):
        params[f"cverb{i}"] = verb
    params["failed"] = tracking.FAILED
    return ", ".join(f"@p(cverb{i}, text)" for i in range(len(verbs)))


def _hidden(edges: Sequence[Edge], learners: int, k: int) -> set[tuple[int, int]]:
    """The edges not drawn: those under k people, and, among the edges that start routes
    and those that end them, more where needed so that "learners minus the drawn ones"
    never describes fewer than k people (each learner has exactly one start and one end
    edge, so each of the two sets partitions the learners: `core.guard.suppress`)."""
    hidden = {(e.source, e.target) for e in edges if e.people < k}
    for group in (
        [e for e in edges if e.source == START],
        [e for e in edges if e.target in ENDS],
    ):
        cells = {(e.source, e.target): Cell(people=e.people, value=e.moves) for e in group}
        if sum(c.people for c in cells.values()) != learners:  # pragma: no cover - by design
            hidden.update(cells)
            continue
        drawn = {line.key for line in suppress(cells, learners, k=k) if line.kind == "cell"}
        hidden.update(key for key in cells if key not in drawn)
    return hidden


def threshold_for(learners: int, share: float, k: int) -> int:
    """The fewest people an edge needs to be drawn: `share` of the learners, at least k."""
    return max(k, math.ceil(share * learners - 1e-9))


def routes(
    version: PathVersion,
    scope: Scope,
    *,
    with_version: bool = False,
    min_share: float = 0.0,
    dialect: str | None = None,
) -> Routes:
    """The actual routes of `version`'s learners in `scope` (see the module docstring).

    `with_version`: only learners who enrolled in this version; otherwise everyone who
    enrolled in the path, their statements mapped on this version's steps.
    `min_share`: draw only the edges of at least this share of the learners (0..1).
    """
    k = min_group_size()
    steps = step_infos(version)
    cte, map_params = map_cte(step_map(version, steps))
    params = base_params(version, scope, with_version) | map_params
    learners = learners_cte(scope, with_version)
    parts = {
        "step_map": cte,
        "learners": learners,
        "start": START,
        "completed": COMPLETED,
        "left": LEFT,
        "going": GOING,
    }
    rows = run(EDGES.format(**parts, hidden="", final=FINAL_EDGES), params, dialect)
    total = next((int(r["people"]) for r in rows if r["kind"] == "learners"), 0)
    if total < k:
        return Routes(version, tuple(steps), 0, (), None, 0, (), k)
    edges = [
        Edge(int(r["source"]), int(r["target"]), int(r["people"]), int(r["moves"]))
        for r in rows
        if r["kind"] == "edge"
    ]
    hidden = _hidden(edges, total, k)
    listed = sorted((e for e in edges if (e.source, e.target) not in hidden), key=_order)
    threshold = threshold_for(total, min_share, k)
    shown = [e for e in listed if e.people >= threshold]
    below = hidden | {(e.source, e.target) for e in listed if e.people < threshold}
    other = below_people = 0
    if below:
        pairs = []
        for i, (source, target) in enumerate(sorted(below)):
            params[f"hs{i}"], params[f"ht{i}"] = source, target
            params[f"hp{i}"] = 1 if (source, target) in hidden else 0
            pairs.append(
                f"SELECT @p(hs{i}, int) AS source, @p(ht{i}, int) AS target, "
                f"@p(hp{i}, int) AS private"
            )
        hidden_cte = ",\nhidden AS (\n    " + "\n    UNION ALL ".join(pairs) + "\n)"
        sql = EDGES.format(**parts, hidden=hidden_cte, final=FINAL_OTHER)
        found = run(sql, params, dialect)
        if found:
            other = int(found[0]["people"] or 0)
            below_people = int(found[0]["below"] or 0)
    skip_params = dict(params)
    verbs = completion_verbs(skip_params)
    skip_sql = SKIPS.format(step_map=cte, learners=learners, completion_verbs=verbs)
    by_group = {int(r["grp"]): r for r in run(skip_sql, skip_params, dialect)}
    skips = []
    for info in steps:
        row = by_group.get(info.group)
        went_past = int(row["went_past"]) if row else 0
        skipped = int(row["skipped"]) if row else 0
        skips.append(
            Skip(
                info,
                went_past if went_past >= k else None,
                skipped if skipped >= k and went_past >= k else None,
            )
        )
    return Routes(
        version=version,
        steps=tuple(steps),
        learners=total,
        edges=tuple(shown),
        other_people=other if other >= k else None,
        other_edges=len(edges) - len(listed),
        skips=tuple(skips),
        threshold=threshold,
        listed=tuple(listed),
        below_people=_below_shown(below_people, other, k),
        below_edges=len(edges) - len(shown),
    )


def _below_shown(below: int, other: int, k: int) -> int | None:
    """The people on the edges not drawn, when that reaches k and, where "other routes"
    (the edges under k) is shown beside it, differs from it by 0 or by at least k."""
    if below < k:
        return None
    difference = below - other
    if other >= k and 0 < difference < k:
        return None
    return below
