"""How long an asset may be used, and for what: pure functions over dates, so the rule is
tested without a database.

- An asset is usable until the earliest of its rights' end and the end of every counting
  consent (the last day is included).
- Per person only their latest consent counts (by the day it was given): a renewal is a new
  record, the old one stays as proof but no longer limits the asset.
- A withdrawn consent ends the use the day before it was withdrawn: not usable now.
- When a consent cannot be verified any more (the person was erased), the asset stops the
  day before that happened.
- For a use (learning, marketing, external), the rights must allow it and every counting
  consent must include it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

WARN_DAYS = 30


class Reason(enum.StrEnum):
    NONE = ""
    RIGHTS = "rights"
    CONSENT = "consent"
    WITHDRAWN = "withdrawn"
    UNVERIFIABLE = "unverifiable"


class State(enum.StrEnum):
    OK = "ok"
    ENDING = "ending"  # usable now, ends within WARN_DAYS
    ENDED = "ended"


@dataclass(frozen=True)
class ConsentTerm:
    subject: str
    given_on: dt.date
    valid_until: dt.date
    withdrawn_on: dt.date | None = None
    scopes: frozenset[str] = frozenset()
    order: int = 0  # ties on given_on: the later record (higher id) counts


@dataclass(frozen=True)
class Usability:
    until: dt.date | None  # last usable day; None: no end
    reason: Reason
    state: State
    days_left: int | None

    @property
    def usable_now(self) -> bool:
        return self.state != State.ENDED


def counting(consents: Iterable[ConsentTerm]) -> list[ConsentTerm]:
    """Each subject's latest consent."""
    latest: dict[str, ConsentTerm] = {}
    for c in consents:
        seen = latest.get(c.subject)
        if seen is None or (c.given_on, c.order) > (seen.given_on, seen.order):
            latest[c.subject] = c
    return list(latest.values())


def usability(
    rights_until: dt.date | None,
    consents: Iterable[ConsentTerm],
    today: dt.date,
    unverifiable_on: dt.date | None = None,
) -> Usability:
    ends: list[tuple[dt.date, Reason]] = []
    if rights_until is not None:
        ends.append((rights_until, Reason.RIGHTS))
    for c in counting(consents):
        if c.withdrawn_on is not None:
            ends.append(
                (min(c.withdrawn_on - dt.timedelta(days=1), c.valid_until), Reason.WITHDRAWN)
            )
        else:
            ends.append((c.valid_until, Reason.CONSENT))
    if unverifiable_on is not None:
        ends.append((unverifiable_on - dt.timedelta(days=1), Reason.UNVERIFIABLE))
    if not ends:
        return Usability(None, Reason.NONE, State.OK, None)
    # The earliest end; on a tie the stronger reason (withdrawn, unverifiable) is named.
    rank = [Reason.WITHDRAWN, Reason.UNVERIFIABLE, Reason.CONSENT, Reason.RIGHTS]
    until, reason = min(ends, key=lambda e: (e[0], rank.index(e[1])))
    days_left = (until - today).days
    if days_left < 0:
        state = State.ENDED
    elif days_left <= WARN_DAYS:
        state = State.ENDING
    else:
        state = State.OK
    return Usability(until, reason, state, days_left)


def allows(
    use: str,
    allowed_uses: Iterable[str],
    consents: Iterable[ConsentTerm],
) -> tuple[bool, bool]:
    """(rights allow `use`, every counting consent includes it)."""
    by_rights = use in set(allowed_uses)
    by_consent = all(use in c.scopes for c in counting(consents))
    return by_rights, by_consent
