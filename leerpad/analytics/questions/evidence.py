"""Evidence per step: do learners who completed a step do better afterwards than those who
did not?

For each step S of a path version, among the learners of `routes` (first enrolment in the
scope's period and people filters):

(a) the rest of the path: with S = completed S (any time before the end of the period);
    "rest done" = completed the path, or completed every required step (one per group of
    alternatives) designed after S. Not asked for a step with no required step after it.
(b) each quiz step Q designed after S: among learners with a first attempt at Q (their
    first `passed`/`failed` on it), with S = completed S before that first attempt. The
    first attempt's pass rate and mean scaled score are compared.

Each comparison gives both group sizes, the difference (percentage points; score points)
with a 95 % interval (`stats.newcombe` for rates, `stats.welch` for mean scores), and two
plain flags: `small` (a group under MIN_RELIABLE) and `chance` (the interval spans 0).
It is a comparison of people who chose differently, never proof that the step causes the
difference (learners who do optional extras may be the keener ones): the page says so.

Privacy: a group under k gives no figure at all, and then neither group's size is shown
(the other's size beside the learner count would give the small one away).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leerpad.analytics import stats
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.routes import (
    StepInfo,
    base_params,
    completion_verbs,
    learners_cte,
    map_cte,
    run,
    step_infos,
    step_map,
)
from leerpad.core.guard import min_group_size
from leerpad.paths import tracking
from leerpad.paths.models import PathVersion, Step
from leerpad.quizzes.tracking import quiz_iri

# Under 20 people per group, a difference of even 20 percentage points is often chance, and
# one or two learners change the rate by 5-10 points: the page warns rather than hides,
# because L&D can still read the direction with that caveat.
MIN_RELIABLE = 20


@dataclass(frozen=True)
class Comparison:
    kind: str  # "rest" or "quiz"
    quiz_step: StepInfo | None  # the later quiz, for kind "quiz"
    with_n: int | None  # people who completed S (None: under k)
    without_n: int | None
    with_rate: float | None  # rest done / passed, 0..1 (None: a group under k)
    without_rate: float | None
    difference: stats.Interval | None  # with - without, in proportion units
    with_score: float | None = None  # mean scaled score of the first attempt, 0..1
    without_score: float | None = None
    score_difference: stats.Interval | None = None

    @property
    def shown(self) -> bool:
        return self.difference is not None

    @property
    def small(self) -> bool:
        return self.shown and min(self.with_n or 0, self.without_n or 0) < MIN_RELIABLE

    @property
    def chance(self) -> bool:
        return self.difference is not None and self.difference.spans_zero

    @property
    def score_chance(self) -> bool:
        return self.score_difference is not None and self.score_difference.spans_zero


@dataclass(frozen=True)
class StepEvidence:
    step: StepInfo
    comparisons: tuple[Comparison, ...]


@dataclass(frozen=True)
class Evidence:
    version: PathVersion
    learners: int  # 0 when under k: nothing else then
    steps: tuple[StepEvidence, ...]


def _steps_cte(
    prefix: str, values: Sequence[Mapping[str, int | str]], params: dict[str, Any]
) -> str:
    """A CTE body of one-row SELECTs of bound parameters (portable, unlike VALUES)."""
    rows = []
    for i, row in enumerate(values):
        columns = []
        for name, value in row.items():
            key = f"{prefix}{name}{i}"
            params[key] = value
            kind = "int" if isinstance(value, int) else "text"
            columns.append(f"@p({key}, {kind}) AS {name}")
        rows.append("SELECT " + ", ".join(columns))
    return "\n    UNION ALL ".join(rows)


DONE = """
done AS (
    SELECT e.actor_key AS actor_key, m.step AS step, m.grp AS grp, MIN(e.timestamp) AS at
    FROM events e
    JOIN learners l ON l.actor_key = e.actor_key
    JOIN step_map m ON m.iri = e.object_iri
    WHERE e.timestamp < @p(end, timestamp)
      AND (e.verb IN ({verbs}) OR (e.result_completion = TRUE AND e.verb <> @p(failed, text)))
    GROUP BY e.actor_key, m.step, m.grp
)"""

REST = """
WITH step_map AS (
    {step_map}
),
{learners},
asked AS (
    {asked}
),
required AS (
    {required}
),
{done},
done_groups AS (
    SELECT DISTINCT d.actor_key AS actor_key, d.grp AS grp
    FROM done d JOIN required r ON r.grp = d.grp
),
later AS (
    SELECT dg.actor_key AS actor_key, a.step AS step, COUNT(*) AS n
    FROM done_groups dg CROSS JOIN asked a
    WHERE dg.grp > a.grp
    GROUP BY dg.actor_key, a.step
),
finished AS (
    SELECT DISTINCT e.actor_key AS actor_key
    FROM events e JOIN learners l ON l.actor_key = e.actor_key
    WHERE e.verb = @p(completed, text) AND e.object_iri = @p(path_iri, text)
      AND e.timestamp < @p(end, timestamp)
),
per AS (
    SELECT l.actor_key AS actor_key, a.step AS step,
           CASE WHEN d.actor_key IS NULL THEN 0 ELSE 1 END AS did,
           CASE WHEN c.actor_key IS NOT NULL OR COALESCE(lt.n, 0) >= a.later_required
                THEN 1 ELSE 0 END AS rest_done
    FROM learners l
    CROSS JOIN asked a
    LEFT JOIN done d ON d.actor_key = l.actor_key AND d.step = a.step
    LEFT JOIN later lt ON lt.actor_key = l.actor_key AND lt.step = a.step
    LEFT JOIN finished c ON c.actor_key = l.actor_key
)
SELECT step, did, COUNT(*) AS people, SUM(rest_done) AS successes
FROM per GROUP BY step, did ORDER BY step, did
@settings()
"""

QUIZ = """
WITH step_map AS (
    {step_map}
),
{learners},
asked AS (
    {asked}
),
quizzes AS (
    {quizzes}
),
{done},
attempts AS (
    SELECT e.actor_key AS actor_key, e.object_iri AS object_iri, e.timestamp AS timestamp,
           e.result_success AS result_success, e.result_score_scaled AS result_score_scaled,
           ROW_NUMBER() OVER (
               PARTITION BY e.actor_key, e.object_iri ORDER BY e.timestamp, e.stored, e.statement_id
           ) AS n
    FROM events e JOIN learners l ON l.actor_key = e.actor_key
    WHERE e.verb IN (@p(passed, text), @p(failed_verb, text))
      AND e.timestamp < @p(end, timestamp)
      AND e.object_iri IN (SELECT quiz_iri FROM quizzes)
),
pairs AS (
    SELECT a.step AS step, q.qstep AS qstep, t.actor_key AS actor_key, t.timestamp AS at,
           CASE WHEN t.result_success = TRUE THEN 1 ELSE 0 END AS passed,
           t.result_score_scaled AS score
    FROM attempts t
    JOIN quizzes q ON q.quiz_iri = t.object_iri
    CROSS JOIN asked a
    WHERE t.n = 1 AND q.qstep > a.step
)
SELECT p.step AS step, p.qstep AS qstep,
       CASE WHEN d.actor_key IS NOT NULL AND d.at <= p.at THEN 1 ELSE 0 END AS did,
       COUNT(*) AS people, SUM(p.passed) AS successes,
       COUNT(p.score) AS scored, SUM(p.score) AS score_sum, SUM(p.score * p.score) AS score_squares
