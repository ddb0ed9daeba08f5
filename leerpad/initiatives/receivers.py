"""What the initiatives app contributes elsewhere: its tile on the workspace hub."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.core.access import Capability, can
from leerpad.core.panels import Panel
from leerpad.core.signals import workspace_tiles

TILE_ORDER = 20


@receiver(workspace_tiles, dispatch_uid="initiatives.workspace_tile")
def tile(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.initiatives import queries
    from leerpad.initiatives.models import Initiative

    if not can(request.user, Capability.USE_WORKSPACE):
        return []
    context = {
        "running": Initiative.objects.filter(status=Initiative.Status.RUNNING).count(),
        "open": queries.open_consultations(),
        "year": queries.this_year(),
    }
    return [Panel(TILE_ORDER, "initiatives/panels/tile.html", context)]
