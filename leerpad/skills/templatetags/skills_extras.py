"""Template helpers of the skills pages."""

from __future__ import annotations

from typing import Any

from django import template

from leerpad.core.access import Capability, can
from leerpad.skills.models import Level

register = template.Library()


@register.filter
def level_label(value: int | None) -> str:
    """The translated name of a level (1-4); empty for none."""
    if not value:
        return ""
    try:
        return str(Level(int(value)).label)
    except ValueError:
        return ""


@register.filter
def may(user: Any, capability: str) -> bool:
    """`{% if user|may:"manage_paths" %}`: the capability check, for links and buttons."""
    try:
        return can(user, Capability(capability))
    except ValueError:
        return False


@register.filter
def may_any(user: Any, capabilities: str) -> bool:
    """`{% if user|may_any:"manage_paths,manage_people" %}`."""
    return any(may(user, code.strip()) for code in capabilities.split(","))
