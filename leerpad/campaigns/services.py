"""Writes for campaigns: segments. Each function is one transaction; rules are validated
here (through `rules.parse`), so the pages and the API store only what evaluates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from leerpad.accounts.models import Person
from leerpad.campaigns import rules as segment_rules
from leerpad.campaigns.models import Segment


class SegmentError(ValueError):
    """A segment could not be saved; `messages` lists why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _clean(name: str, description: str, rules: Any) -> tuple[str, str, dict[str, Any]]:
    problems: list[str] = []
    name = name.strip()
    if not name:
        problems.append(gettext("A segment needs a name."))
    elif len(name) > 120:
        problems.append(gettext("The name is longer than 120 characters."))
    if len(description) > 1000:
        problems.append(gettext("The description is longer than 1000 characters."))
    try:
        ruleset = segment_rules.parse(rules)
    except segment_rules.RulesError as exc:
        problems += exc.messages
        ruleset = None
    if problems or ruleset is None:
        raise SegmentError(problems)
    return name, description.strip(), ruleset.as_json()


@transaction.atomic
def create_segment(name: str, description: str, rules: Any, *, by: Person | None) -> Segment:
    name, description, data = _clean(name, description, rules)
    return Segment.objects.create(name=name, description=description, rules=data, created_by=by)


@transaction.atomic
def update_segment(segment: Segment, name: str, description: str, rules: Any) -> Segment:
    name, description, data = _clean(name, description, rules)
    segment.name, segment.description, segment.rules = name, description, data
    segment.updated_at = timezone.now()
    segment.save(update_fields=["name", "description", "rules", "updated_at"])
    return segment


@transaction.atomic
def duplicate_segment(segment: Segment, *, by: Person | None) -> Segment:
    """A copy to change without touching the original (rules are copied as they are)."""
    name = gettext("Copy of %(name)s") % {"name": segment.name}
    return Segment.objects.create(
        name=name[:120], description=segment.description, rules=segment.rules, created_by=by
    )


@transaction.atomic
def delete_segment(segment: Segment) -> None:
    segment.delete()
