"""The recommendations' panels on the Learn home (see `core.signals.home_panels`).

Recommended for you (order 30), New for your role or location (35) and Popular with
colleagues (45, only when some count reaches k). Continue, invitations, due soon and
skills come from the paths and skills apps.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from leerpad.core.access import Capability, can
from leerpad.core.logging import get_logger
from leerpad.core.panels import Panel
from leerpad.recommend import queries
from leerpad.recommend.models import Dismissal

log = get_logger(__name__)


def home_panels(sender: Any, request: HttpRequest, **kwargs: Any) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or not can(user, Capability.LEARN):
        return []
    try:
        found = queries.for_request(request)
    except Exception:  # suggestions are a help: without them the home must still open
        log.exception("recommend.panels_failed", person_id=user.pk)
        return []
    reasons = Dismissal.Reason.choices
    panels = [
        Panel(
            30,
            "recommend/panels/recommended.html",
            {
                "suggestions": found.recommended[: queries.PANEL_SIZE],
                "dismiss_reasons": reasons,
                "more": len(found.recommended) > queries.PANEL_SIZE,
            },
        )
    ]
    if found.new:
        panels.append(
            Panel(
                35,
                "recommend/panels/new.html",
                {"suggestions": found.new, "dismiss_reasons": reasons},
            )
        )
    if found.popular:
        panels.append(
            Panel(
                45,
                "recommend/panels/popular.html",
                {"suggestions": found.popular, "dismiss_reasons": reasons},
            )
        )
    return panels
