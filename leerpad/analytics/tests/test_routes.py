"""Actual routes on a recorded fixture: exact edges, the k rule, skips and loops."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.questions.routes import (
    COMPLETED,
    GOING,
    LEFT,
    START,
    Edge,
    _below_shown,
    _hidden,
    routes,
    threshold_for,
)
from leerpad.analytics.tests.path_helpers import (
    answer,
    at,
    complete,
    enrol,
    four_step_path,
    path_event,
    quiz_result,
    scope,
    touch,
)
from leerpad.paths import tracking

pytestmark = pytest.mark.django_db

A, B, C, D = 0, 1, 2, 3


@pytest.fixture
def fixture(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3.
    P1-P4: A, B, C, D (answers and passes the quiz), complete the path.
    P5-P7: A, A again, B (viewed only), back to A, then the quiz D (passed), then leave.
    P8: only views B. P9, P10: enrol and do nothing.
    An early learner (enrolled before the period) and a learner of another path: not counted.
    """
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    path, iris, _quiz = four_step_path()
    other_path, other_iris, _ = four_step_path("other")
    people = {i: make_person(f"P{i}") for i in range(1, 11)}
    question = "https://leerpad.example/quizzes/questions/q1/"
    for i in range(1, 5):
        p = people[i]
        enrol(p, path, at("2025-03-03"))
        for day, iri in zip(("04", "05", "06"), iris[:3], strict=True):
            complete(p, iri, at(f"2025-03-{day}"))
        answer(p, question, iris[D], at("2025-03-07"), right=True)
        quiz_result(p, iris[D], at("2025-03-07", 11), passed=True, scaled=1.0)
        path_event(p, path, tracking.COMPLETED, at("2025-03-07", 12))
    for i in range(5, 8):
        p = people[i]
        enrol(p, path, at("2025-03-03"))
        touch(p, iris[A], at("2025-03-04"))
        complete(p, iris[A], at("2025-03-04", 11))
        touch(p, iris[B], at("2025-03-05"))
        touch(p, iris[A], at("2025-03-06"))
        quiz_result(p, iris[D], at("2025-03-07"), passed=True, scaled=0.8)
        path_event(p, path, tracking.EXITED, at("2025-03-08"))
    enrol(people[8], path, at("2025-03-10"))
    touch(people[8], iris[B], at("2025-03-11"))
    for i in (9, 10):
        enrol(people[i], path, at("2025-03-12"))
    early = make_person("Early")
    enrol(early, path, at("2025-02-01"))
    touch(early, iris[A], at("2025-03-04"))
    elsewhere = make_person("Elsewhere")
    enrol(elsewhere, other_path, at("2025-03-03"))
    touch(elsewhere, other_iris[A], at("2025-03-04"))
    sync.sync()
    return {"path": path, "people": people}


def test_edges_people_and_moves(fixture: dict[str, Any]) -> None:
    result = routes(fixture["path"].current, scope())

    assert result.learners == 10
    assert result.edges == (
        Edge(START, A, people=7, moves=7),
        Edge(A, B, people=7, moves=7),
        Edge(A, D, people=3, moves=3),  # skips B and C
        Edge(B, A, people=3, moves=3),  # a loop back
        Edge(B, C, people=4, moves=4),
        Edge(C, D, people=4, moves=4),
        Edge(D, COMPLETED, people=4, moves=4),
        Edge(D, LEFT, people=3, moves=3),
    )
    assert [(e.source, e.target) for e in result.loops] == [(B, A)]
    assert [(e.source, e.target) for e in result.edges if e.skip] == [(A, D)]


def test_small_edges_merge_into_other_routes(fixture: dict[str, Any]) -> None:
    result = routes(fixture["path"].current, scope())

    # start -> B (P8), B -> still going (P8), start -> still going (P9, P10): 3 people.
    assert result.other_edges == 3
    assert result.other_people == 3
    assert GOING not in {e.target for e in result.edges}


