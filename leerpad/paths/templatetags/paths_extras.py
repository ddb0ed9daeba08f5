"""`{% continue_learning %}`: the person's active paths with their next step and time left,
for any page that wants a "continue where you left off" strip (the home has its own panel).

    {% load paths_extras %}{% continue_learning limit=3 %}
"""

from __future__ import annotations

from typing import Any

from django import template

from leerpad.core.access import Capability, can
from leerpad.paths import queries

register = template.Library()


@register.inclusion_tag("paths/_continue.html", takes_context=True)
def continue_learning(context: template.Context, limit: int = 3) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can(user, Capability.LEARN):
        return {"rows": []}
    return {"rows": queries.continue_rows(user.pk, limit)}
