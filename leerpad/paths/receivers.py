"""Path progress follows the LRS: every committed statement batch reaches `on_statements`.
The Learn home asks every app for panels: `home` adds the paths app's."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest

from leerpad.catalog.signals import item_panels
from leerpad.core.logging import get_logger
from leerpad.core.panels import Panel
from leerpad.core.signals import home_panels, periodic
from leerpad.lrs.signals import statements_recorded

log = get_logger(__name__)


@receiver(statements_recorded, dispatch_uid="paths.on_statements")
def on_statements(sender: Any, statements: list[dict[str, Any]], **_: Any) -> None:
    from leerpad.paths import completions, services

    try:
        changed = completions.index_statements(statements)
        if changed:
            services.refresh_enrolments(changed)
    except Exception:
        # The statements are stored whatever happens here; the index can be rebuilt
        # (`leerpad paths rebuild-progress`), a lost request cannot.
        log.exception("paths.progress_update_failed", statements=len(statements))


@receiver(item_panels, dispatch_uid="paths.item_panels")
def item_in_path(sender: Any, request: HttpRequest, item: Any, **_: Any) -> list[Panel]:
    from leerpad.paths.panels import item_panels_for

    return item_panels_for(request, item)


@receiver(home_panels, dispatch_uid="paths.home_panels")
def home(sender: Any, request: HttpRequest, **_: Any) -> list[Panel]:
    from leerpad.paths.panels import panels_for

    return panels_for(request)


@receiver(periodic, dispatch_uid="paths.reminders")
def queue_reminders(sender: Any, **_: Any) -> None:
    """Every scheduler tick: queue the reminder run (it sends only what is due)."""
    from leerpad.paths.tasks import send_due_reminders

    send_due_reminders.enqueue()
