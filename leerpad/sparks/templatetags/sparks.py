"""`{% load sparks %}{% spark_credits item %}`: thanks to the people whose sparks started a
catalogue item or a campaign (only those who agreed to be named)."""

from __future__ import annotations

from typing import Any

from django import template

from leerpad.sparks import queries

register = template.Library()


@register.inclusion_tag("sparks/_credit.html")
def spark_credits(obj: Any) -> dict[str, Any]:
    from leerpad.campaigns.models import Campaign
    from leerpad.catalog.models import ContentItem

    if not isinstance(obj, ContentItem | Campaign):
        return {"credits": []}
    return {"credits": queries.credits_for(obj)}
