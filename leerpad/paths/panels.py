"""The paths app's panels on the Learn home (see `core.signals.home_panels`):
continue where you left off (10), invitations (15), due soon (20), and for coaches the
sign-offs waiting for them (25). A panel with nothing to show is left out."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from leerpad.catalog.models import ContentItem
from leerpad.core.access import Capability, can
from leerpad.core.panels import Panel
from leerpad.paths import queries
from leerpad.paths.models import Enrolment, Step

CONTINUE_ROWS = 3


def panels_for(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or not can(user, Capability.LEARN):
        return []
    person_id = user.pk
    panels: list[Panel] = []
    rows = queries.continue_rows(person_id, CONTINUE_ROWS)
    if rows:
        panels.append(Panel(10, "paths/panels/continue.html", {"rows": rows}))
    invitations = queries.open_invitations(person_id)
    if invitations:
        panels.append(Panel(15, "paths/panels/invitations.html", {"invitations": invitations}))
    today = timezone.localdate()
    due = queries.due_soon(person_id, today)
    if due:
        panels.append(Panel(20, "paths/panels/due_soon.html", {"rows": due, "today": today}))
    if can(user, Capability.COACH_PEOPLE):
        waiting = len(queries.signoff_requests(user))
        if waiting:
            panels.append(Panel(25, "paths/panels/signoffs.html", {"count": waiting}))
    return panels


@dataclass(frozen=True)
class ItemInPath:
    """An item the person meets as a step of a path they follow."""

    progress: queries.Progress
    step: Step
    number: int
    state: str


def item_panels_for(request: HttpRequest, item: ContentItem) -> list[Panel]:
    """On an item's page: "step 3 of your path X", with what to do next there."""
    user = request.user
    if not user.is_authenticated or not can(user, Capability.LEARN):
        return []
    enrolments = list(
        queries.enrolments_of(user.pk).filter(
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED],
            version__steps__item=item,
        )
    )
    rows: list[ItemInPath] = []
    for progress in queries.progress_of(user.pk, enrolments):
        for number, step in enumerate(progress.steps, start=1):
            if step.item_id == item.pk:
                status = progress.plan.status_of(step.pk)
                rows.append(ItemInPath(progress, step, number, status.state if status else "open"))
    if not rows:
        return []
    return [Panel(10, "paths/panels/item_in_path.html", {"rows": rows})]
