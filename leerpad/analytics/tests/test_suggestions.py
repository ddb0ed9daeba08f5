"""The suggestion rules over exact funnels (no database)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from leerpad.analytics.questions.funnel import StepRow, VersionFunnel
from leerpad.analytics.suggestions import (
    MIN_LEARNERS,
    Change,
    Kind,
    leave,
    order,
    skip,
    stall,
    suggest,
)

K = 5


def step(index: int, **figures: Any) -> StepRow:
    values: dict[str, Any] = {
        "reached": 100,
        "completed": 90,
        "median_days": 2,
        "stalled": 0,
        "left": 0,
        "went_on": 0,
        "skipped": 0,
        "with_next": 0,
        "next_first": 0,
        "required": True,
    }
    values.update(figures)
    return StepRow(index=index, uid=f"u{index}", title=f"Step {index + 1}", **values)


def version(*steps: StepRow, left: int | None = 10, enrolled: int | None = 100) -> VersionFunnel:
    return VersionFunnel(2, "published", enrolled, 50, left, tuple(steps))


def test_stall_picks_the_worst_step_and_moves_it_after_the_next() -> None:
    funnel = version(
        step(0, stalled=10),
        step(1, reached=50, stalled=19, median_days=12),  # 38 %
        step(2, reached=40, stalled=13),  # 32.5 %: also over the line, but less
        step(3),
    )
    (found,) = stall(funnel, K)
    assert (found.kind, found.step.number, found.change) == (Kind.STALL, 2, Change.MOVE_AFTER)
    assert found.other is not None and found.other.number == 3
    assert found.share == 0.38
    assert dict(found.evidence) == {"reached": 50, "stalled": 19, "median_days": 12}
    with translation.override("en"):
        assert found.text() == (
            "Step 2 “Step 2” is where 38% of learners stall (19 of 50; median 12 days to "
            "complete it): split it or move it after step 3."
        )
        assert found.change_text() == "Move step 2 “Step 2” after step 3 “Step 3”."


def test_stall_at_the_last_step_proposes_a_split() -> None:
    (found,) = stall(version(step(0), step(1, reached=40, stalled=20)), K)
    assert (found.change, found.other) == (Change.SPLIT, None)


def test_stall_needs_the_minimum_group_and_shown_figures() -> None:
    few = MIN_LEARNERS - 1
    assert stall(version(step(0, reached=few, stalled=few)), K) == []
    assert stall(version(step(0, stalled=None)), K) == []  # withheld: no rule on it
    assert stall(version(step(0, stalled=29)), K) == []  # 29 % is under the line
    assert len(stall(version(step(0, stalled=30)), K)) == 1
    # k above the minimum: the group must reach k as well.
    assert stall(version(step(0, reached=30, stalled=30)), 40) == []


def test_skip_makes_a_required_step_optional() -> None:
    funnel = version(step(0, went_on=50, skipped=16), step(1), step(2))  # 32 %
    (found,) = skip(funnel, K)
    assert (found.kind, found.change, found.step.number) == (Kind.SKIP, Change.MAKE_OPTIONAL, 1)
    with translation.override("en"):
        assert found.text() == (
            "32% skip step 1 “Step 1” and still do every step after it (16 of 50): make it "
            "optional."
        )
    assert skip(version(step(0, went_on=50, skipped=16, required=False)), K) == []
    assert skip(version(step(0, went_on=50, skipped=12)), K) == []  # 24 %


def test_leave_names_the_step_most_leavers_leave_at() -> None:
    funnel = version(step(0, left=5), step(1, left=14), step(2, left=5), left=24)
    (found,) = leave(funnel, K)
    assert (found.step.number, found.change, dict(found.evidence)) == (
        2,
        Change.SPLIT,
        {"left": 14, "left_path": 24},
    )
    # Spread out: no step holds half of the leavers.
    assert leave(version(step(0, left=10), step(1, left=10), left=24), K) == []
    assert leave(version(step(0, left=10), left=None), K) == []  # withheld
    assert leave(version(step(0, left=10), left=MIN_LEARNERS - 1), K) == []


def test_order_swaps_steps_done_the_other_way_round() -> None:
    funnel = version(step(0), step(1, with_next=40, next_first=28), step(2))  # 70 %
    (found,) = order(funnel, K)
    assert (found.step.number, found.other and found.other.number) == (2, 3)
    assert found.change == Change.MOVE_AFTER
    with translation.override("en"):
        assert found.text() == (
            "Learners do step 3 “Step 3” before step 2 “Step 2” in 70% of cases (28 of 40): "
            "swap them."
        )
    assert order(version(step(0, with_next=40, next_first=20), step(1)), K) == []  # 50 %


def test_suggest_sorts_and_leaves_out_decided_ones() -> None:
    funnel = version(
        step(0, went_on=50, skipped=25),  # skip: 50 %
        step(1, stalled=38),  # stall: 38 %
        step(2),
    )
    found = suggest(funnel, k=K)
    assert [(s.kind, s.step.number) for s in found] == [(Kind.SKIP, 1), (Kind.STALL, 2)]
    assert found[1].key == "stall:u1:u2"
    assert [s.kind for s in suggest(funnel, decided={"skip:u0:"}, k=K)] == [Kind.STALL]
    assert suggest(version(step(0, stalled=38), enrolled=None), k=K) == []
