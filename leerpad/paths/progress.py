"""Where a person stands in a path version: pure rules over steps and completed activities.

`plan(steps, done_iris)` answers every learner question at once (which steps are done,
which are open or locked and why, what is next, how much time is left, is the path
complete), from nothing but the version's steps and the set of activity IRIs the person
has completed (from `Completion`, an index of the LRS). Keeping the rules free of the
database makes them easy to test one by one and cheap to run for a whole list.

The rules:
- A step is done when any of its activity IRIs is in `done_iris`.
- A step is locked while one of its prerequisites is not satisfied; a prerequisite that
  sits in a branch is satisfied when its branch is.
- Steps sharing a `branch` number are alternatives: the group is satisfied by one done
  step, and once it is, the others are shown as "not needed".
- The version is complete when every required step is done, every branch that has a
  required step is satisfied, and at least `min_optional` optional steps are done.
- Time left: minutes of the required steps not done, the quickest alternative of each
  open branch, and the quickest optional steps still needed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


class State(enum.StrEnum):
    DONE = "done"
    OPEN = "open"
    LOCKED = "locked"
    NOT_NEEDED = "not_needed"  # an alternative in a branch another step satisfied


@dataclass(frozen=True)
class StepFacts:
    """What the rules need to know about a step (built from a `Step` by `facts_for`)."""

    id: int
    position: int
    iris: frozenset[str]
    optional: bool = False
    branch: int | None = None
    prerequisites: frozenset[int] = frozenset()
    minutes: int = 0


@dataclass
class StepStatus:
    step: StepFacts
    state: State
    waiting_for: list[int] = field(default_factory=list)  # prerequisite step ids not met


@dataclass
class Plan:
    steps: list[StepStatus]
    complete: bool
    next_step: int | None  # step id
    minutes_left: int
    required_total: int
    required_done: int

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        if not self.required_total:
            return 0
        return round(100 * self.required_done / self.required_total)

    def status_of(self, step_id: int) -> StepStatus | None:
        return next((s for s in self.steps if s.step.id == step_id), None)


def plan(steps: Sequence[StepFacts], done_iris: Iterable[str], min_optional: int = 0) -> Plan:
    done_set = frozenset(done_iris)
    ordered = sorted(steps, key=lambda s: (s.position, s.id))
    done = {s.id for s in ordered if s.iris & done_set}
    branches: dict[int, list[StepFacts]] = {}
    for s in ordered:
        if s.branch is not None:
            branches.setdefault(s.branch, []).append(s)
    satisfied_branches = {
        b for b, members in branches.items() if any(m.id in done for m in members)
    }
    by_id = {s.id: s for s in ordered}

    def satisfied(step_id: int) -> bool:
        step = by_id.get(step_id)
        if step is None:  # a prerequisite outside this version cannot block anyone
            return True
        if step.branch is not None:
            return step.branch in satisfied_branches
        return step_id in done

    statuses: list[StepStatus] = []
    for s in ordered:
        if s.id in done:
            statuses.append(StepStatus(s, State.DONE))
            continue
        if s.branch is not None and s.branch in satisfied_branches:
            statuses.append(StepStatus(s, State.NOT_NEEDED))
            continue
        waiting = [p for p in sorted(s.prerequisites) if not satisfied(p)]
        statuses.append(StepStatus(s, State.LOCKED if waiting else State.OPEN, waiting))

    # Units of work the rule asks for: each required step alone, each required branch.
    required_units: list[list[StepFacts]] = []
    seen_branches: set[int] = set()
    for s in ordered:
        if s.branch is None:
            if not s.optional:
                required_units.append([s])
        elif s.branch not in seen_branches:
            members = branches[s.branch]
            if any(not m.optional for m in members):
                required_units.append(members)
                seen_branches.add(s.branch)
    units_done = [u for u in required_units if any(m.id in done for m in u)]
    optional_steps = [s for s in ordered if s.optional and s.branch is None]
    optional_done = sum(1 for s in optional_steps if s.id in done)
    optional_missing = max(0, min_optional - optional_done)
    complete = len(units_done) == len(required_units) and optional_missing == 0

    minutes = 0
    for unit in required_units:
        if not any(m.id in done for m in unit):
            minutes += min(m.minutes for m in unit)
    open_optional = sorted(s.minutes for s in optional_steps if s.id not in done)
    minutes += sum(open_optional[:optional_missing])

    next_step = None
    if not complete:
        status_by_id = {st.step.id: st for st in statuses}
        for s in ordered:
            st = status_by_id[s.id]
            if st.state != State.OPEN:
                continue
            if s.optional and s.branch is None and optional_missing == 0:
                continue
            next_step = s.id
            break
    return Plan(
        steps=statuses,
        complete=complete,
        next_step=next_step,
        minutes_left=minutes,
        required_total=len(required_units) + min_optional,
        required_done=len(units_done) + min(optional_done, min_optional),
    )
