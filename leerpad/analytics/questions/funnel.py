"""Path funnel: per step of a path version, who reached it, who completed it, how long they
were stuck before completing it, and where learners left; versions side by side.

Who is counted (the cohort): the actors with a `registered` statement on the path's
activity in the period and the people filters of the scope; each learner counts in the
version their first such enrolment in the period names (the statement's path-version
extension). Why enrolment and not "anyone who touched a step": an item can be read outside
the path, and a funnel is about the people who set out on the path. A learner moved to a
newer version by L&D (`move_learners`) stays in the version they enrolled in: the move
records no statement.

Step completion: a completion statement (the verbs of `paths.tracking.COMPLETION_VERBS`,
or `result.completion = true`, never `failed`) on one of the step's activity IRIs, exactly
as `paths.completions` decides progress. Outside tools do not send the step's uid, so the
IRI -> step mapping is made here in Python from the version's steps (`completions.
step_iris`) and passed as bound parameters. The first completion counts; a completion
before enrolling (prior learning) completes the step but is not "time stuck".

Per step, in designed order (index 0 = the first step):
- reached: started it (any statement on its activities), completed it, or completed every
  required step before it. Steps in an alternatives group or marked optional are not
  "required" for this purpose.
- completed: completed it.
- median days stuck: for those who completed it after enrolling, whole days from the
  learner's previous step completion in this path (whichever step it was), or from
  enrolment when there is none, to this completion; the discrete median (a value that
  occurs), the same on every engine (`@percentile`).
- stalled: reached it and took at least `stall_days` to complete it, or (a required step)
  has not completed it and has done nothing on the path for `stall_days`.
- left here: learners who left the path (an `exited` statement not followed by a new
  enrolment, or no activity on the path for `inactive_days`, default 30) without completing
  it, counted at the first required step they had not completed.
- skipped: did not complete it but completed every later step ("went on").
- next first: of those who completed this step and the next, how many did the next first.

Privacy (here, not in the caller): a version with fewer than k enrolled learners shows no
figures; a step figure is the people of one part of a group (completed out of reached, left
out of reached...). It is shown only when the part has at least k people and the rest of
the group is empty or at least k too (`core.guard.suppress` over the two parts), so that
"reached minus completed" never describes fewer than k people; a median needs k timed
completions. Withheld figures are None, never zero.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from leerpad.analytics import query
from leerpad.analytics.filters import Scope
from leerpad.core.guard import Cell, min_group_size, suppress
from leerpad.paths import tracking
from leerpad.paths.completions import step_iris
from leerpad.paths.models import Path, PathVersion, Step

INACTIVE_DAYS = 30
STALL_DAYS = 14

# Everything after the two parameter tables; `{scope}` is the scope's own condition.
BODY = """
regs AS (
    SELECT e.actor_key AS actor_key, e.path_version AS version, e.timestamp AS enrolled_at,
           ROW_NUMBER() OVER (
               PARTITION BY e.actor_key ORDER BY e.timestamp, e.statement_id
           ) AS rn
    FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.actor_key IS NOT NULL AND e.verb = @p(v_registered, text)
      AND e.object_iri = @p(path_iri, text) AND {scope}
),
versions AS (SELECT DISTINCT version AS version FROM step_list),
learners AS (
    SELECT r.actor_key AS actor_key, r.version AS version, r.enrolled_at AS enrolled_at
    FROM regs r JOIN versions v ON v.version = r.version
    WHERE r.rn = 1
),
acts AS (
    SELECT l.actor_key AS actor_key, l.version AS version, s.step AS step,
           e.timestamp AS at,
           CASE WHEN e.verb <> @p(v_failed, text)
                 AND (e.verb IN (@p(v_completed, text), @p(v_passed, text),
                                 @p(v_mastered, text), @p(v_attended, text))
                      OR e.result_completion = TRUE)
                THEN 1 ELSE 0 END AS completes
    FROM events e
    JOIN learners l ON l.actor_key = e.actor_key
    JOIN step_iris s ON s.iri = e.object_iri AND s.version = l.version
),
per_step AS (
    SELECT a.actor_key AS actor_key, a.version AS version, a.step AS step,
           MIN(a.at) AS started_at,
           MIN(CASE WHEN a.completes = 1 THEN a.at END) AS done_at
    FROM acts a GROUP BY a.actor_key, a.version, a.step
),
grid AS (
    SELECT l.actor_key AS actor_key, l.version AS version, l.enrolled_at AS enrolled_at,
           s.step AS step, s.required AS required,
           ps.started_at AS started_at, ps.done_at AS done_at
    FROM learners l
    JOIN step_list s ON s.version = l.version
    LEFT JOIN per_step ps
      ON ps.actor_key = l.actor_key AND ps.version = l.version AND ps.step = s.step
),
status AS (
    SELECT l.actor_key AS actor_key,
           MAX(CASE WHEN e.verb = @p(v_completed, text) AND e.object_iri = @p(path_iri, text)
                    THEN 1 ELSE 0 END) AS finished,
           MAX(CASE WHEN e.verb = @p(v_exited, text) AND e.object_iri = @p(path_iri, text)
                    THEN e.timestamp END) AS exited_at,
           MAX(CASE WHEN e.verb IN (@p(v_registered, text), @p(v_resumed, text))
                     AND e.object_iri = @p(path_iri, text)
                    THEN e.timestamp END) AS back_at,
           MAX(e.timestamp) AS last_at
    FROM learners l
    JOIN events e ON e.actor_key = l.actor_key
    LEFT JOIN step_iris s ON s.iri = e.object_iri AND s.version = l.version
    WHERE e.path_key = @p(path_key, text) OR s.step IS NOT NULL
    GROUP BY l.actor_key
),
gone AS (
    SELECT st.actor_key AS actor_key FROM status st
    WHERE st.finished = 0
      AND ((st.exited_at IS NOT NULL AND st.back_at <= st.exited_at)
           OR st.last_at < @p(inactive_before, timestamp))
),
leavers AS (
    SELECT g.actor_key AS actor_key,
           COALESCE(MIN(CASE WHEN g.required = 1 AND g.done_at IS NULL THEN g.step END),
                    MIN(CASE WHEN g.done_at IS NULL THEN g.step END)) AS left_step
    FROM grid g JOIN gone x ON x.actor_key = g.actor_key
    GROUP BY g.actor_key
),
facts AS (
    SELECT g.actor_key AS actor_key, g.version AS version, g.step AS step,
           g.required AS required, g.enrolled_at AS enrolled_at,
           g.started_at AS started_at, g.done_at AS done_at,
           SUM(CASE WHEN h.step < g.step AND h.required = 1 THEN 1 ELSE 0 END) AS req_before,
           SUM(CASE WHEN h.step < g.step AND h.required = 1 AND h.done_at IS NOT NULL
                    THEN 1 ELSE 0 END) AS req_done_before,
           SUM(CASE WHEN h.step > g.step THEN 1 ELSE 0 END) AS later,
           SUM(CASE WHEN h.step > g.step AND h.done_at IS NOT NULL
                    THEN 1 ELSE 0 END) AS later_done,
           MAX(CASE WHEN h.done_at IS NOT NULL AND g.done_at IS NOT NULL
                     AND h.done_at < g.done_at THEN h.done_at END) AS prev_done_at,
           MAX(CASE WHEN h.step = g.step + 1 AND h.done_at IS NOT NULL
                     AND g.done_at IS NOT NULL THEN 1 ELSE 0 END) AS both_with_next,
           MAX(CASE WHEN h.step = g.step + 1 AND h.done_at IS NOT NULL
                     AND g.done_at IS NOT NULL AND h.done_at < g.done_at
                    THEN 1 ELSE 0 END) AS next_first
    FROM grid g JOIN grid h ON h.actor_key = g.actor_key AND h.version = g.version
    GROUP BY g.actor_key, g.version, g.step, g.required, g.enrolled_at, g.started_at,
             g.done_at
),
spans AS (
    SELECT f.actor_key AS actor_key, f.version AS version, f.step AS step,
           f.required AS required, f.done_at AS done_at, f.later AS later,
           f.later_done AS later_done, f.both_with_next AS both_with_next,
           f.next_first AS next_first,
           CASE WHEN f.started_at IS NOT NULL OR f.req_done_before = f.req_before
                THEN 1 ELSE 0 END AS reached,
           CASE WHEN f.done_at IS NOT NULL AND f.done_at >= f.enrolled_at
                THEN CASE WHEN f.prev_done_at IS NOT NULL AND f.prev_done_at > f.enrolled_at
                          THEN f.prev_done_at ELSE f.enrolled_at END
           END AS stuck_from
    FROM facts f
),
timed AS (
    SELECT s.actor_key AS actor_key, s.version AS version, s.step AS step,
           s.required AS required, s.done_at AS done_at, s.later AS later,
           s.later_done AS later_done, s.both_with_next AS both_with_next,
           s.next_first AS next_first, s.reached AS reached,
           @days_between(s.stuck_from, s.done_at) AS stuck_days, st.last_at AS last_at
    FROM spans s JOIN status st ON st.actor_key = s.actor_key
)
"""

STEPS = """
SELECT t.version AS version, t.step AS step,
       COUNT(DISTINCT CASE WHEN t.reached = 1 THEN t.actor_key END) AS reached,
       COUNT(DISTINCT CASE WHEN t.done_at IS NOT NULL THEN t.actor_key END) AS completed,
       COUNT(DISTINCT CASE WHEN t.stuck_days IS NOT NULL THEN t.actor_key END) AS timed,
       @percentile(t.stuck_days, 0.5) AS median_days,
       COUNT(DISTINCT CASE WHEN t.reached = 1
                            AND ((t.done_at IS NOT NULL
                                  AND t.stuck_days >= @p(stall_days, int))
                                 OR (t.done_at IS NULL AND t.required = 1
                                     AND t.last_at < @p(stall_before, timestamp)))
                           THEN t.actor_key END) AS stalled,
       COUNT(DISTINCT CASE WHEN lv.left_step = t.step THEN t.actor_key END) AS left_here,
       COUNT(DISTINCT CASE WHEN t.later > 0 AND t.later_done = t.later
                           THEN t.actor_key END) AS went_on,
       COUNT(DISTINCT CASE WHEN t.later > 0 AND t.later_done = t.later AND t.done_at IS NULL
                           THEN t.actor_key END) AS skipped,
       SUM(t.both_with_next) AS both_with_next,
       SUM(t.next_first) AS next_first
