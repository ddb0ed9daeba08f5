"""Evidence per step on a recorded fixture, and the interval maths against published values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import stats, sync
from leerpad.analytics.questions.evidence import evidence
from leerpad.analytics.tests.path_helpers import (
    at,
    complete,
    enrol,
    path_event,
    quiz_result,
    scope,
)
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.catalog.tracking import activity_id
from leerpad.paths import tracking
from leerpad.paths.models import Path, Step
from leerpad.paths.tests.learner_helpers import make_path
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill
from leerpad.quizzes.tracking import quiz_iri

# --- the interval maths --------------------------------------------------------------------


def test_wilson_matches_published_values() -> None:
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I.
    interval = stats.wilson(81, 263)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)
    interval = stats.wilson(15, 148)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.0624, 0.1605)
    # At 0 successes the interval starts at 0 and is not empty (Wald's would be [0, 0]).
    assert stats.wilson(0, 20).low == 0 and round(stats.wilson(0, 20).high, 4) == 0.1611


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Newcombe (1998), "Interval estimation for the difference between independent
        # proportions", table II, method 10 (the hybrid score interval).
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ],
)
def test_newcombe_matches_published_values(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    interval = stats.newcombe(*counts)
    assert (round(interval.low, 4), round(interval.high, 4)) == expected


def test_welch_and_variance() -> None:
    assert stats.sample_variance(4, 2.8, 0.9**2 + 0.8**2 + 0.7**2 + 0.4**2) == pytest.approx(
        0.14 / 3
    )
    interval = stats.welch(4, 0.7, 0.14 / 3, 4, 0.5, 0.14 / 3)
    assert interval.estimate == pytest.approx(0.2)
    assert (interval.low, interval.high) == pytest.approx((-0.09939, 0.49939), abs=1e-4)
    assert interval.spans_zero
    with pytest.raises(ValueError, match="two observations"):
        stats.welch(1, 0.5, 0, 4, 0.5, 0.1)


def test_proportion_input_is_checked() -> None:
    with pytest.raises(ValueError):
        stats.wilson(3, 0)
    with pytest.raises(ValueError):
        stats.wilson(5, 4)


# --- the question --------------------------------------------------------------------------


@pytest.fixture
def fixture(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Path: A, B (optional), C (a quiz), D.
    W1-W4 do A and B, then take the quiz: W1-W3 pass (0.9, 0.8, 0.7), W4 fails (0.4);
    W1-W3 then do D and complete the path.
    N1-N4 do A, not B, then the quiz: N1 passes (0.8), N2-N4 fail (0.5, 0.4, 0.3); N1 does
    D and completes; N4 does B only after failing the quiz."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    a, b, d = (make_item(f"Item {n}") for n in "ABD")
    quiz = make_quiz("check", [make_question(make_skill())])
    path = make_path(
        "evidence",
        [
            {"item": a},
            {"item": b, "optional": True},
            {"kind": Step.Kind.QUIZ, "quiz": quiz},
            {"item": d},
        ],
    )
    iri_a, iri_b, iri_d, iri_q = activity_id(a), activity_id(b), activity_id(d), quiz_iri(quiz.key)

    def learner(name: str, *, b_day: str | None, score: float, finishes: bool) -> None:
        person = make_person(name)
        enrol(person, path, at("2025-03-03"))
        complete(person, iri_a, at("2025-03-04"))
        if b_day:
            complete(person, iri_b, at(b_day))
        quiz_result(person, iri_q, at("2025-03-06"), passed=score >= 0.7, scaled=score)
        if finishes:
            complete(person, iri_d, at("2025-03-07"))
            path_event(person, path, tracking.COMPLETED, at("2025-03-07", 11))

    for name, score in (("W1", 0.9), ("W2", 0.8), ("W3", 0.7), ("W4", 0.4)):
        learner(name, b_day="2025-03-05", score=score, finishes=score >= 0.7)
    learner("N1", b_day=None, score=0.8, finishes=True)
    learner("N2", b_day=None, score=0.5, finishes=False)
    learner("N3", b_day=None, score=0.4, finishes=False)
    learner("N4", b_day="2025-03-09", score=0.3, finishes=False)
    sync.sync()
    return {"path": path}


def _by_step(path: Path) -> dict[int, Any]:
    result = evidence(path.current, scope())  # type: ignore[arg-type]
    assert result.learners == 8
    return {s.step.index: s.comparisons for s in result.steps}


def test_rest_of_path(fixture: dict[str, Any]) -> None:
    steps = _by_step(fixture["path"])

    rest_b = steps[1][0]
    assert rest_b.kind == "rest"
    # B any time: W1-W4 and N4 (5), rest done by W1-W3; without: N1-N3, rest done by N1.
    assert (rest_b.with_n, rest_b.without_n) == (5, 3)
    assert rest_b.with_rate == pytest.approx(3 / 5)
    assert rest_b.without_rate == pytest.approx(1 / 3)
    assert rest_b.difference == stats.newcombe(3, 5, 1, 3)
    assert rest_b.small and rest_b.chance
    rest_c = steps[2][0]
    # The quiz step is done by passing it: W1-W3 and N1, who all do D.
    assert (rest_c.with_n, rest_c.without_n, rest_c.with_rate, rest_c.without_rate) == (4, 4, 1, 0)
    assert not rest_c.chance


def test_everyone_did_a_step_gives_no_figure(fixture: dict[str, Any]) -> None:
    rest_a = _by_step(fixture["path"])[0][0]

    # Nobody skipped A: under k; and 8 beside the 8 learners would tell it, so no size.
    assert (rest_a.with_n, rest_a.without_n) == (None, None)
    assert rest_a.difference is None and not rest_a.shown


def test_quiz_outcomes_after_a_step(fixture: dict[str, Any]) -> None:
    steps = _by_step(fixture["path"])

    quiz_b = steps[1][1]
    assert quiz_b.kind == "quiz" and quiz_b.quiz_step.index == 2
    # Done before the first attempt: W1-W4 (N4 did B only after failing).
    assert (quiz_b.with_n, quiz_b.without_n) == (4, 4)
    assert (quiz_b.with_rate, quiz_b.without_rate) == (0.75, 0.25)
    assert quiz_b.with_score == pytest.approx(0.7)
    assert quiz_b.without_score == pytest.approx(0.5)
    assert quiz_b.score_difference is not None
    assert (quiz_b.score_difference.low, quiz_b.score_difference.high) == pytest.approx(
        (-0.09939, 0.49939), abs=1e-4
    )
    # The last steps: nothing designed after D, and no quiz after C.
    assert [c.kind for c in steps[2]] == ["rest"]
    assert steps[3] == ()


def test_under_k_learners_nothing(fixture: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 9

    result = evidence(fixture["path"].current, scope())

    assert result.learners == 0 and result.steps == ()
