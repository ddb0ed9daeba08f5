"""Who may see and change what: the one place that decides.

Every person in Leerpad is a learner. On top of that a person holds zero or more
Leerpad roles (stored as Django groups named after the role, so an admin can change
them in the people screens and in Django's admin). A role grants capabilities; views,
templates and navigation ask for a capability, never for a role, so that moving a
right from one role to another is a one-line change here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse

    AnyUser = AbstractBaseUser | AnonymousUser


class Role(enum.StrEnum):
    """Leerpad roles. The value is the name of the Django group that carries the role."""

    LEARNER = "learner"
    COACH = "coach"
    LD_SPECIALIST = "ld_specialist"
    MARKETER = "marketer"
    LDM_MANAGER = "ldm_manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.LEARNER: _("Learner"),
    Role.COACH: _("Coach"),
    Role.LD_SPECIALIST: _("L&D specialist"),
    Role.MARKETER: _("Marketer"),
    Role.LDM_MANAGER: _("LD&M manager"),
    Role.ADMIN: _("Admin"),
}


class Capability(enum.StrEnum):
    LEARN = "learn"
    COACH_PEOPLE = "coach_people"
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_PATHS = "manage_paths"
    VIEW_ANALYTICS = "view_analytics"
    # The statement browser and the list of LRS clients (managing them is ADMINISTER).
    # Admins only: statements are individual records (privacy: aggregates for the rest).
    BROWSE_RECORDS = "browse_records"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    USE_WORKSPACE = "use_workspace"
    MANAGE_PORTFOLIO = "manage_portfolio"
    MANAGE_PEOPLE = "manage_people"
    ADMINISTER = "administer"


_LDM_TEAM = {Capability.LEARN, Capability.USE_WORKSPACE, Capability.VIEW_ANALYTICS}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.LEARNER: frozenset({Capability.LEARN}),
    Role.COACH: frozenset({Capability.LEARN, Capability.COACH_PEOPLE, Capability.USE_WORKSPACE}),
    Role.LD_SPECIALIST: frozenset(_LDM_TEAM | {Capability.MANAGE_CATALOG, Capability.MANAGE_PATHS}),
    Role.MARKETER: frozenset(_LDM_TEAM | {Capability.MANAGE_CAMPAIGNS}),
    Role.LDM_MANAGER: frozenset(
        _LDM_TEAM
        | {
            Capability.MANAGE_CATALOG,
            Capability.MANAGE_PATHS,
            Capability.MANAGE_CAMPAIGNS,
            Capability.MANAGE_PORTFOLIO,
        }
    ),
    Role.ADMIN: frozenset(Capability),
}

_CACHE_ATTR = "_leerpad_roles"


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The roles a signed-in person holds (cached on the user object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    roles = {Role.LEARNER} | {role for role in Role if role.value in names}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    result = frozenset(roles)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_roles(user: Any) -> None:
    """Drop the cached roles after they changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def capabilities_of(user: AnyUser) -> frozenset[Capability]:
    caps: set[Capability] = set()
    for role in roles_of(user):
        caps |= ROLE_CAPABILITIES[role]
    return frozenset(caps)


def can(user: AnyUser, capability: Capability) -> bool:
    return capability in capabilities_of(user)


P = ParamSpec("P")
R = TypeVar("R", bound="HttpResponse")


def require(
    capability: Capability,
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """View decorator: signed-in people with the capability pass, others get a 403.

    Anonymous visitors are sent to the login page first, so they can come back.
    """

    def decorator(view: Callable[..., R]) -> Callable[..., R]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())  # type: ignore[return-value]
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def ensure_role_groups(**_: Any) -> None:
    """Create a Django group per role (idempotent; runs after every migrate)."""
    from django.contrib.auth.models import Group

    with transaction.atomic():
        for role in Role:
            Group.objects.get_or_create(name=role.value)


def parse_roles(values: Iterable[str]) -> set[Role]:
    """Roles from their codes; raises ValueError naming the first unknown code."""
    roles = set()
    for value in values:
        code = value.strip().lower()
        if not code:
            continue
        try:
            roles.add(Role(code))
        except ValueError:
            raise ValueError(code) from None
    return roles
