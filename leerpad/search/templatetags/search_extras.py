from django import template

register = template.Library()


@register.filter
def time_code(seconds: int | str) -> str:
    """3:07 for 187 seconds; 1:02:03 from an hour on (as video players show time)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
