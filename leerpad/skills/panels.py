"""The skills panel on the Learn home: the top gaps for the person's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from leerpad.core.panels import Panel
from leerpad.skills import queries

HOME_ORDER = 40
HOME_GAPS = 3


def home_panel(sender: Any, request: HttpRequest, **kwargs: Any) -> list[Panel]:
    """ "Skills to grow for your role", only when the person's role has a profile."""
    person = request.user
    if not person.is_authenticated:
        return []
    from leerpad.accounts.models import Person

    if not isinstance(person, Person) or not queries.role_has_profile(person):
        return []
    rows = queries.gap_plan(person, limit=HOME_GAPS)
    context = {"rows": rows, "job_role": person.job_role}
    return [Panel(HOME_ORDER, "skills/_home_panel.html", context)]
