"""`{% asset_warnings obj %}`: on a catalogue item's or a campaign's page, a warning box per
asset it uses whose consent or rights end within 30 days or have ended. Shown to people
with the workspace only: learners on an item's page see nothing."""

from __future__ import annotations

from typing import Any

from django import template

from leerpad.assets import queries
from leerpad.core.access import Capability, can

register = template.Library()


@register.inclusion_tag("assets/_warnings.html", takes_context=True)
def asset_warnings(context: template.Context, place: Any) -> dict[str, Any]:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or not can(user, Capability.USE_WORKSPACE):
        return {"warnings": []}
    return {"warnings": queries.warnings_for(place)}
