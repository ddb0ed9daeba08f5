"""Pure rules of initiatives and plans: plain values in, decisions out (no database).

- `quadrant`: where a stakeholder sits on the influence x interest grid.
- `suggested_order`: who to consult first.
- `overlaps`: where the L&D plan and the marketing plan reach the same people in the
  same months.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.utils.translation import gettext_lazy as _

# On the 1-5 scales, 3 and more counts as high (the grid's middle line lies between 2 and 3).
HIGH = 3


class Quadrant(enum.StrEnum):
    MANAGE_CLOSELY = "manage_closely"  # high influence, high interest
    KEEP_SATISFIED = "keep_satisfied"  # high influence, low interest
    KEEP_INFORMED = "keep_informed"  # low influence, high interest
    MONITOR = "monitor"  # low influence, low interest

    @property
    def label(self) -> str:
        return str(QUADRANT_LABELS[self])


QUADRANT_LABELS = {
    Quadrant.MANAGE_CLOSELY: _("Manage closely"),
    Quadrant.KEEP_SATISFIED: _("Keep satisfied"),
    Quadrant.KEEP_INFORMED: _("Keep informed"),
    Quadrant.MONITOR: _("Monitor"),
}


def quadrant(influence: int, interest: int) -> Quadrant:
    if influence >= HIGH:
        return Quadrant.MANAGE_CLOSELY if interest >= HIGH else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if interest >= HIGH else Quadrant.MONITOR


@dataclass(frozen=True)
class Candidate:
    """A stakeholder as the suggested order sees them."""

    key: int
    influence: int
    interest: int
    support: int  # planning.BUY_IN_RANK of their buy-in: 0 (unknown, opposed) to 4


def suggested_order(candidates: Iterable[Candidate]) -> list[int]:
    """The keys in the suggested consultation order.

    The rule (said on the page): the most influence first; with equal influence, the least
    buy-in first (unknown counts as none), then the most interest. Those who can stop the
    initiative and are not yet on board are met before anyone else, so that their
    concerns shape it while it can still change, and nobody hears about it second-hand.
    """
    ranked = sorted(candidates, key=lambda c: (-c.influence, c.support, -c.interest, c.key))
    return [c.key for c in ranked]


# --- annual plans -----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """An entry of an annual plan as the overlap rule sees it: its months (1-12, both
    ends included) and its audience. Empty job roles mean every job role, empty
    locations every location; both empty is everyone."""

    key: int
    start: int
    end: int
    job_roles: frozenset[int] = frozenset()
    locations: frozenset[int] = frozenset()

    @property
    def everyone(self) -> bool:
        return not self.job_roles and not self.locations


S = TypeVar("S", bound=Span)


@dataclass(frozen=True)
class Overlap(Generic[S]):
    a: S
    b: S
    first_month: int
    last_month: int
    job_roles: frozenset[int]  # the job roles both reach (empty: not limited by job role)
    locations: frozenset[int]  # the locations both reach (empty: not limited by location)


def _shared(mine: frozenset[int], theirs: frozenset[int]) -> frozenset[int] | None:
    """What two audiences share on one dimension: None when nothing; empty when both
    reach all of it; else the values both reach (all of one side meets some of the other)."""
    if not mine:
        return theirs
    if not theirs:
        return mine
    both = mine & theirs
    return both or None


def overlaps(entries_a: Sequence[S], entries_b: Sequence[S]) -> list[Overlap[S]]:
    """Pairs (one entry of each plan) that reach the same people in the same months.

    Months overlap when the spans share at least one month (touching spans, May-June and
    June-July, share June). Audiences overlap when some people are in both: on each
    dimension (job role, location) the two share a value or one of them is not limited;
    so "everyone" overlaps every audience, "cashiers" overlaps "Gent" (the cashiers of
    Gent), and "cashiers in Gent" does not overlap "cashiers in Liège".
    """
    found: list[Overlap[S]] = []
    for a in entries_a:
        for b in entries_b:
            first, last = max(a.start, b.start), min(a.end, b.end)
            if first > last:
                continue
            roles = _shared(a.job_roles, b.job_roles)
            places = _shared(a.locations, b.locations)
            if roles is None or places is None:
                continue
            found.append(Overlap(a, b, first, last, roles, places))
    return found
