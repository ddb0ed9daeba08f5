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


@register.filter
def may(user: object, capability: str) -> bool:
    """Whether the user has a capability, for links to pages they may open:
    `{% if user|may:"administer" %}`. The views check again; this only hides dead links."""
    from leerpad.core.access import Capability, can

    try:
        return can(user, Capability(capability))  # type: ignore[arg-type]
    except ValueError:
        return False
