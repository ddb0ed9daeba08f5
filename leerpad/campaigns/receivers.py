"""What starts campaign work: the scheduler's tick (plans and sends through the outbox);
and the Learn home's panels (notifications and banners)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.core.logging import get_logger
from leerpad.core.panels import Panel
from leerpad.core.signals import home_panels, periodic

log = get_logger(__name__)


@receiver(periodic, dispatch_uid="campaigns.outbox")
def queue_outbox(sender: Any, **_: Any) -> None:
    from leerpad.campaigns.tasks import run_campaigns

    run_campaigns.enqueue()


@receiver(periodic, dispatch_uid="campaigns.bandits")
def queue_bandits(sender: Any, **_: Any) -> None:
    """Bandit experiments reweigh their variants once a day (`run_bandits` does nothing
    after the day's first run, so every tick may queue it)."""
    from leerpad.campaigns.bandit_runs import run_bandits

    run_bandits.enqueue()


@receiver(periodic, dispatch_uid="campaigns.experiment_looks")
def queue_looks(sender: Any, **_: Any) -> None:
    """Sequential experiments store one look a day, the state the next look starts from
    (`record_looks` does nothing after the day's first run)."""
    from leerpad.campaigns.looks import record_looks

    record_looks.enqueue()


@receiver(home_panels, dispatch_uid="campaigns.home_panels")
def home(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.campaigns.panels import panels_for

    return panels_for(request)
