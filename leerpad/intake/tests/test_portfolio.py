"""The exact portfolio optimisation on small cases whose optimum was worked out by hand."""

from __future__ import annotations

import pytest

from leerpad.intake.portfolio import Item, greedy, plan, solve


def test_greedy_is_not_optimal_and_the_exact_plan_is() -> None:
    # Capacity 10. By WSJF: A 12/6=2.0, B 9/5=1.8, C 9/5=1.8. Greedy takes A (6 days), then
    # neither B nor C fits in the 4 left: value 12. The optimum is B + C: 10 days, value 18.
    items = [Item(1, 12, 6), Item(2, 9, 5), Item(3, 9, 5)]
    assert greedy(items, 10).chosen == {1}
    assert greedy(items, 10).value == pytest.approx(12)
    best = solve(items, 10)
    assert best is not None
    assert best.chosen == {2, 3}
    assert best.value == pytest.approx(18)
    assert best.days == pytest.approx(10)
    result = plan(items, 10)
    assert result.greedy_differs
    # B in: without B the best is A (12) or C (9) -> 12; loses 18 - 12 = 6.
    assert result.explanations[2].chosen and result.explanations[2].delta == pytest.approx(6)
    # A out: with A forced in, the rest (4 days) holds nothing: 12; costs 18 - 12 = 6.
    assert not result.explanations[1].chosen
    assert result.explanations[1].reason == "optimal"
    assert result.explanations[1].delta == pytest.approx(6)


def test_four_items_hand_solved() -> None:
    # Capacity 7: sets that fit and their value: {1,2} 3+4 days = 7 days, 10+13 = 23;
    # {3,4} 4+3 = 7 days, 15+8 = 23 ... {2,3}: 4+4 = 8 > 7. {1,3}: 3+4 = 7, 10+15 = 25.
    # {2,4}: 4+3 = 7, 13+8 = 21. {1,4}: 6 days, 18. So the optimum is {1,3} = 25.
    items = [Item(1, 10, 3), Item(2, 13, 4), Item(3, 15, 4), Item(4, 8, 3)]
    best = solve(items, 7)
    assert best is not None and best.chosen == {1, 3}
    assert best.value == pytest.approx(25)


def test_ties_take_the_set_with_fewer_days() -> None:
    # Same value 10 either way: {1} takes 5 days, {2,3} takes 8; fewer days wins.
    items = [Item(1, 10, 5), Item(2, 5, 4), Item(3, 5, 4)]
    best = solve(items, 8)
    assert best is not None and best.chosen == {1}
    assert best.days == pytest.approx(5)


def test_exact_tie_picks_one_of_the_equal_items() -> None:
    items = [Item(1, 7, 4), Item(2, 7, 4)]
    best = solve(items, 5)
    assert best is not None and len(best.chosen) == 1
    assert best.value == pytest.approx(7)
    result = plan(items, 5)
    out = next(e for e in result.explanations.values() if not e.chosen)
    # Taking the other one instead costs nothing: the two are interchangeable.
    assert out.delta == pytest.approx(0)


def test_empty_input() -> None:
    result = plan([], 10)
    assert result.solution.chosen == frozenset()
    assert result.solution.value == 0
    assert result.explanations == {}


def test_capacity_zero_takes_nothing_and_says_it_does_not_fit() -> None:
    items = [Item(1, 5, 1), Item(2, 8, 2)]
    result = plan(items, 0)
    assert result.solution.chosen == frozenset()
    assert {e.reason for e in result.explanations.values()} == {"too_big"}


def test_negative_capacity_counts_as_zero() -> None:
    assert plan([Item(1, 5, 1)], -3).solution.chosen == frozenset()


def test_item_larger_than_capacity_is_out_and_explained() -> None:
    items = [Item(1, 100, 20), Item(2, 3, 2)]
    result = plan(items, 10)
    assert result.solution.chosen == {2}
    assert result.explanations[1].reason == "too_big"
    assert result.explanations[2].reason == "optimal"
    assert result.explanations[2].delta == pytest.approx(3)


def test_pins_in_and_out() -> None:
    items = [Item(1, 12, 6), Item(2, 9, 5), Item(3, 9, 5)]
    # Pinning A in: A plus nothing else fits (4 days left): 12.
    pinned = plan(items, 10, pinned_in=[1])
    assert pinned.solution.chosen == {1}
    assert pinned.explanations[1].reason == "pinned_in"
    assert pinned.explanations[2].reason == "no_room_next_to_pins"
    # Pinning B out: the best is A (12) alone... or C (9): A.
    out = plan(items, 10, pinned_out=[2])
    assert out.solution.chosen == {1}
    assert out.explanations[2].reason == "pinned_out"


def test_pins_that_overflow_are_flagged_and_ignored() -> None:
    items = [Item(1, 12, 6), Item(2, 9, 5)]
    result = plan(items, 10, pinned_in=[1, 2])
    assert result.pins_too_big
    assert result.solution.chosen == {1}


def test_solve_refuses_forced_items_that_do_not_fit() -> None:
    assert solve([Item(1, 1, 6)], 5, forced_in=[1]) is None


def test_larger_case_matches_brute_force() -> None:
    import itertools
    import random

    rng = random.Random(8)
    items = [
        Item(k, rng.randint(3, 30), rng.randint(1, 9) + 0.5 * rng.randint(0, 1)) for k in range(12)
    ]
    capacity = 25.0
    brute = max(
        sum(i.value for i in combo)
        for n in range(len(items) + 1)
        for combo in itertools.combinations(items, n)
        if sum(i.effort for i in combo) <= capacity
    )
    best = solve(items, capacity)
    assert best is not None
    assert best.value == pytest.approx(brute)
    assert best.days <= capacity


def test_the_value_only_solve_finds_the_same_value_and_may_use_more_days() -> None:
    """The explanations skip the fewest-days pass; their value must still be the best."""
    # Two sets are worth 10: {1} takes 9 days, {2, 3} takes 4.
    items = [Item(1, 10, 9), Item(2, 5, 2), Item(3, 5, 2)]
    full = solve(items, 9)
    fast = solve(items, 9, fewest_days=False)
    assert full is not None and fast is not None
    assert fast.value == full.value == 10
    assert full.days == 4
    assert fast.days in {4, 9}


def test_without_explanations_the_set_is_the_same_and_solved_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from leerpad.intake import portfolio

    items = [Item(1, 12, 6), Item(2, 9, 5), Item(3, 9, 5), Item(4, 4, 2)]
    calls = []
    real_solve = portfolio.solve

    def counting_solve(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real_solve(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(portfolio, "solve", counting_solve)
    quick = plan(items, 12, pinned_out=[4], explain=False)
    assert len(calls) == 1
    full = plan(items, 12, pinned_out=[4])
    assert quick.solution == full.solution and quick.solution.chosen == {1, 2}
    assert {k: e.chosen for k, e in quick.explanations.items()} == {
        k: e.chosen for k, e in full.explanations.items()
    }
    assert all(e.delta is None for e in quick.explanations.values())
