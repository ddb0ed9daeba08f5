"""A person's path data for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.paths.models import Certificate, Completion, Enrolment, Invitation, SignOff
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    enrolments = Enrolment.objects.filter(person=person).select_related("path", "version")
    return "learning_paths", {
        "enrolments": [
            {
                "path": e.path.key,
                "version": e.version.number,
                "status": e.status,
                "via": e.via,
                "enrolled_at": iso(e.enrolled_at),
                "last_activity_at": iso(e.last_activity_at),
                "completed_at": iso(e.completed_at),
                "reminder": e.reminder,
                "target_date": iso(e.target_date),
            }
            for e in enrolments
        ],
        "invitations": [
            {
                "path": i.path.key,
                "invited_by": str(i.invited_by),
                "reason": i.reason,
                "status": i.status,
                "at": iso(i.created_at),
            }
            for i in Invitation.objects.filter(person=person).select_related("path", "invited_by")
        ],
        "sign_offs": [
            {
                "path": s.enrolment.path.key,
                "note": s.note,
                "status": s.status,
                "coach_comment": s.coach_comment,
                "requested_at": iso(s.requested_at),
            }
            for s in SignOff.objects.filter(enrolment__person=person).select_related(
                "enrolment__path"
            )
        ],
        "certificates": [
            {
                "id": str(c.uid),
                "path": c.path_title,
                "issued_at": iso(c.issued_at),
                "revoked_at": iso(c.revoked_at),
            }
            for c in Certificate.objects.filter(enrolment__person=person)
        ],
    }


# Connected here, not in apps.py: importing this module (which `ready` does for the export)
# connects it, so the export and the erasure of one app stay side by side.
@receiver(erase_personal_data, dispatch_uid="paths.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    """Delete the person's enrolments (their sign-offs and certificates go with them), the
    invitations they received and their completions index (their statements go too)."""
    enrolments = Enrolment.objects.filter(person=person)
    invitations = Invitation.objects.filter(person=person)
    completions = Completion.objects.filter(person=person)
    counts = {
        "enrolments": enrolments.count(),
        "invitations": invitations.count(),
        "completions": completions.count(),
    }
    if not dry_run:
        enrolments.delete()
        invitations.delete()
        completions.delete()
    return "learning_paths", counts
