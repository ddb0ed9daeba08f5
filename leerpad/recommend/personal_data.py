"""A person's "not for me" choices for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data
from leerpad.recommend.models import Dismissal


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, list[dict[str, Any]]]:
    return "not_for_me", [
        {
            "item": d.item_id,
            "path": d.path.key if d.path is not None else None,
            "reason": d.reason,
            "at": iso(d.created_at),
        }
        for d in Dismissal.objects.filter(person=person).select_related("path")
    ]


# Connected on import, like the export receiver's module (see paths/personal_data.py).
@receiver(erase_personal_data, dispatch_uid="recommend.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    dismissals = Dismissal.objects.filter(person=person)
    counts = {"dismissals": dismissals.count()}
    if not dry_run:
        dismissals.delete()
    return "not_for_me", counts