FROM timed t LEFT JOIN leavers lv ON lv.actor_key = t.actor_key
GROUP BY t.version, t.step
ORDER BY t.version, t.step
@settings()
"""

VERSIONS = """
SELECT l.version AS version,
       COUNT(DISTINCT l.actor_key) AS enrolled,
       COUNT(DISTINCT CASE WHEN st.finished = 1 THEN l.actor_key END) AS finished,
       COUNT(DISTINCT lv.actor_key) AS left_path
FROM learners l
LEFT JOIN status st ON st.actor_key = l.actor_key
LEFT JOIN leavers lv ON lv.actor_key = l.actor_key
GROUP BY l.version
ORDER BY l.version
@settings()
"""

TOTALS = """
WITH path_iris AS ({iri_rows}),
regs AS (
    SELECT DISTINCT pi.path_key AS path_key, e.actor_key AS actor_key
    FROM events e
    JOIN path_iris pi ON pi.iri = e.object_iri
    LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.actor_key IS NOT NULL AND e.verb = @p(v_registered, text) AND {scope}
),
done AS (
    SELECT DISTINCT pi.path_key AS path_key, e.actor_key AS actor_key
    FROM events e JOIN path_iris pi ON pi.iri = e.object_iri
    WHERE e.verb = @p(v_completed, text)
)
SELECT r.path_key AS path_key,
       COUNT(DISTINCT r.actor_key) AS enrolled,
       COUNT(DISTINCT d.actor_key) AS finished
