"""A person's skills data for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data
from leerpad.skills.models import (
    ConversationRequest,
    OpportunityResponse,
    SharingProfile,
    SkillClaim,
    SkillEvidence,
)


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    sharing = SharingProfile.objects.filter(person=person).first()
    conversations = ConversationRequest.objects.filter(requester=person) | (
        ConversationRequest.objects.filter(colleague=person)
    )
    return "skills", {
        "claims": [
            {"skill": c.skill.key, "my_level": c.self_level, "willing_to_share": c.willing_to_share}
            for c in SkillClaim.objects.filter(person=person).select_related("skill")
        ],
        "evidence": [
            {
                "skill": e.skill.key,
                "level": e.level,
                "source": e.source,
                "what": e.label,
                "at": iso(e.achieved_at),
            }
            for e in SkillEvidence.objects.filter(person=person).select_related("skill")
        ],
        "sharing": {"visible": sharing.visible, "note": sharing.note} if sharing else None,
        "conversations": [
            {
                "from": str(c.requester),
                "to": str(c.colleague),
                "skill": c.skill.key,
                "message": c.message,
                "answer": c.answer,
                "status": c.status,
                "at": iso(c.created_at),
            }
            for c in conversations.select_related("requester", "colleague", "skill")
        ],
        "opportunity_answers": [
            {"opportunity": r.opportunity.title, "message": r.message, "at": iso(r.created_at)}
            for r in OpportunityResponse.objects.filter(person=person).select_related("opportunity")
        ],
    }


# Connected on import, like the export receiver's module (see paths/personal_data.py).
@receiver(erase_personal_data, dispatch_uid="skills.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    """Delete the person's claims, evidence, sharing settings, conversations (asked or
    received: both sides hold their words) and answers to opportunities. Opportunities they
    posted stay: they are offers to others, and others' answers hang on them."""
    rows = {
        "claims": SkillClaim.objects.filter(person=person),
        "evidence": SkillEvidence.objects.filter(person=person),
        "sharing": SharingProfile.objects.filter(person=person),
        "conversations": ConversationRequest.objects.filter(
            Q(requester=person) | Q(colleague=person)
        ),
        "opportunity_answers": OpportunityResponse.objects.filter(person=person),
    }
    counts = {name: qs.count() for name, qs in rows.items()}
    if not dry_run:
        for qs in rows.values():
            qs.delete()
    return "skills", counts
