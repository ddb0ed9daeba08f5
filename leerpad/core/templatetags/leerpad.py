from django import template

from leerpad.core.access import Role

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    """The translated label of a role code (a group name); other group names as they are."""
    try:
        return Role(code).label
    except ValueError:
        return code