FROM regs r LEFT JOIN done d ON d.path_key = r.path_key AND d.actor_key = r.actor_key
GROUP BY r.path_key
@settings()
"""


@dataclass(frozen=True)
class StepRow:
    """One step of a version's funnel; every figure is None when withheld (see module)."""

    index: int  # 0-based place in the designed order
    uid: str
    title: str
    required: bool
    reached: int | None
    completed: int | None
    median_days: int | None
    stalled: int | None
    left: int | None
    went_on: int | None  # completed every later step
    skipped: int | None  # of those, did not complete this one
    with_next: int | None  # completed this step and the next
    next_first: int | None  # of those, did the next one first

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class VersionFunnel:
    number: int
    status: str
    enrolled: int | None  # None: fewer than k learners (or none) enrolled in this version
    finished: int | None
    left: int | None
    steps: tuple[StepRow, ...]

    @property
    def shown(self) -> bool:
        return self.enrolled is not None


@dataclass(frozen=True)
class Funnel:
    path_key: str
    versions: tuple[VersionFunnel, ...]
    inactive_days: int
    stall_days: int
    k: int

    def version(self, number: int) -> VersionFunnel | None:
        return next((v for v in self.versions if v.number == number), None)


@dataclass(frozen=True)
class PathTotal:
    path_key: str
    enrolled: int | None
    finished: int | None