FROM pairs p LEFT JOIN done d ON d.actor_key = p.actor_key AND d.step = p.step
GROUP BY p.step, p.qstep,
         CASE WHEN d.actor_key IS NOT NULL AND d.at <= p.at THEN 1 ELSE 0 END
ORDER BY p.step, p.qstep, did
@settings()
"""


def _count(row: dict[str, Any] | None, name: str) -> int:
    return int(row[name] or 0) if row else 0


def _compare(
    kind: str,
    quiz_step: StepInfo | None,
    with_row: dict[str, Any] | None,
    without_row: dict[str, Any] | None,
    k: int,
) -> Comparison:
    n1, n0 = _count(with_row, "people"), _count(without_row, "people")
    if n1 < k or n0 < k:
        # Neither size either: the other group's size beside the learner count on the
        # page would give the small one away.
        return Comparison(kind, quiz_step, None, None, None, None, None)
    x1, x0 = _count(with_row, "successes"), _count(without_row, "successes")
    score_parts: dict[str, Any] = {}
    if kind == "quiz":
        s1, s0 = _count(with_row, "scored"), _count(without_row, "scored")
        if s1 >= max(k, 2) and s0 >= max(k, 2):
            sum1, sum0 = float(with_row["score_sum"]), float(without_row["score_sum"])  # type: ignore[index]
            sq1, sq0 = float(with_row["score_squares"]), float(without_row["score_squares"])  # type: ignore[index]
            m1, m0 = sum1 / s1, sum0 / s0
            score_parts = {
                "with_score": m1,
                "without_score": m0,
                "score_difference": stats.welch(
                    s1,
                    m1,
                    stats.sample_variance(s1, sum1, sq1),
                    s0,
                    m0,
                    stats.sample_variance(s0, sum0, sq0),
                ),
            }
    return Comparison(
        kind,
        quiz_step,
        n1,
        n0,
        x1 / n1,
        x0 / n0,
        stats.newcombe(x1, n1, x0, n0),
        **score_parts,
    )


def evidence(
    version: PathVersion, scope: Scope, *, with_version: bool = False, dialect: str | None = None
) -> Evidence:
    """The comparisons for every step of `version` (see the module docstring)."""
    k = min_group_size()
    steps = step_infos(version)
    cte, params = map_cte(step_map(version, steps))
    params |= base_params(version, scope, with_version)
    params["passed"], params["failed_verb"] = tracking.PASSED, tracking.FAILED
    learners = learners_cte(scope, with_version)
    count = run(
        # Only this module's fixed SQL and bound parameters (see map_cte, learners_cte).
        f"WITH step_map AS ({cte}),{learners} SELECT COUNT(*) AS n FROM learners @settings()",  # noqa: S608
        params,
        dialect,
    )
    total = int(count[0]["n"]) if count else 0
    if total < k or not steps:
        return Evidence(version, 0, ())
    done = DONE.format(verbs=completion_verbs(params))
    required_groups = sorted({s.group for s in steps if not s.optional})
    later_required = {s.index: sum(1 for g in required_groups if g > s.group) for s in steps}
    asked = [
        {"step": s.index, "grp": s.group, "later_required": later_required[s.index]} for s in steps
    ]
    asked_sql = _steps_cte("a", asked, params)
    required_sql = _steps_cte("r", [{"grp": g} for g in required_groups] or [{"grp": -1}], params)
    rest_rows = run(
        REST.format(
            step_map=cte, learners=learners, asked=asked_sql, required=required_sql, done=done
        ),
        params,
        dialect,
    )
    rest = {(int(r["step"]), int(r["did"])): r for r in rest_rows}
    quiz_steps = [s for s in steps if s.step.kind == Step.Kind.QUIZ and s.step.quiz_id is not None]
    quiz: dict[tuple[int, int, int], dict[str, Any]] = {}
    if quiz_steps:
        quizzes_sql = _steps_cte(
            "q",
            [{"qstep": s.index, "quiz_iri": quiz_iri(s.step.quiz.key)} for s in quiz_steps],  # type: ignore[union-attr]
            params,
        )
        quiz_rows = run(
            QUIZ.format(
                step_map=cte, learners=learners, asked=asked_sql, quizzes=quizzes_sql, done=done
            ),
            params,
            dialect,
        )
        quiz = {(int(r["step"]), int(r["qstep"]), int(r["did"])): r for r in quiz_rows}
    result = []
    for info in steps:
        comparisons = []
        if later_required[info.index] > 0:
            comparisons.append(
                _compare("rest", None, rest.get((info.index, 1)), rest.get((info.index, 0)), k)
            )
        for q in quiz_steps:
            if q.index > info.index:
                comparisons.append(
                    _compare(
                        "quiz",
                        q,
                        quiz.get((info.index, q.index, 1)),
                        quiz.get((info.index, q.index, 0)),
                        k,
                    )
                )
        result.append(StepEvidence(info, tuple(comparisons)))
    return Evidence(version, total, tuple(result))
