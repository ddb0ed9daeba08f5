from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from leerpad.core.access import Role, roles_of
from leerpad.core.navigation import active_section, sections_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs on every page: navigation, roles and languages."""
    # Error pages for requests refused before authentication (a bad Host) have no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "active_section": "", "my_roles": []}
    return {
        "nav_sections": sections_for(request),
        "active_section": active_section(request),
        "my_roles": [role for role in Role if role in roles_of(request.user)],
        "min_group_size": settings.LEERPAD_MIN_GROUP_SIZE,
    }