def part(people: int, group: int, k: int | None = None) -> int | None:
    """`people` out of `group`, when showing it says nothing about fewer than k people.

    The group is split in two (the part, the rest) and given to `core.guard.suppress`
    with the group as total: it shows the part only when neither side is a small group
    (an empty rest is about nobody). A part of zero is shown when the group itself may be.
    """
    size = min_group_size() if k is None else k
    if group < size:
        return None
    if people == 0:
        return 0
    shown = suppress({"part": Cell(people, people), "rest": Cell(group - people, 0)}, group, k=size)
    return next((line.people for line in shown if line.kind == "cell" and line.key == "part"), None)


def _table(
    prefix: str, rows: Sequence[tuple[Any, ...]], names: Sequence[str], types: Sequence[str]
) -> tuple[str, dict[str, Any]]:
    """A small table of bound values as SELECT ... UNION ALL SELECT ..., portable SQL.

    Only generated placeholder names reach the SQL; the values are bound parameters.
    """
    selects: list[str] = []
    params: dict[str, Any] = {}
    for i, row in enumerate(rows):
        cols = []
        for name, kind, value in zip(names, types, row, strict=True):
            key = f"{prefix}_{name}_{i}"
            params[key] = value
            cols.append(f"@p({key}, {kind}) AS {name}")
        selects.append("SELECT " + ", ".join(cols))
    return "\nUNION ALL ".join(selects), params


_PARAM = re.compile(r"@p\((\w+)\s*,")


def _run(sql: str, params: dict[str, Any], dialect: str | None) -> list[dict[str, Any]]:
    """Run with only the parameters this SQL uses (DuckDB refuses unused ones)."""
    used = set(_PARAM.findall(sql))
    return query.run(sql, {k: v for k, v in params.items() if k in used}, dialect)


def _verbs() -> dict[str, str]:
    return {
        "v_registered": tracking.REGISTERED,
        "v_completed": tracking.COMPLETED,
        "v_passed": tracking.PASSED,
        "v_mastered": tracking.MASTERED,
        "v_attended": tracking.ATTENDED,
        "v_failed": tracking.FAILED,
        "v_exited": tracking.EXITED,
        "v_resumed": tracking.RESUMED,
    }


def steps_by_version(versions: Sequence[PathVersion]) -> dict[int, list[Step]]:
    """The steps of each version (by number) in designed order, loaded for `step_iris`."""
    found: dict[int, list[Step]] = {v.number: [] for v in versions}
    numbers = {v.pk: v.number for v in versions}
    for step in (
        Step.objects.filter(version__in=list(versions))
        .select_related("item__package", "quiz")
        .order_by("version", "position", "id")
    ):
        found[numbers[step.version_id]].append(step)
    return found


