"""A person's "not for me" choices for their GDPR export (`privacy.signals.personal_data`)."""

from __future__ import annotations

from typing import Any

from leerpad.accounts.models import Person
from leerpad.privacy.export import iso
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
