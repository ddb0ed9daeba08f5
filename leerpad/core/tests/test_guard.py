"""The guard's rules, and attempts to single out a person through a breakdown or filters."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from leerpad.core.guard import Cell, Shown, guard_subgroup, min_group_size, suppress


def cells(**people: int) -> dict[str, Cell[int]]:
    # The value is the head count times 10, so merged values can be checked.
    return {key: Cell(count, count * 10) for key, count in people.items()}


def by_kind(rows: list[Shown[str, int]], kind: str) -> list[Shown[str, int]]:
    return [row for row in rows if row.kind == kind]


def shown_keys(rows: list[Shown[str, int]]) -> list[str | None]:
    return [row.key for row in by_kind(rows, "cell")]


# --- k ------------------------------------------------------------------------------------------


def test_min_group_size_reads_the_setting(settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 7
    assert min_group_size() == 7
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    assert min_group_size() == 3


def test_k_of_one_would_show_single_people_so_two_is_the_floor(settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 1
    assert min_group_size() == 2
    assert shown_keys(suppress(cells(a=1, b=4))) == ["b"]


def test_suppress_uses_the_setting_when_k_is_not_given(settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 5
    assert shown_keys(suppress(cells(a=4, b=5, c=9))) == ["b", "c"]
    settings.LEERPAD_MIN_GROUP_SIZE = 4
    assert shown_keys(suppress(cells(a=4, b=5, c=9))) == ["a", "b", "c"]


# --- suppress: single rules ---------------------------------------------------------------------


def test_big_rows_are_shown_as_they_are_in_their_order() -> None:
    rows = suppress(cells(gent=12, brugge=5, antwerpen=30), total=47, k=5)
    assert [(r.kind, r.key, r.people, r.value) for r in rows] == [
        ("cell", "gent", 12, 120),
        ("cell", "brugge", 5, 50),
        ("cell", "antwerpen", 30, 300),
        ("total", None, 47, None),
    ]
    assert not rows[-1].some_hidden


def test_small_rows_are_hidden_without_a_total() -> None:
    rows = suppress(cells(gent=12, brugge=4, antwerpen=30), k=5)
    assert shown_keys(rows) == ["gent", "antwerpen"]
    hidden = by_kind(rows, "hidden")
    assert len(hidden) == 1 and hidden[0].merged == 1 and hidden[0].people is None
    assert not by_kind(rows, "total")


def test_one_small_row_with_a_total_hides_the_next_smallest_too() -> None:
    # Gent - total minus the rest - would be exactly the one person there.
    rows = suppress(cells(gent=1, brugge=10, antwerpen=12), total=23, k=5)
    assert shown_keys(rows) == ["antwerpen"]
    (other,) = by_kind(rows, "other")
    assert other.people == 11 and other.merged == 2
    (total,) = by_kind(rows, "total")
    assert total.people == 23 and not total.some_hidden


def test_complement_ties_are_broken_by_key_so_the_same_data_hides_the_same_rows() -> None:
    first = suppress(cells(x=2, b=8, a=8, c=20), total=38, k=5)
    again = suppress(cells(c=20, a=8, x=2, b=8), total=38, k=5)
    assert shown_keys(first) == ["b", "c"]
    assert sorted(k for k in shown_keys(again) if k) == ["b", "c"]


def test_several_small_rows_that_reach_k_are_merged_into_other() -> None:
    rows = suppress(cells(a=2, b=3, c=9), total=14, k=5)
    assert shown_keys(rows) == ["c"]
    (other,) = by_kind(rows, "other")
    assert other.people == 5 and other.merged == 2 and other.value is None


def test_merge_combines_the_values_of_the_merged_rows() -> None:
    rows = suppress(
        cells(a=2, b=3, c=9), total=14, k=5, merge=lambda merged: sum(c.value for c in merged)
    )
    (other,) = by_kind(rows, "other")
    assert other.value == 50


def test_small_rows_below_k_together_are_dropped_without_a_total() -> None:
    rows = suppress(cells(a=1, b=2, c=9), k=5)
    assert shown_keys(rows) == ["c"]
    assert not by_kind(rows, "other")
    (hidden,) = by_kind(rows, "hidden")
    assert hidden.merged == 2


def test_two_small_rows_below_k_with_a_total_take_a_complement() -> None:
    # Dropping a (1) and b (1) would let total - rest = 2 over two rows: one person each.
    rows = suppress(cells(a=1, b=1, c=10, d=12), total=24, k=5)
    assert shown_keys(rows) == ["d"]
    (other,) = by_kind(rows, "other")
    assert other.people == 12 and other.merged == 3


def test_a_total_below_k_shows_nothing() -> None:
    assert suppress(cells(a=2, b=2), total=4, k=5) == []


def test_only_small_rows_without_a_total_show_only_the_marker() -> None:
    rows = suppress(cells(a=2, b=2), k=5)
    assert [r.kind for r in rows] == ["hidden"]


def test_everything_small_but_a_total_of_k_shows_one_other_row() -> None:
    rows = suppress(cells(a=2, b=3), total=5, k=5)
    assert [(r.kind, r.people) for r in rows] == [("other", 5), ("total", 5)]


def test_empty_rows_are_hidden_but_need_no_complement() -> None:
    rows = suppress(cells(a=0, b=8, c=9), total=17, k=5)
    assert shown_keys(rows) == ["b", "c"]
    assert by_kind(rows, "total")[0].some_hidden


def test_empty_breakdown() -> None:
    assert suppress({}, k=5) == []
    assert suppress({}, total=0, k=5) == []


def test_a_total_that_is_not_the_sum_of_the_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="not the sum"):
        suppress(cells(a=5, b=6), total=20, k=5)


def test_negative_people_are_refused() -> None:
    with pytest.raises(ValueError, match="Negative"):
        suppress({"a": Cell(-1, 0)}, k=5)


# --- suppress: every small breakdown, as an attacker would read it ------------------------------


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("with_total", [True, False])
def test_no_breakdown_lets_anyone_work_out_a_group_smaller_than_k(k: int, with_total: bool) -> None:
    keys = ["a", "b", "c", "d"]
    for counts in itertools.product(range(9), repeat=len(keys)):
        data = {key: Cell(n, n) for key, n in zip(keys, counts, strict=True)}
        total = sum(counts) if with_total else None
        rows = suppress(data, total, k=k)
        shown = by_kind(rows, "cell")
        others = by_kind(rows, "other")
        totals = by_kind(rows, "total")
        context = f"{counts=} {k=} {with_total=}"
        # Every number on the page is about at least k people.
        for row in rows:
            assert row.people is None or row.people >= k, context
        # A shown row is the real row.
        for row in shown:
            assert row.key is not None and data[row.key].people == row.people, context
        assert len(others) <= 1, context
        if with_total and sum(counts) < k:
            assert rows == [], context
            continue
        if with_total:
            (total_row,) = totals
            assert total_row.people == sum(counts), context
            # What subtraction reveals: the total minus every shown row and the "other" row.
            derived = total_row.people - sum(r.people or 0 for r in shown + others)
            assert derived == 0, context
            hidden_keys = set(keys) - {r.key for r in shown}
            hidden_people = sum(data[key].people for key in hidden_keys)
            # Hidden people are either none, or k or more spread over at least two rows.
            assert hidden_people == 0 or hidden_people >= k, context
            nonempty_hidden = [key for key in hidden_keys if data[key].people]
            assert len(nonempty_hidden) != 1, context
            if others:
                assert others[0].people == hidden_people, context
        else:
            assert not totals, context
        # Rows of k or more are shown unless they serve as a complement (only with a total).
        if not with_total:
            assert {r.key for r in shown} == {key for key in keys if data[key].people >= k}, context


# --- guard_subgroup -----------------------------------------------------------------------------


def test_a_group_smaller_than_k_is_refused() -> None:
    decision = guard_subgroup(4, 40, k=5)
    assert not decision and decision.reason == "group" and decision.k == 5


def test_a_group_equal_to_its_parent_is_allowed() -> None:
    assert guard_subgroup(12, 12, k=5)


def test_a_group_that_differs_from_its_parent_by_fewer_than_k_is_refused() -> None:
    # Gent has 12 people, team Store at Gent 11: the difference is one colleague.
    decision = guard_subgroup(11, 12, k=5)
    assert not decision and decision.reason == "difference"


def test_a_group_that_differs_by_k_or_more_is_allowed() -> None:
    decision = guard_subgroup(7, 12, k=5)
    assert decision and decision.reason == ""


def test_every_parent_counts() -> None:
    # Team 30, location 40, both together 26: the team differs by 4.
    assert guard_subgroup(26, 40, k=5)
    assert not guard_subgroup(26, 40, 30, k=5)
    assert not guard_subgroup(26, 30, 40, k=5)


def test_no_parent_means_only_the_size_counts() -> None:
    assert guard_subgroup(5, k=5)
    assert not guard_subgroup(4, k=5)


def test_the_setting_is_used_when_k_is_not_given(settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    assert guard_subgroup(3, 6)
    settings.LEERPAD_MIN_GROUP_SIZE = 4
    assert not guard_subgroup(3, 6)


def test_impossible_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        guard_subgroup(10, 5, k=5)
    with pytest.raises(ValueError):
        guard_subgroup(-1, 5, k=5)


@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_guard_subgroup_for_every_size(k: int) -> None:
    for parent in range(30):
        for group in range(parent + 1):
            difference = parent - group
            expected = group >= k and (difference == 0 or difference >= k)
            assert bool(guard_subgroup(group, parent, k=k)) is expected, (group, parent, k)


def test_no_two_allowed_nested_views_differ_by_fewer_than_k_people() -> None:
    """An attacker filters by location, team and job role in every combination and subtracts
    any allowed view from an allowed wider one: the difference is never 1..k-1 people."""
    k = 5
    people = [
        # (location, team, role)
        *[("gent", "store", "sales")] * 9,
        ("gent", "store", "manager"),  # the one person an attacker wants
        *[("gent", "office", "sales")] * 6,
        *[("brugge", "store", "sales")] * 7,
        *[("brugge", "office", "manager")] * 5,
    ]
    dims = range(3)

    def size(filters: dict[int, str]) -> int:
        return sum(all(p[d] == v for d, v in filters.items()) for p in people)

    values = [sorted({p[d] for p in people}) for d in dims]
    views: dict[tuple[tuple[int, str], ...], int] = {}
    for chosen in itertools.product(*[[None, *vals] for vals in values]):
        filters = {d: v for d, v in zip(dims, chosen, strict=True) if v is not None}
        group = size(filters)
        # The parents: every view with fewer filters, down to no filter at all.
        parents = [
            size({d: filters[d] for d in kept})
            for n in range(len(filters))
            for kept in itertools.combinations(filters, n)
        ]
        if guard_subgroup(group, *parents, k=k):
            views[tuple(sorted(filters.items()))] = group
    assert views[()] == len(people)
    for narrow, small in views.items():
        for wide, big in views.items():
            if set(wide) < set(narrow):
                assert big - small == 0 or big - small >= k, (narrow, wide)
    # The manager at Gent's store can be reached by no allowed view of fewer than k people,
    # and "Gent store" (10) minus "Gent store sales" (9) was refused.
    assert ((0, "gent"), (1, "store"), (2, "sales")) not in views


def test_two_steps_up_counts_too() -> None:
    # All 12 people; 11 at Gent, 11 in team Store, the same 11 in both. Checked one step up
    # only, "Gent and Store" looks safe; against everyone it singles out the twelfth person.
    assert guard_subgroup(11, 11, 11, k=5)
    decision = guard_subgroup(11, 11, 11, 12, k=5)
    assert not decision and decision.reason == "difference"
