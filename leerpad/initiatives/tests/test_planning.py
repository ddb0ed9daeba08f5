"""The pure rules: quadrants, the suggested consultation order, plan overlaps."""

from __future__ import annotations

from leerpad.initiatives.planning import (
    Candidate,
    Quadrant,
    Span,
    overlaps,
    quadrant,
    suggested_order,
)


def test_quadrants_split_between_two_and_three() -> None:
    assert quadrant(5, 5) == Quadrant.MANAGE_CLOSELY
    assert quadrant(3, 3) == Quadrant.MANAGE_CLOSELY
    assert quadrant(3, 2) == Quadrant.KEEP_SATISFIED
    assert quadrant(2, 3) == Quadrant.KEEP_INFORMED
    assert quadrant(2, 2) == Quadrant.MONITOR
    assert quadrant(1, 5) == Quadrant.KEEP_INFORMED


def test_suggested_order_high_influence_and_low_buy_in_first() -> None:
    order = suggested_order(
        [
            Candidate(1, influence=5, interest=3, support=4),  # champion
            Candidate(2, influence=5, interest=3, support=0),  # opposed or unknown
            Candidate(3, influence=2, interest=5, support=0),
            Candidate(4, influence=5, interest=5, support=4),  # same influence and support as 1
        ]
    )
    assert order == [2, 4, 1, 3]


def _span(
    key: int, start: int, end: int, roles: set[int] | None = None, places: set[int] | None = None
) -> Span:
    return Span(key, start, end, frozenset(roles or ()), frozenset(places or ()))


def test_touching_months_overlap() -> None:
    found = overlaps([_span(1, 3, 5, {10})], [_span(2, 5, 8, {10})])
    assert len(found) == 1
    assert (found[0].first_month, found[0].last_month) == (5, 5)
    assert found[0].job_roles == frozenset({10})


def test_disjoint_months_do_not_overlap() -> None:
    assert overlaps([_span(1, 1, 4, {10})], [_span(2, 5, 8, {10})]) == []


def test_disjoint_audiences_do_not_overlap() -> None:
    assert overlaps([_span(1, 1, 12, {10})], [_span(2, 1, 12, {11})]) == []
    # Cashiers in Gent and cashiers in Liège are different people.
    assert overlaps([_span(1, 1, 12, {10}, {1})], [_span(2, 1, 12, {10}, {2})]) == []


def test_everyone_overlaps_everything() -> None:
    everyone = _span(1, 2, 3)
    found = overlaps([everyone], [_span(2, 3, 4, {10}, {1}), _span(3, 1, 12), _span(4, 4, 6)])
    assert [o.b.key for o in found] == [2, 3]
    assert found[0].job_roles == frozenset({10}) and found[0].locations == frozenset({1})


def test_a_job_role_meets_a_location() -> None:
    # "Cashiers" (every location) and "Gent" (every job role) both reach Gent's cashiers.
    found = overlaps([_span(1, 1, 6, roles={10})], [_span(2, 6, 9, places={1})])
    assert len(found) == 1
    assert found[0].job_roles == frozenset({10}) and found[0].locations == frozenset({1})


def test_shared_location_with_different_roles_does_not_overlap() -> None:
    assert overlaps([_span(1, 1, 6, {10}, {1})], [_span(2, 1, 6, {11}, {1})]) == []