def funnel(
    path: Path,
    scope: Scope,
    versions: Sequence[int] | None = None,
    *,
    inactive_days: int = INACTIVE_DAYS,
    stall_days: int = STALL_DAYS,
    as_of: dt.datetime | None = None,
    dialect: str | None = None,
) -> Funnel:
    """The funnel of `path` for learners who enrolled in the scope, per version.

    `versions`: the version numbers to include (None: every published or replaced one).
    `as_of`: the moment "inactive for N days" is measured from (default now).
    """
    if inactive_days < 1 or stall_days < 1:
        raise ValueError("inactive_days and stall_days must be at least 1")
    k = min_group_size()
    chosen = list(
        PathVersion.objects.filter(path=path)
        .exclude(status=PathVersion.Status.DRAFT)
        .order_by("number")
    )
    if versions is not None:
        wanted = set(versions)
        chosen = [v for v in chosen if v.number in wanted]
    steps = steps_by_version(chosen)
    step_rows = [
        (number, i, 1 if not s.optional and s.branch is None else 0)
        for number, version_steps in steps.items()
        for i, s in enumerate(version_steps)
    ]
    iri_rows = [
        (number, i, iri)
        for number, version_steps in steps.items()
        for i, s in enumerate(version_steps)
        for iri in sorted(step_iris(s, path.key))
    ]
    raw_steps: dict[tuple[int, int], dict[str, Any]] = {}
    raw_versions: dict[int, dict[str, Any]] = {}
    if step_rows and iri_rows:
        step_sql, step_params = _table(
            "s", step_rows, ("version", "step", "required"), ("int", "int", "int")
        )
        iri_sql, iri_params = _table(
            "i", iri_rows, ("version", "step", "iri"), ("int", "int", "text")
        )
        now = as_of or timezone.now()
        params: dict[str, Any] = {
            **scope.params(),
            **step_params,
            **iri_params,
            **_verbs(),
            "path_iri": tracking.path_iri(path.key),
            "path_key": path.key,
            "inactive_before": now - dt.timedelta(days=inactive_days),
            "stall_before": now - dt.timedelta(days=stall_days),
            "stall_days": stall_days,
        }
        head = f"WITH step_list AS ({step_sql}),\nstep_iris AS ({iri_sql}),\n"
        # Only generated placeholders and the scope's fixed SQL are formatted in.
        body = BODY.format(scope=scope.where("e", "p"))
        for row in _run(head + body + STEPS, params, dialect):
            raw_steps[(int(row["version"]), int(row["step"]))] = row
        for row in _run(head + body + VERSIONS, params, dialect):
            raw_versions[int(row["version"])] = row
    result = []
    for version in chosen:
        totals = raw_versions.get(version.number, {})
        enrolled = int(totals.get("enrolled") or 0)
        shown = enrolled >= k
        result.append(
            VersionFunnel(
                number=version.number,
                status=version.status,
                enrolled=enrolled if shown else None,
                finished=part(int(totals.get("finished") or 0), enrolled, k) if shown else None,
                left=part(int(totals.get("left_path") or 0), enrolled, k) if shown else None,
                steps=tuple(
                    _step_row(i, s, raw_steps.get((version.number, i), {}), enrolled, k)
                    for i, s in enumerate(steps[version.number])
                ),
            )
        )
    return Funnel(path.key, tuple(result), inactive_days, stall_days, k)


def _step_row(index: int, step: Step, raw: dict[str, Any], enrolled: int, k: int) -> StepRow:
    def n(name: str) -> int:
        return int(raw.get(name) or 0)

    def within(name: str, group_name: str, group: int | None) -> int | None:
        # A part of a withheld group is withheld too; of an empty group it is zero.
        if group is None:
            return None
        return 0 if group == 0 else part(n(name), n(group_name), k)

    shown = enrolled >= k
    reached = part(n("reached"), enrolled, k) if shown else None
    went_on = part(n("went_on"), enrolled, k) if shown else None
    with_next = part(n("both_with_next"), enrolled, k) if shown else None
    median = raw.get("median_days")
    return StepRow(
        index=index,
        uid=str(step.uid),
        title=step.title(),
        required=not step.optional and step.branch is None,
        reached=reached,
        completed=within("completed", "reached", reached),
        median_days=int(median) if median is not None and reached and n("timed") >= k else None,
        stalled=within("stalled", "reached", reached),
        left=within("left_here", "reached", reached),
        went_on=went_on,
        skipped=within("skipped", "went_on", went_on),
        with_next=with_next,
        next_first=within("next_first", "both_with_next", with_next),
    )


def path_totals(
    paths: Sequence[Path], scope: Scope, *, dialect: str | None = None
) -> dict[str, PathTotal]:
    """Learners who enrolled in each path in the scope, and how many of them completed it."""
    if not paths:
        return {}
    k = min_group_size()
    iri_sql, params = _table(
        "p",
        [(p.key, tracking.path_iri(p.key)) for p in paths],
        ("path_key", "iri"),
        ("text", "text"),
    )
    params.update(scope.params())
    params.update(_verbs())
    sql = TOTALS.format(iri_rows=iri_sql, scope=scope.where("e", "p"))
    found = {row["path_key"]: row for row in _run(sql, params, dialect)}
    totals = {}
    for p in paths:
        row = found.get(p.key, {})
        enrolled = int(row.get("enrolled") or 0)
        totals[p.key] = PathTotal(
            p.key,
            enrolled if enrolled >= k else None,
            part(int(row.get("finished") or 0), enrolled, k),
        )
    return totals
