"""A person's campaign data for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`): the messages planned or sent to
them (what they said, when, whether the link was followed, and the location and job role
they had when it was planned), their notifications and their message preferences.
Segments and campaigns themselves hold no personal data."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Delivery, Notification, Preference
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    pref = Preference.objects.filter(person=person).first()
    deliveries = Delivery.objects.filter(person=person).select_related(
        "campaign", "location", "job_role"
    )
    return "campaigns", {
        "preferences": (
            {
                "opted_out": list(pref.opted_out),
                "quiet_start": pref.quiet_start.isoformat() if pref.quiet_start else None,
                "quiet_end": pref.quiet_end.isoformat() if pref.quiet_end else None,
                "time_zone": pref.time_zone,
            }
            if pref
            else None
        ),
        "messages": [
            {
                "campaign": d.campaign.name,
                "channel": d.channel,
                "status": d.status,
                "reason": d.reason,
                "planned_for": iso(d.scheduled_for),
                "sent_at": iso(d.sent_at),
                "link_followed_at": iso(d.clicked_at),
                # Kept with the message for the report "what works for whom".
                "location_when_planned": d.location.name if d.location else None,
                "job_role_when_planned": d.job_role.name if d.job_role else None,
                "content": {k: v for k, v in d.payload.items() if k not in ("link", "unsubscribe")},
            }
            for d in deliveries.order_by("scheduled_for", "pk")
        ],
        "notifications": [
            {"title": n.title, "text": n.body, "at": iso(n.created_at), "read_at": iso(n.read_at)}
            for n in Notification.objects.filter(person=person)
        ],
    }


# Connected on import (apps.ready imports this module for the export).
@receiver(erase_personal_data, dispatch_uid="campaigns.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    """Delete the messages planned or sent to the person, their notifications and their
    preferences (the tracked-link statements go with their other statements)."""
    deliveries = Delivery.objects.filter(person=person)
    notifications = Notification.objects.filter(person=person)
    preferences = Preference.objects.filter(person=person)
    counts = {
        "messages": deliveries.count(),
        "notifications": notifications.count(),
        "preferences": preferences.count(),
    }
    if not dry_run:
        notifications.delete()
        deliveries.delete()
        preferences.delete()
    return "campaigns", counts
