"""What an aggregate over people may show: the one place that decides.

Analytics, skills and search insights show figures about groups of people. A figure about a
group small enough to point at one person is personal data about that person, so these
functions decide which figures may be shown. They are pure: plain numbers in, a decision out,
so the rules can be tested exhaustively without a database.

k is `settings.LEERPAD_MIN_GROUP_SIZE` (5 by default).

Threat model (what the guard protects against):

- **Small cells**: a row of a breakdown ("learners per location") about fewer than k people.
  Such rows are never shown (`suppress`).
- **Differencing a breakdown with its total**: if one row is hidden but the total and every
  other row are shown, the hidden row is `total - sum(rest)`. `suppress` hides further rows
  (the next-smallest ones: complementary suppression) until the hidden rows together hold at
  least k people, and shows them only as one merged "other" row.
- **Differencing two filtered views**: "Gent" (12 people) and "Gent, team Store" (11 people)
  both look safe, but subtracting them gives a figure about the one person of Gent who is not in
  that team. `guard_subgroup` allows a filter combination only if it has at least k people and
  differs from each less-filtered view by 0 or at least k people.

What the guard does not cover (callers and reviewers must keep these in mind):

- **Repeated queries over time**: a count today and the same count yesterday differ by the one
  person who joined or finished since. Show closed periods (a month that is over) rather than
  live figures for small groups, and do not offer "since yesterday" views on people data.
- **Many overlapping views** ("tracker" attacks): `guard_subgroup` checks one step between a
  view and its parents. A determined person who can run many different filter combinations
  can sometimes add and subtract several allowed views to isolate someone. Keep the filter
  dimensions few and coarse (location, team, job role) and do not let people define their own
  groups by free choice of members.
- **What a viewer already knows**: a member of a group of k who knows their own answer learns
  the figure for the other k - 1 people. k is a minimum, not a guarantee of anonymity.
- **Values, not only head counts**: a row of k people where everyone has the same value (all
  failed the quiz) says something about each of them. The guard counts people; it does not
  look at how values are spread.
- **Overlapping breakdowns** (a person in several rows, such as skills): the total of such a
  breakdown is not the sum of its rows, so `suppress` refuses a total that does not add up;
  such pages show their rows with `total=None`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Kind = Literal["cell", "other", "hidden", "total"]


def min_group_size() -> int:
    """k: the smallest number of people a shown figure may be about (at least 2)."""
    return max(2, int(settings.LEERPAD_MIN_GROUP_SIZE))


@dataclass(frozen=True)
class Cell(Generic[V]):
    """One row of a breakdown: how many distinct people it is about, and what it shows."""

    people: int
    value: V


@dataclass(frozen=True)
class Shown(Generic[K, V]):
    """One row the page may show.

    kind "cell": a row of the breakdown as it was.
    kind "other": small rows merged into one; `people` is their sum, `merged` how many rows.
    kind "hidden": some rows are left out and are not counted anywhere; no number is shown.
    kind "total": the total, shown only when it was asked for and is safe; `some_hidden` says
    the rows above leave some groups out (the page says "some groups hidden").
    """

    kind: Kind
    key: K | None = None
    people: int | None = None
    value: V | None = None
    merged: int = 0
    some_hidden: bool = False


def _k(k: int | None) -> int:
    return min_group_size() if k is None else max(2, k)


def suppress(
    cells: Mapping[K, Cell[V]],
    total: int | None = None,
    *,
    k: int | None = None,
    merge: Callable[[Sequence[Cell[V]]], V] | None = None,
) -> list[Shown[K, V]]:
    """The rows of one breakdown that may be shown, in the order given, then the extras.

    `cells` must partition the people: everyone in exactly one row, so that `total` (when the
    page shows a total) is the sum of the rows; a total that does not add up raises ValueError
    (an "unknown" group must be a row of its own). `merge` combines the values of merged rows
    for the "other" row; without it the "other" row shows a head count only.

    Rules, in order:
    1. If the total is smaller than k, nothing may be shown: the result is empty.
    2. Rows about fewer than k people are hidden (empty rows too: they are about nobody).
    3. If a total is shown and the hidden rows hold between 1 and k - 1 people together, the
       next-smallest shown rows are hidden as well until they hold at least k, so that
       "total minus the rest" is never about fewer than k people nor about a single row.
    4. Hidden rows that together hold at least k people become one "other" row. Otherwise they
       are dropped: a "hidden" marker row follows, and the total row says some groups are hidden.
    """
    size = _k(k)
    for key, cell in cells.items():
        if cell.people < 0:
            raise ValueError(f"Negative number of people in {key!r}.")
    counted = sum(cell.people for cell in cells.values())
    if total is not None and total != counted:
        raise ValueError(
            f"The total ({total}) is not the sum of the rows ({counted}): "
            "a breakdown must put everyone in exactly one row."
        )
    if total is not None and total < size:
        return []
    hidden = {key for key, cell in cells.items() if cell.people < size}
    hidden_people = sum(cells[key].people for key in hidden)
    if total is not None:
        # Complementary suppression: smallest first; ties broken by the key's text so the
        # same data always hides the same rows (a random choice could be averaged away).
        candidates = sorted(
            (key for key in cells if key not in hidden),
            key=lambda key: (cells[key].people, str(key)),
        )
        for key in candidates:
            if not 0 < hidden_people < size:
                break
            hidden.add(key)
            hidden_people += cells[key].people
    rows: list[Shown[K, V]] = [
        Shown("cell", key, cell.people, cell.value)
        for key, cell in cells.items()
        if key not in hidden
    ]
    dropped = False
    if hidden and hidden_people >= size:
        merged = [cells[key] for key in cells if key in hidden]
        rows.append(
            Shown(
                "other",
                None,
                hidden_people,
                merge(merged) if merge is not None else None,
                merged=len(merged),
            )
        )
    elif hidden:
        dropped = True
        rows.append(Shown("hidden", merged=len(hidden)))
    if total is not None:
        rows.append(Shown("total", None, total, some_hidden=dropped))
    return rows


@dataclass(frozen=True)
class Decision:
    """Whether a filtered view may be shown, and why not. Truthy when allowed."""

    allowed: bool
    # "": allowed; "group": the group has fewer than k people; "difference": it differs from a
    # less-filtered view by 1 to k - 1 people, so subtracting the two would single them out.
    reason: Literal["", "group", "difference"] = ""
    k: int = 0

    def __bool__(self) -> bool:
        return self.allowed


def guard_subgroup(group_size: int, *parent_sizes: int, k: int | None = None) -> Decision:
    """May a view filtered down to `group_size` people be shown?

    `parent_sizes` are the views it can be compared with: every view with fewer of its filters,
    down to the unfiltered one (for "team X at location Y": all people, team X, location Y).
    Checking only the views one filter up is not enough: if "location Y" equals "team X at
    location Y" but "all people" has one more, the two-step difference singles that person out.
    The group must have at least k people and differ from each parent by 0 or at least k.
    """
    size = _k(k)
    if group_size < 0 or any(parent < 0 for parent in parent_sizes):
        raise ValueError("Group sizes cannot be negative.")
    for parent in parent_sizes:
        if parent < group_size:
            raise ValueError(
                f"A filtered group ({group_size}) cannot outnumber its parent ({parent})."
            )
    if group_size < size:
        return Decision(False, "group", size)
    for parent in parent_sizes:
        if 0 < parent - group_size < size:
            return Decision(False, "difference", size)
    return Decision(True, "", size)