def test_start_and_end_edges_hide_more_when_a_difference_would_tell(
    fixture: dict[str, Any], settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 4

    result = routes(fixture["path"].current, scope())

    # Start edges: A 7, B 1, still going 2 (under k). Shown A beside 10 learners would
    # leave 3 < k for the rest, so A is hidden too; end edges: 3 + 1 + 2 hidden is enough.
    assert [(e.source, e.target, e.people) for e in result.edges] == [
        (A, B, 7),
        (B, C, 4),
        (C, D, 4),
        (D, COMPLETED, 4),
    ]
    assert result.other_people == 10
    settings.LEERPAD_MIN_GROUP_SIZE = 2
    result = routes(fixture["path"].current, scope())
    # start -> still going (2) reaches k = 2, but beside start -> A (7) and 10 learners it
    # would leave P8 alone: hidden with P8's edges; the three make "other routes".
    assert (START, GOING) not in {(e.source, e.target) for e in result.edges}
    assert (result.other_edges, result.other_people) == (3, 3)


def test_main_routes_only_above_a_share_of_the_learners(fixture: dict[str, Any]) -> None:
    # 40 % of 10 learners: edges of at least 4 people are drawn.
    result = routes(fixture["path"].current, scope(), min_share=0.4)

    assert result.threshold == 4
    assert [(e.source, e.target, e.people) for e in result.edges] == [
        (START, A, 7),
        (A, B, 7),
        (B, C, 4),
        (C, D, 4),
        (D, COMPLETED, 4),
    ]
    # Every edge of k people or more is still listed; only those under k are "other".
    assert len(result.listed) == 8
    assert (result.other_edges, result.other_people) == (3, 3)
    # Not drawn: A -> D, B -> A, D -> left (P5-P7) and P8-P10's three edges.
    assert (result.below_edges, result.below_people) == (6, 6)
    # At k the threshold is k, and the drawn edges are the listed ones.
    plain = routes(fixture["path"].current, scope())
    assert plain.threshold == 3 and plain.edges == plain.listed == result.listed
    assert plain.below_edges == plain.other_edges == 3


def test_the_threshold_is_a_share_of_the_learners_never_under_k() -> None:
    assert threshold_for(149, 0.05, 5) == 8  # 7.45 people: 8
    assert threshold_for(40, 0.05, 5) == 5  # 2 people: k
    assert threshold_for(100, 0.05, 3) == 5  # 5 exactly, though 0.05 * 100 > 5 in doubles
    assert threshold_for(10, 0.0, 3) == 3


def test_people_not_drawn_are_withheld_when_they_would_tell_about_a_few() -> None:
    k = 3
    assert _below_shown(2, 0, k) is None  # under k
    assert _below_shown(8, 3, k) == 8  # 5 more than "other routes": fine
    assert _below_shown(3, 3, k) == 3  # the same people
    # "Other routes" shows 5: 7 beside it says 2 people took only the routes in between.
    assert _below_shown(7, 5, k) is None
    assert _below_shown(4, 2, k) == 4  # "other routes" is withheld itself: no difference


def test_hidden_edges_rule() -> None:
    edges = [
        Edge(START, A, 8, 8),
        Edge(START, B, 2, 2),
        Edge(A, B, 8, 8),
        Edge(B, A, 1, 1),  # a loop by one person: hidden, and not a partition
        Edge(B, COMPLETED, 5, 5),
        Edge(A, LEFT, 5, 5),
    ]

    # k = 3: START -> B (2) alone would be 10 - 8; so START -> A goes too.
    assert _hidden(edges, 10, 3) == {(START, B), (START, A), (B, A)}
    # k = 2: all start and end edges reach k and nothing is left over.
    assert _hidden(edges, 10, 2) == {(B, A)}


def test_skipped_steps(fixture: dict[str, Any]) -> None:
    result = routes(fixture["path"].current, scope())

    skips = [(s.step.index, s.step.optional, s.went_past, s.skipped) for s in result.skips]
    assert skips == [
        (A, False, 7, None),  # nobody skipped A: 0 is under k, withheld
        (B, False, 7, 3),  # P5-P7 only viewed B but passed the quiz after it
        (C, True, 7, 3),  # optional: listed apart on the page
        (D, False, 4, None),  # past D means completed the path: all did D
    ]


def test_fewer_than_k_learners_show_nothing(fixture: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 11

    result = routes(fixture["path"].current, scope())

    assert not result.shown
    assert result.edges == ()
    assert result.skips == ()


def test_period_picks_learners_by_first_enrolment(fixture: dict[str, Any]) -> None:
    # From 10 March: only P8, P9, P10 enrolled then.
    result = routes(fixture["path"].current, scope(start="2025-03-10"))

    assert result.learners == 3
    # Every edge is under k (P8 alone, P9 and P10 together): only "other routes".
    assert result.edges == ()
    assert result.other_people == 3


def test_version_filter(fixture: dict[str, Any]) -> None:
    version = fixture["path"].current

    assert routes(version, scope(), with_version=True).learners == 10
    version.number = 2  # nobody enrolled in a version 2
    assert routes(version, scope(), with_version=True).learners == 0
