"""What hooks the asset library into the rest: the scheduler's tick (the daily check) and
its tile on the workspace hub."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.core.access import Capability, can
from leerpad.core.panels import Panel
from leerpad.core.signals import periodic, workspace_tiles

TILE_ORDER = 50


@receiver(periodic, dispatch_uid="assets.check")
def queue_check(sender: Any, **_: Any) -> None:
    from leerpad.assets.tasks import check_assets

    check_assets.enqueue()


@receiver(workspace_tiles, dispatch_uid="assets.tile")
def tile(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    if not can(request.user, Capability.USE_WORKSPACE):
        return []
    from leerpad.assets import queries

    counts = queries.tile_counts()
    context = {"counts": counts, "can_create": queries.can_create(request.user)}
    return [Panel(TILE_ORDER, "assets/_tile.html", context)]
