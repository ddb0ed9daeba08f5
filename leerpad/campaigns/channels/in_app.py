"""In Leerpad itself: a Notification (a banner too when the message says so). One per
delivery, so a repeated attempt finds the one it made (exactly once)."""

from __future__ import annotations

from leerpad.campaigns.models import Delivery, Notification
from leerpad.campaigns.personalise import Rendered


def send(delivery: Delivery, rendered: Rendered) -> None:
    Notification.objects.get_or_create(
        delivery=delivery,
        defaults={
            "person_id": delivery.person_id,
            "title": (rendered.hook or rendered.subject)[:300],
            "body": rendered.story,
            "link": rendered.link,
            "link_text": rendered.ask[:200],
            "banner": delivery.message.banner,
        },
    )
