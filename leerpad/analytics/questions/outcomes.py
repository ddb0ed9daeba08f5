"""Outcomes: completion per path, time to complete, quiz results, and what learners liked.

Cohort: the learners whose first enrolment in a path (`registered` on the path itself)
falls in the scope (period, people filters, and the path filter when set). Completed: a
`completed` statement on the path before the end of the period (Leerpad records it when
the path's rules say it is done). Time to complete: whole days from first enrolment to
the first completion.

Quizzes: every `passed`/`failed` on a quiz in the scope's period; "first attempt" is a
learner's first such statement on the quiz (not only in the period: a retake in the
period is not a first attempt).

Ratings: Leerpad records no `rated` statements (checked: no verb for it in any app); what
it has is "I found this useful" on catalogue items, recorded as `liked` and voided when
taken back (voided statements never reach the analytics store). So the ratings shown are
the number of people who find an item useful.

Privacy: a path's completion rate only when its cohort has at least k people and both the
completers and the others are at least k (a rate of 0 % or 100 %, or a small part, says
something about each of a few people: the same rule as adoption's new/returning split).
The time-to-complete figures only from k completers of the paths whose split is shown
(`time_to_complete(paths=...)`), its histogram through
`core.guard.suppress` (small bins merge or hide). Quizzes and liked items only with
at least k people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.routes import run
from leerpad.catalog import tracking as catalog_tracking
from leerpad.core.guard import Cell, min_group_size, suppress
from leerpad.paths import tracking
from leerpad.quizzes import tracking as quiz_tracking

# Days; fixed bins so two periods or two paths can be compared bar by bar: a week, two
# weeks, a month, two months, a quarter, longer.
BINS: tuple[tuple[int, int | None], ...] = (
    (0, 7),
    (7, 14),
    (14, 30),
    (30, 60),
    (60, 90),
    (90, None),
)

COHORT = """
firsts AS (
    SELECT actor_key, path_key, MIN(timestamp) AS timestamp, MIN(person_id) AS person_id
    FROM events
    WHERE verb = @p(registered, text) AND path_key IS NOT NULL AND actor_key IS NOT NULL
      AND object_iri = CONCAT(@p(prefix, text), path_key, '/')
    GROUP BY actor_key, path_key
),
cohort AS (
    SELECT e.actor_key AS actor_key, e.path_key AS path_key, e.timestamp AS timestamp
    FROM firsts e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE {where}
),
done AS (
    SELECT actor_key, path_key, MIN(timestamp) AS done_at
    FROM events
    WHERE verb = @p(completed, text) AND path_key IS NOT NULL
      AND object_iri = CONCAT(@p(prefix, text), path_key, '/')
      AND timestamp < @p(end, timestamp)
    GROUP BY actor_key, path_key
)"""

COMPLETION = """
WITH {cohort}
SELECT c.path_key AS path_key, COUNT(*) AS enrolled, COUNT(d.actor_key) AS completed
FROM cohort c LEFT JOIN done d ON d.actor_key = c.actor_key AND d.path_key = c.path_key
GROUP BY c.path_key
ORDER BY c.path_key
@settings()
"""

DURATION = """
WITH {cohort},
took AS (
    SELECT @days_between(c.timestamp, d.done_at) AS days
    FROM cohort c JOIN done d ON d.actor_key = c.actor_key AND d.path_key = c.path_key
    WHERE {paths}
),
binned AS (
    SELECT CASE {bins} END AS bin, days FROM took
)
SELECT 'bin' AS kind, bin, COUNT(*) AS people, 0 AS p25, 0 AS p50, 0 AS p75
FROM binned GROUP BY bin
UNION ALL
SELECT 'all' AS kind, -1 AS bin, COUNT(*) AS people, @percentile(days, 0.25) AS p25,
       @percentile(days, 0.5) AS p50, @percentile(days, 0.75) AS p75
