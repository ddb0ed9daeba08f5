"""Suggestions L&D can act on, made from a path version's funnel (`questions/funnel.py`).

Pure rules: a `VersionFunnel` in, `Suggestion`s out, no database, so each rule is tested
with exact inputs. Each suggestion names the step(s), the evidence numbers with the size of
the group they are about, a plain-language text, and one concrete change that accepting it
applies to a new draft version (`paths/improve.py`):

- stall: the step where the largest share of those who reached it stalled (took
  `STALL_DAYS`+ days or went silent there) -> move it after the next step (learners meet
  it with more behind them), or, for the last step, split it;
- skip: a required step that many skip while still doing every later step -> make it
  optional;
- leave: the step where most of those who left the path left -> split it (shorten it);
- order: a step most learners do after the next one -> swap the two.

Privacy: the funnel withholds small groups (None); a rule only fires on figures that were
shown, from groups of at least k and at least `MIN_LEARNERS`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerpad.analytics.questions.funnel import StepRow, VersionFunnel
from leerpad.core.guard import min_group_size

# Why 20: below it one learner moves a share by five points or more, so a rule would react
# to chance (and L&D would rebuild a path on the behaviour of a handful of people).
MIN_LEARNERS = 20
# Why these shares: each is "a large minority" for stalls and skips and "most" for
# leaving and order, chosen so that a healthy path (a few stall anywhere, steps done in
# order) gets no suggestion; they are starting points for L&D, not statistical tests.
STALL_SHARE = 0.30
SKIP_SHARE = 0.25
LEAVE_SHARE = 0.50
ORDER_SHARE = 0.60


class Kind(StrEnum):
    STALL = "stall"
    SKIP = "skip"
    LEAVE = "leave"
    ORDER = "order"


class Change(StrEnum):
    MOVE_AFTER = "move_after"  # move `step` to just after `other`
    MAKE_OPTIONAL = "make_optional"
    SPLIT = "split"  # split `step` into two steps


@dataclass(frozen=True)
class StepRef:
    uid: str
    number: int  # 1-based place in the version it was seen in
    title: str


@dataclass(frozen=True)
class Suggestion:
    kind: Kind
    version: int
    step: StepRef
    change: Change
    share: float  # 0..1: the evidence's headline share
    # Evidence: the figures (counts of people, days) and the group each share is out of.
    evidence: Mapping[str, int] = field(default_factory=dict)
    other: StepRef | None = None  # the second step of a move

    @property
    def key(self) -> str:
        """Which suggestion this is for its version: kind and steps, not the figures."""
        return f"{self.kind}:{self.step.uid}:{self.other.uid if self.other else ''}"

    def percent(self) -> str:
        return f"{formats.number_format(round(self.share * 100))}%"

    def text(self) -> str:
        """The suggestion in the person's language (call it with their language active)."""
        values = {
            "number": self.step.number,
            "title": self.step.title,
            "share": self.percent(),
            "other": self.other.number if self.other else "",
            "other_title": self.other.title if self.other else "",
            **{k: formats.number_format(v) for k, v in self.evidence.items()},
        }
        if self.kind == Kind.STALL:
            days = self.evidence.get("median_days", 0)
            values["days"] = ngettext("%(n)s day", "%(n)s days", days) % {
                "n": formats.number_format(days)
            }
            if self.change == Change.MOVE_AFTER:
                return (
                    _(
                        "Step %(number)s “%(title)s” is where %(share)s of learners stall "
                        "(%(stalled)s of %(reached)s; median %(days)s to complete it): split it "
                        "or move it after step %(other)s."
                    )
                    % values
                )
            return (
                _(
                    "Step %(number)s “%(title)s” is where %(share)s of learners stall "
                    "(%(stalled)s of %(reached)s; median %(days)s to complete it): split it "
                    "into two shorter steps."
                )
                % values
            )
        if self.kind == Kind.SKIP:
            return (
                _(
                    "%(share)s skip step %(number)s “%(title)s” and still do every step after "
                    "it (%(skipped)s of %(went_on)s): make it optional."
                )
                % values
            )
        if self.kind == Kind.LEAVE:
            return (
                _(
                    "Most who leave the path leave at step %(number)s “%(title)s” (%(left)s of "
                    "%(left_path)s, %(share)s): shorten it by splitting it in two."
                )
                % values
            )
        return (
            _(
                "Learners do step %(other)s “%(other_title)s” before step %(number)s "
                "“%(title)s” in %(share)s of cases (%(next_first)s of %(with_next)s): swap "
                "them."
            )
            % values
        )

    def change_text(self) -> str:
        """What accepting changes, for the confirmation step and the change note."""
        values = {
            "number": self.step.number,
            "title": self.step.title,
            "other": self.other.number if self.other else "",
            "other_title": self.other.title if self.other else "",
        }
        if self.change == Change.MOVE_AFTER:
            return (
                _("Move step %(number)s “%(title)s” after step %(other)s “%(other_title)s”.")
                % values
            )
        if self.change == Change.MAKE_OPTIONAL:
            return _("Make step %(number)s “%(title)s” optional.") % values
        return _("Split step %(number)s “%(title)s” into two steps.") % values


