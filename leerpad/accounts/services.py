"""Writes to people and the organisation: each function is one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from leerpad.accounts.models import Language, Person
from leerpad.core.access import Role, forget_roles
from leerpad.core.logging import get_logger

log = get_logger(__name__)


@transaction.atomic
def set_roles(person: Person, roles: Iterable[Role], *, by: Person | None = None) -> None:
    """Give a person exactly these Leerpad roles (learner is implicit for everyone)."""
    wanted = {role.value for role in roles if role is not Role.LEARNER}
    role_names = {role.value for role in Role}
    current = set(person.groups.filter(name__in=role_names).values_list("name", flat=True))
    if wanted == current:
        return
    person.groups.remove(*Group.objects.filter(name__in=current - wanted))
    person.groups.add(*Group.objects.filter(name__in=wanted - current))
    forget_roles(person)
    log.info(
        "person.roles_changed",
        person_id=person.pk,
        added=sorted(wanted - current),
        removed=sorted(current - wanted),
        by=by.pk if by else None,
    )


@transaction.atomic
def set_language(person: Person, language: str) -> None:
    if language not in Language.values:
        raise ValueError(language)
    if person.language != language:
        person.language = language
        person.save(update_fields=["language"])


@transaction.atomic
def create_admin(email: str, password: str, first_name: str, last_name: str = "") -> Person:
    """An administrator account (used by `leerpad createadmin`)."""
    person = Person.objects.create_user(
        email,
        password,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
        is_superuser=True,
    )
    set_roles(person, [Role.ADMIN])
    return person
