"""The portfolio plan: which scored requests fit the free capacity with the most value.

A 0/1 knapsack solved exactly with scipy's MILP solver (HiGHS): each request is in (1) or
out (0); the value of a request is its weighted cost of delay (the WSJF numerator), its
weight the effort in person-days. A greedy sort by WSJF is shown beside it only to
compare: it can miss the best set (a big valuable item can crowd out two that are worth
more together, or leave days unused).

Pure functions over plain numbers, so the rules are tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

# Capacity and efforts come as decimals with one digit; this absorbs float rounding.
EPS = 1e-6


@dataclass(frozen=True)
class Item:
    key: int
    value: float  # weighted cost of delay
    effort: float  # person-days, > 0

    @property
    def wsjf(self) -> float:
        return self.value / self.effort


@dataclass(frozen=True)
class Solution:
    chosen: frozenset[int]
    value: float
    days: float


@dataclass(frozen=True)
class Explanation:
    key: int
    chosen: bool
    # in: "adds value; leaving it out loses `delta`"; out: "taking it in costs `delta`".
    reason: str  # "optimal", "pinned_in", "pinned_out", "too_big", "no_room_next_to_pins"
    delta: float | None = None


@dataclass(frozen=True)
class Plan:
    items: tuple[Item, ...]
    capacity: float
    solution: Solution
    explanations: dict[int, Explanation]
    greedy: Solution
    # True when the pins themselves need more days than there are (nothing can be planned).
    pins_too_big: bool = False

    @property
    def greedy_differs(self) -> bool:
        return self.greedy.chosen != self.solution.chosen and (
            self.greedy.value < self.solution.value - EPS
        )


def solve(
    items: Sequence[Item],
    capacity: float,
    forced_in: Iterable[int] = (),
    forced_out: Iterable[int] = (),
    *,
    fewest_days: bool = True,
) -> Solution | None:
    """The set of items with the most total value within `capacity` days, respecting the
    forced items; None when the forced-in items alone do not fit.

    Among sets of equal value the one using fewer days wins (a second solve), so ties
    leave the most room for what comes next. The explanations only need the best value,
    so they skip that second solve (`fewest_days=False`), which halves the page's work.
    """
    must = set(forced_in)
    never = set(forced_out)
    if sum(i.effort for i in items if i.key in must) > capacity + EPS:
        return None
    if not items:
        return Solution(frozenset(), 0.0, 0.0)
    values = np.array([i.value for i in items], dtype=float)
    efforts = np.array([i.effort for i in items], dtype=float)
    lower = np.array([1.0 if i.key in must else 0.0 for i in items])
    upper = np.array([0.0 if i.key in never else 1.0 for i in items])
    upper = np.maximum(upper, lower)  # an item both forced in and out: in wins
    integrality = np.ones(len(items))
    fits = LinearConstraint(efforts.reshape(1, -1), -np.inf, capacity + EPS)
    first = milp(-values, constraints=[fits], integrality=integrality, bounds=Bounds(lower, upper))
    if not first.success:
        return None
    best = float(values @ np.round(first.x))
    if not fewest_days:
        chosen = frozenset(
            i.key for i, take in zip(items, np.round(first.x), strict=True) if take > 0.5
        )
        return _solution(items, chosen)
    # Second pass: fewest days among the sets reaching the best value.
    keeps_value = LinearConstraint(values.reshape(1, -1), best - EPS * max(1.0, best), np.inf)
    second = milp(
        efforts,
        constraints=[fits, keeps_value],
        integrality=integrality,
        bounds=Bounds(lower, upper),
    )
    x = np.round(second.x if second.success else first.x)
    chosen = frozenset(i.key for i, take in zip(items, x, strict=True) if take > 0.5)
    return _solution(items, chosen)


def greedy(items: Sequence[Item], capacity: float) -> Solution:
    """Take items by WSJF, highest first, while they fit (what a sorted list suggests)."""
    left = capacity
    chosen: set[int] = set()
    for item in sorted(items, key=lambda i: (-i.wsjf, i.key)):
        if item.effort <= left + EPS:
            chosen.add(item.key)
            left -= item.effort
    return _solution(items, frozenset(chosen))


def plan(
    items: Sequence[Item],
    capacity: float,
    pinned_in: Iterable[int] = (),
    pinned_out: Iterable[int] = (),
    *,
    explain: bool = True,
) -> Plan:
    """The optimal plan with its explanation per item: what leaving an item out (or
    taking it in) would cost, found by solving again with that item forced.

    `explain=False` skips those extra solves (one per item): for who only needs the set,
    such as accepting the plan. Explanations then say in or out, with no `delta`."""
    capacity = max(capacity, 0.0)
    pins_in = {i.key for i in items if i.key in set(pinned_in)}
    pins_out = {i.key for i in items if i.key in set(pinned_out)} - pins_in
    found = solve(items, capacity, pins_in, pins_out)
    pins_too_big = found is None
    if found is None:  # the pins alone overflow: plan without the pins in
        pins_in = set()
        found = solve(items, capacity, (), pins_out) or Solution(frozenset(), 0.0, 0.0)
    explanations: dict[int, Explanation] = {}
    for item in items:
        if not explain:
            explanations[item.key] = Explanation(item.key, item.key in found.chosen, "optimal")
        elif item.key in found.chosen:
            if item.key in pins_in:
                explanations[item.key] = Explanation(item.key, True, "pinned_in")
                continue
            without = solve(items, capacity, pins_in, pins_out | {item.key}, fewest_days=False)
            rest = without.value if without else 0.0
            explanations[item.key] = Explanation(item.key, True, "optimal", found.value - rest)
        elif item.key in pins_out:
            explanations[item.key] = Explanation(item.key, False, "pinned_out")
        elif item.effort > capacity + EPS:
            explanations[item.key] = Explanation(item.key, False, "too_big")
        else:
            with_it = solve(items, capacity, pins_in | {item.key}, pins_out, fewest_days=False)
            if with_it is None:
                explanations[item.key] = Explanation(item.key, False, "no_room_next_to_pins")
            else:
                explanations[item.key] = Explanation(
                    item.key, False, "optimal", found.value - with_it.value
                )
    return Plan(
        items=tuple(items),
        capacity=capacity,
        solution=found,
        explanations=explanations,
        greedy=greedy(items, capacity),
        pins_too_big=pins_too_big,
    )


def _solution(items: Sequence[Item], chosen: frozenset[int]) -> Solution:
    picked = [i for i in items if i.key in chosen]
    return Solution(
        chosen, float(sum(i.value for i in picked)), float(sum(i.effort for i in picked))
    )
