"""The campaigns app's panels on the Learn home: banners (5, on top) and the count of
unread notifications with the newest ones (12)."""

from __future__ import annotations

from django.http import HttpRequest

from leerpad.campaigns.models import Notification
from leerpad.core.panels import Panel

NEWEST = 3


def panels_for(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated:
        return []
    unread = Notification.objects.filter(person_id=user.pk, read_at__isnull=True)
    panels: list[Panel] = []
    banners = list(unread.filter(banner=True)[:2])
    if banners:
        panels.append(Panel(5, "campaigns/panels/banners.html", {"banners": banners}))
    count = unread.count()
    if count:
        newest = list(unread.filter(banner=False)[:NEWEST])
        panels.append(
            Panel(12, "campaigns/panels/notifications.html", {"count": count, "newest": newest})
        )
    return panels