FROM took
@settings()
"""

QUIZZES = """
WITH results AS (
    SELECT e.actor_key AS actor_key, e.object_iri AS object_iri, e.timestamp AS timestamp,
           e.stored AS stored, e.statement_id AS statement_id, e.person_id AS person_id,
           CASE WHEN e.result_success = TRUE THEN 1 ELSE 0 END AS passed,
           e.result_score_scaled AS score,
           ROW_NUMBER() OVER (
               PARTITION BY e.actor_key, e.object_iri ORDER BY e.timestamp, e.stored, e.statement_id
           ) AS n
    FROM events e
    WHERE e.verb IN (@p(passed, text), @p(failed, text)) AND e.actor_key IS NOT NULL
      AND e.object_iri IS NOT NULL AND e.timestamp < @p(end, timestamp)
)
SELECT r.object_iri AS object_iri, COUNT(DISTINCT r.actor_key) AS people, COUNT(*) AS attempts,
       SUM(CASE WHEN r.n = 1 THEN 1 ELSE 0 END) AS firsts,
       SUM(CASE WHEN r.n = 1 THEN r.passed ELSE 0 END) AS first_passed,
       AVG(CASE WHEN r.n = 1 THEN r.score END) AS first_score
FROM results r LEFT JOIN people p ON p.person_id = r.person_id
WHERE {where}
GROUP BY r.object_iri
ORDER BY r.object_iri
@settings()
"""

LIKED = """
SELECT e.object_iri AS object_iri, COUNT(DISTINCT e.actor_key) AS people
FROM events e LEFT JOIN people p ON p.person_id = e.person_id
WHERE e.verb = @p(liked, text) AND e.actor_key IS NOT NULL AND {where}
GROUP BY e.object_iri
HAVING COUNT(DISTINCT e.actor_key) >= @p(k, int)
ORDER BY people DESC, e.object_iri
LIMIT 20
@settings()
"""


@dataclass(frozen=True)
class PathCompletion:
    path_key: str
    enrolled: int
    completed: int | None  # None: the completers or the others are fewer than k

    @property
    def rate(self) -> float | None:
        return None if self.completed is None else self.completed / self.enrolled


@dataclass(frozen=True)
class Bin:
    low: int
    high: int | None  # None: and longer
    people: int | None  # None: withheld (fewer than k, merged into "other bins" or hidden)


@dataclass(frozen=True)
class TimeToComplete:
    completers: int  # 0 when under k: nothing else then
    p25: int | None
    median: int | None
    p75: int | None
    bins: tuple[Bin, ...]
    other: int | None  # small bins merged: how many people, when that reaches k


@dataclass(frozen=True)
class QuizOutcome:
    quiz_iri: str
    quiz_key: str
    people: int
    attempts: int
    first_pass_rate: float
    first_score: float | None  # mean scaled score of first attempts, 0..1


@dataclass(frozen=True)
class Liked:
    item_iri: str
    people: int


def _path_prefix() -> str:
    return tracking.path_iri("x")[: -len("x/")]


def _cohort_params(scope: Scope) -> dict[str, Any]:
    return scope.params() | {
        "registered": tracking.REGISTERED,
        "completed": tracking.COMPLETED,
        "prefix": _path_prefix(),
    }


def completion_rates(scope: Scope, *, dialect: str | None = None) -> list[PathCompletion]:
    """Enrolled -> completed per path (see the module docstring for the k rule)."""
    k = min_group_size()
    sql = COMPLETION.format(cohort=COHORT.format(where=scope.where("e", "p")))
    result = []
    for row in run(sql, _cohort_params(scope), dialect):
        enrolled, completed = int(row["enrolled"]), int(row["completed"])
        if enrolled < k:
            continue
        split = completed >= k and enrolled - completed >= k
        result.append(PathCompletion(str(row["path_key"]), enrolled, completed if split else None))
    return result


def _bin_case() -> str:
    parts = []
    for i, (low, high) in enumerate(BINS):
        if high is None:
            parts.append(f"WHEN days >= {low} THEN {i}")
        else:
            parts.append(f"WHEN days >= {low} AND days < {high} THEN {i}")
    return " ".join(parts) + " ELSE 0"


def time_to_complete(
    scope: Scope, paths: Sequence[str] | None = None, *, dialect: str | None = None
) -> TimeToComplete:
    """Days from first enrolment to completion for the cohort's completers.

    `paths`: only these paths' completers. The page passes the paths whose completion
    split it shows: the completers of a path whose split is withheld, counted here, would
    give that split away (enrolled minus completers).
    """
    k = min_group_size()
    params = _cohort_params(scope)
    if paths is None:
        condition = "1 = 1"
    elif not paths:
        return TimeToComplete(0, None, None, None, (), None)
    else:
        for i, key in enumerate(paths):
            params[f"path{i}"] = key
        condition = (
            "c.path_key IN (" + ", ".join(f"@p(path{i}, text)" for i in range(len(paths))) + ")"
        )
    # Only fixed numbers from BINS and placeholders reach the SQL; the values are bound.
    sql = DURATION.format(
        cohort=COHORT.format(where=scope.where("e", "p")), bins=_bin_case(), paths=condition
    )
    rows = run(sql, params, dialect)
    total_row = next((r for r in rows if r["kind"] == "all"), None)
    total = int(total_row["people"]) if total_row else 0
    if total_row is None or total < k:
        return TimeToComplete(0, None, None, None, (), None)
    counts = {int(r["bin"]): int(r["people"]) for r in rows if r["kind"] == "bin"}
    cells = {i: Cell(people=counts.get(i, 0), value=0) for i in range(len(BINS))}
    shown = suppress(cells, total)
    visible = {line.key: line.people for line in shown if line.kind == "cell"}
    other = next((line.people for line in shown if line.kind == "other"), None)
    # An empty bin shows 0 (it is about nobody); a small one is withheld.
    bins = tuple(
        Bin(low, high, visible.get(i, None if counts.get(i, 0) else 0))
        for i, (low, high) in enumerate(BINS)
    )
    return TimeToComplete(
        total,
        int(total_row["p25"]),
        int(total_row["p50"]),
        int(total_row["p75"]),
        bins,
        other,
    )


def quiz_outcomes(scope: Scope, *, dialect: str | None = None) -> list[QuizOutcome]:
    """Per quiz with at least k people in the period: attempts and first-attempt results."""
    k = min_group_size()
    scope = replace(scope, path_key=None)  # quiz statements do not name a path
    params = scope.params() | {"passed": quiz_tracking.PASSED, "failed": quiz_tracking.FAILED}
    where = scope.where("r", "p")
    prefix = quiz_tracking.quiz_iri("x")[: -len("x/")]
    result = []
    for row in run(QUIZZES.format(where=where), params, dialect):
        iri = str(row["object_iri"])
        if not iri.startswith(prefix) or int(row["people"]) < k:
            continue
        firsts = int(row["firsts"])
        result.append(
            QuizOutcome(
                quiz_iri=iri,
                quiz_key=iri[len(prefix) :].strip("/"),
                people=int(row["people"]),
                attempts=int(row["attempts"]),
                first_pass_rate=int(row["first_passed"]) / firsts if firsts else 0.0,
                first_score=float(row["first_score"]) if row["first_score"] is not None else None,
            )
        )
    return result


def liked_items(scope: Scope, *, dialect: str | None = None) -> list[Liked]:
    """Catalogue items most people found useful in the period (at least k people each)."""
    scope = replace(scope, path_key=None)  # a liked item is not a path's
    params = scope.params() | {"liked": catalog_tracking.LIKED, "k": min_group_size()}
    where = scope.where("e", "p")
    return [
        Liked(str(row["object_iri"]), int(row["people"]))
        for row in run(LIKED.format(where=where), params, dialect)
    ]
