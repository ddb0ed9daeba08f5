"""Reads for campaigns: segments and who is in them, with the privacy rule in one place.

What a marketer may see of a segment's members (docs/campaigns.md, "Privacy"):

- attribute segments (only directory facts: job role, location, team, language, manager,
  start date): the exact count and up to PREVIEW_SIZE names. People who get a nudge need
  no secret kept about their job role, and the marketer must see who a message reaches.
- learning segments (any skill or behaviour rule, negated or not): the count when it is
  at least k (`leerpad.core.guard.min_group_size`), otherwise "fewer than k", and never
  names: "who failed quiz X" or "who has been inactive for 30 days" is a judgement about a
  person that a marketer has no need to read name by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from leerpad.accounts.models import Person
from leerpad.campaigns import rules as segment_rules
from leerpad.campaigns.models import Segment
from leerpad.core.guard import min_group_size

PREVIEW_SIZE = 20


@dataclass(frozen=True)
class Audience:
    """What may be shown of a segment's members now."""

    kind: segment_rules.Kind
    count: int | None  # None: fewer than k (learning segments only)
    k: int
    preview: list[Person] = field(default_factory=list)  # attribute segments only

    @property
    def below_k(self) -> bool:
        return self.count is None

    @property
    def shows_names(self) -> bool:
        return self.kind == "attribute"


def segments() -> QuerySet[Segment]:
    return Segment.objects.select_related("created_by").order_by("name", "id")


def ruleset_of(segment: Segment) -> segment_rules.RuleSet | None:
    """The segment's stored rules; None if they no longer validate (a rule type removed)."""
    try:
        return segment_rules.parse(segment.rules, check_references=False)
    except segment_rules.RulesError:
        return None


def members(segment: Segment) -> QuerySet[Person]:
    """The segment's people now (for sending; not for showing: see `audience`)."""
    ruleset = ruleset_of(segment)
    if ruleset is None:
        return Person.objects.none()
    return segment_rules.members(ruleset)


def audience(ruleset: segment_rules.RuleSet, *, preview: bool = True) -> Audience:
    """The count (and, for attribute segments, a preview of names) under the privacy rule."""
    k = min_group_size()
    people = segment_rules.members(ruleset)
    count = people.count()
    if ruleset.kind == "learning":
        return Audience(kind="learning", count=count if count >= k else None, k=k)
    names: list[Person] = []
    if preview:
        names = list(people.select_related("location", "job_role")[:PREVIEW_SIZE])
    return Audience(kind="attribute", count=count, k=k, preview=names)


def audience_of(segment: Segment, *, preview: bool = False) -> Audience | None:
    ruleset = ruleset_of(segment)
    return audience(ruleset, preview=preview) if ruleset is not None else None


def describe(segment: Segment) -> list[str]:
    ruleset = ruleset_of(segment)
    return ruleset.describe() if ruleset is not None else []


def rules_json(segment: Segment) -> dict[str, Any]:
    return dict(segment.rules)
