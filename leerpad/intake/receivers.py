"""How intake hooks into the rest of Leerpad: the workspace tile, the Learn home's
"ask the LD&M team" panel and the scheduler's tick that brings parked requests back."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.core.access import Capability, can
from leerpad.core.panels import Panel
from leerpad.core.signals import home_panels, periodic, workspace_tiles

TILE_ORDER = 10
PANEL_ORDER = 90


@receiver(workspace_tiles, dispatch_uid="intake.workspace_tile")
def tile(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    if not can(request.user, Capability.USE_WORKSPACE):
        return []
    from leerpad.intake import queries

    return [Panel(TILE_ORDER, "intake/tile.html", {"counts": queries.tile_counts()})]


@receiver(home_panels, dispatch_uid="intake.home_panel")
def home(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    if not request.user.is_authenticated:
        return []
    from leerpad.intake.models import DECIDED, Request

    mine = Request.objects.filter(requester_id=request.user.pk)
    context = {"open": mine.exclude(status__in=DECIDED).count(), "any": mine.exists()}
    return [Panel(PANEL_ORDER, "intake/panels/ask.html", context)]


@receiver(periodic, dispatch_uid="intake.revisits")
def queue_revisits(sender: Any, **_: Any) -> None:
    from leerpad.intake.tasks import bring_back_parked

    bring_back_parked.enqueue()
