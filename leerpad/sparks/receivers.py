"""What the sparks app hooks into: the Learn home's panel, the workspace tile, and removing
a spark's files from storage when the spark is deleted."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.catalog.signals import item_panels
from leerpad.core.access import Capability, can
from leerpad.core.panels import Panel
from leerpad.core.signals import home_panels, workspace_tiles
from leerpad.sparks.models import Spark

HOME_ORDER = 85
TILE_ORDER = 40
ITEM_CREDIT_ORDER = 60


@receiver(home_panels, dispatch_uid="sparks.home_panels")
def home(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.sparks import queries

    user = request.user
    if not user.is_authenticated:
        return []
    latest = queries.latest_of(user)
    return [Panel(HOME_ORDER, "sparks/panels/home.html", {"latest": latest})]


@receiver(workspace_tiles, dispatch_uid="sparks.workspace_tile")
def tile(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.sparks import queries

    if not can(request.user, Capability.USE_WORKSPACE):
        return []
    return [Panel(TILE_ORDER, "sparks/panels/tile.html", queries.workspace_counts())]


@receiver(post_delete, sender=Spark, dispatch_uid="sparks.delete_files")
def delete_files(sender: Any, instance: Spark, **_: Any) -> None:
    from leerpad.sparks.services import delete_files_on_commit

    delete_files_on_commit(instance.media.name or "", instance.thumbnail.name or "")


@receiver(item_panels, dispatch_uid="sparks.item_credit")
def item_credit(sender: Any, request: HttpRequest, item: Any, **_: Any) -> list[Panel]:
    """On a catalogue item's page: thanks to the people whose sparks started it."""
    from leerpad.sparks import queries

    credits = queries.credits_for(item)
    if not credits:
        return []
    return [Panel(ITEM_CREDIT_ORDER, "sparks/panels/item_credit.html", {"credits": credits})]
