"""Small formatting helpers of the catalogue pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes(value: int | None) -> str:
    """A duration in minutes as people say it: "8 min", "1 h 20 min"."""
    if value is None:
        return ""
    hours, rest = divmod(int(value), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}


@register.filter
def timestamp(ms: int) -> str:
    """A moment in a recording: "1:05", or "1:02:03" past the hour."""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins}:{secs:02d}"
