"""Every dashboard question, as a golden-result case: the contract between the engines.

`analytics/tests/test_golden.py` loads one seeded data set, syncs it into the Parquet
store (DuckDB) and into chDB (ClickHouse), runs every case below on both engines and
requires the same answer (floats within 1e-9, the same Python types: aware UTC datetimes,
dates, ints). A question missing here is not held to that contract, so a new question
module adds its cases here: one line each, a name and a callable without arguments that
returns the question's result over the golden data set (which ends now: use `period()`).

A callable may read the Django database (paths, steps, the organisation) but must not
name an engine: the test switches `LEERPAD_ANALYTICS_ENGINE`, and `query.run` refuses a
dialect other than the configured engine's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.utils import timezone

from leerpad.analytics.filters import Scope
from leerpad.analytics.questions import (
    adoption,
    arrivals,
    content,
    evidence,
    funnel,
    outcomes,
    quiz_items,
    routes,
    search_gaps,
)

Case = tuple[str, Callable[[], Any]]


def period(weeks: int = 53) -> Scope:
    """The last `weeks` ISO weeks, up to the end of this one (UTC midnights)."""
    today = timezone.now().astimezone(dt.UTC).date()
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday - dt.timedelta(weeks=weeks - 1), dt.time.min, dt.UTC)
    end = dt.datetime.combine(monday + dt.timedelta(weeks=1), dt.time.min, dt.UTC)
    return Scope(start=start, end=end)


def _first(model_path: str) -> int | None:
    """The first row of an organisation table, for a filtered case."""
    from django.apps import apps

    model = apps.get_model(model_path)
    return model.objects.order_by("pk").values_list("pk", flat=True).first()  # type: ignore[no-any-return]


# The demo's busiest path (most learners at any scale, with quizzes and alternatives).
PATH = "safety-at-work"


def _version() -> Any:
    from leerpad.paths.models import Path

    return Path.objects.select_related("current").get(key=PATH).current


def _quiz_key() -> str:
    """The quiz of the path's first quiz step (its answers are in the demo's history)."""
    from leerpad.paths.models import Step

    step = (
        Step.objects.filter(version=_version(), kind=Step.Kind.QUIZ, quiz__isnull=False)
        .select_related("quiz")
        .order_by("position", "id")
        .first()
    )
    if step is None or step.quiz is None:
        raise LookupError(f"{PATH} has no quiz step in the golden data set")
    return str(step.quiz.key)


def _answered(result: Any) -> Any:
    """The result, or None when it is about nobody (the golden test then reports the case
    as unanswered: a result withheld on both engines proves nothing)."""
    return result if getattr(result, "learners", 0) or getattr(result, "completers", 0) else None


def _funnels() -> list[Any]:
    from leerpad.paths.models import Path

    return [
        funnel.funnel(p, period(), as_of=period().end)
        for p in Path.objects.exclude(current=None).order_by("key")
    ]


def _path_totals() -> Any:
    from leerpad.paths.queries import published_paths

    return funnel.path_totals(list(published_paths()), period())


GOLDEN: list[Case] = [
    ("adoption", lambda: adoption.active_learners(period())),
    ("adoption by location", lambda: adoption.active_learners(period(), by="location")),
    ("adoption by team", lambda: adoption.active_learners(period(), by="team")),
    ("adoption by job role", lambda: adoption.active_learners(period(), by="job_role")),
    (
        "adoption in one location, by team",
        lambda: adoption.active_learners(
            replace(period(), location_id=_first("accounts.Location")), by="team"
        ),
    ),
    ("scope: active people", lambda: period().active_people()),
    (
        "scope: may the last 4 weeks, and one location in them, be shown",
        lambda: (
            period(weeks=4).allowed(),
            replace(period(weeks=4), location_id=_first("accounts.Location")).allowed(),
        ),
    ),
    ("content", lambda: content.content_report(period())),
    (
        "content in one location",
        lambda: content.content_report(replace(period(), location_id=_first("accounts.Location"))),
    ),
    ("search gaps", lambda: search_gaps.search_gaps(period())),
    ("routes of a path, all versions", lambda: _answered(routes.routes(_version(), period()))),
    (
        "routes of a path, the main routes (a quarter of the learners)",
        lambda: _answered(routes.routes(_version(), period(), min_share=0.25)),
    ),
    (
        "routes of one version",
        lambda: _answered(routes.routes(_version(), period(), with_version=True)),
    ),
    ("evidence per step", lambda: _answered(evidence.evidence(_version(), period()))),
    ("outcomes: completion per path", lambda: outcomes.completion_rates(period())),
    ("outcomes: time to complete", lambda: _answered(outcomes.time_to_complete(period()))),
    ("outcomes: quizzes", lambda: outcomes.quiz_outcomes(period())),
    ("quiz items", lambda: quiz_items.question_figures(_quiz_key(), period(), "en")),
    ("funnel of every path", _funnels),
    ("path totals", _path_totals),
    ("arrivals", lambda: arrivals.arrivals(period())),
    (
        "arrivals in one location",
        lambda: arrivals.arrivals(replace(period(), location_id=_first("accounts.Location"))),
    ),
]
