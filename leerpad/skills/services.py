"""Writes of the skills app: one transaction each."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from leerpad.skills.models import Skill, SkillEvidence


@transaction.atomic
def add_evidence(
    *,
    person_id: int,
    skill: Skill,
    level: int,
    source: str,
    label: str,
    source_key: str,
    url: str = "",
    statement_id: uuid.UUID | str | None = None,
    achieved_at: dt.datetime | None = None,
) -> SkillEvidence:
    """Record (once per source) that a person showed a skill; a repeat updates the level."""
    evidence, _created = SkillEvidence.objects.update_or_create(
        person_id=person_id,
        skill=skill,
        source_key=source_key,
        defaults={
            "level": level,
            "source": source,
            "label": label[:300],
            "url": url,
            "statement_id": statement_id,
            "achieved_at": achieved_at or timezone.now(),
        },
    )
    return evidence


@transaction.atomic
def withdraw_evidence(*, person_id: int, source_key: str) -> int:
    """Remove the evidence a source gave (its statement was voided). Returns rows removed."""
    deleted, _ = SkillEvidence.objects.filter(person_id=person_id, source_key=source_key).delete()
    return deleted