def _ref(step: StepRow) -> StepRef:
    return StepRef(step.uid, step.number, step.title)


def _enough(group: int | None, k: int) -> bool:
    return group is not None and group >= max(k, MIN_LEARNERS)


def stall(version: VersionFunnel, k: int) -> list[Suggestion]:
    """The step with the largest share stalling, when at least STALL_SHARE of its learners."""
    best: tuple[float, StepRow] | None = None
    for step in version.steps:
        if not _enough(step.reached, k) or step.stalled is None or step.median_days is None:
            continue
        share = step.stalled / step.reached  # type: ignore[operator]  # checked above
        if share >= STALL_SHARE and (best is None or share > best[0]):
            best = (share, step)
    if best is None:
        return []
    share, step = best
    following = version.steps[step.index + 1] if step.index + 1 < len(version.steps) else None
    return [
        Suggestion(
            Kind.STALL,
            version.number,
            _ref(step),
            Change.MOVE_AFTER if following else Change.SPLIT,
            share,
            {
                "reached": step.reached or 0,
                "stalled": step.stalled or 0,
                "median_days": step.median_days or 0,
            },
            _ref(following) if following else None,
        )
    ]


def skip(version: VersionFunnel, k: int) -> list[Suggestion]:
    """Required steps that at least SKIP_SHARE skip while doing every later step."""
    found = []
    for step in version.steps:
        if not step.required or not _enough(step.went_on, k) or not step.skipped:
            continue
        share = step.skipped / step.went_on  # type: ignore[operator]  # checked above
        if share >= SKIP_SHARE:
            found.append(
                Suggestion(
                    Kind.SKIP,
                    version.number,
                    _ref(step),
                    Change.MAKE_OPTIONAL,
                    share,
                    {"went_on": step.went_on or 0, "skipped": step.skipped},
                )
            )
    return found


def leave(version: VersionFunnel, k: int) -> list[Suggestion]:
    """The step where at least LEAVE_SHARE of the path's leavers left."""
    total = version.left
    if not _enough(total, k):
        return []
    best = max(
        (s for s in version.steps if s.left and _enough(s.reached, k)),
        key=lambda s: s.left or 0,
        default=None,
    )
    if best is None or best.left is None or total is None:
        return []
    share = best.left / total
    if share < LEAVE_SHARE:
        return []
    return [
        Suggestion(
            Kind.LEAVE,
            version.number,
            _ref(best),
            Change.SPLIT,
            share,
            {"left": best.left, "left_path": total},
        )
    ]


def order(version: VersionFunnel, k: int) -> list[Suggestion]:
    """Pairs of neighbouring steps done the other way round by at least ORDER_SHARE."""
    found = []
    for step, following in zip(version.steps, version.steps[1:], strict=False):
        if not _enough(step.with_next, k) or not step.next_first:
            continue
        share = step.next_first / step.with_next  # type: ignore[operator]  # checked above
        if share >= ORDER_SHARE:
            found.append(
                Suggestion(
                    Kind.ORDER,
                    version.number,
                    _ref(step),
                    Change.MOVE_AFTER,
                    share,
                    {"with_next": step.with_next or 0, "next_first": step.next_first},
                    _ref(following),
                )
            )
    return found


RULES = (stall, skip, leave, order)


def suggest(
    version: VersionFunnel, *, decided: Collection[str] = (), k: int | None = None
) -> list[Suggestion]:
    """Every rule's suggestions for a version, strongest first, without those already
    accepted or dismissed for it (`decided`: their keys)."""
    if not version.shown:
        return []
    size = min_group_size() if k is None else k
    found = [s for rule in RULES for s in rule(version, size) if s.key not in decided]
    return sorted(found, key=lambda s: (-s.share, s.step.number, s.kind))
