"""What voice hooks into: the workspace tile (order 30), the Learn home panel "Your voice"
(order 80, only while an open pulse waits for the person), the scheduler's tick (pulse
reminders and late joiners' ballots) and the GDPR export and erasure."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can
from leerpad.core.panels import Panel
from leerpad.core.signals import home_panels, periodic, workspace_tiles
from leerpad.privacy.signals import erase_personal_data


@receiver(workspace_tiles, dispatch_uid="voice.workspace_tile")
def tile(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.voice import queries
    from leerpad.voice.models import Space

    if not can(request.user, Capability.USE_WORKSPACE):
        return []
    spaces = Space.objects.all()
    context = {
        "spaces": spaces.count(),
        "open_pulses": queries.open_pulses(spaces).count(),
        "waiting": queries.waiting_questions(spaces).count(),
    }
    return [Panel(30, "voice/tile.html", context)]


@receiver(periodic, dispatch_uid="voice.pulse_upkeep")
def queue_pulse_upkeep(sender: Any, **_: Any) -> None:
    """Every scheduler tick: queue the run that reminds and adds late joiners' ballots (it
    does only what is due, so repeats are harmless)."""
    from leerpad.voice.tasks import pulse_upkeep

    pulse_upkeep.enqueue()


@receiver(home_panels, dispatch_uid="voice.home_panel")
def home(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.voice import queries

    user = request.user
    if not isinstance(user, Person):
        return []
    waiting = queries.pulses_waiting_for(user)
    if not waiting:
        return []
    return [Panel(80, "voice/panel.html", {"pulses": waiting[:3], "count": len(waiting)})]


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    """The only personal data voice keeps. Questions and pulse answers are not in it: they
    are not linked to anyone, so they cannot be found by person."""
    from leerpad.voice.models import Facilitator, Member, Space

    return "voice", {
        "facilitator_of": [
            f.space.title for f in Facilitator.objects.filter(person=person).select_related("space")
        ],
        "on_audience_lists_of": [
            m.space.title for m in Member.objects.filter(person=person).select_related("space")
        ],
        "spaces_created": list(
            Space.objects.filter(created_by=person).values_list("title", flat=True)
        ),
    }


@receiver(erase_personal_data, dispatch_uid="voice.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    from leerpad.voice.services import erase_person

    return "voice", erase_person(person, dry_run=dry_run)
