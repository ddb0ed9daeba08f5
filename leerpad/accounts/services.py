"""Writes to people and the organisation: each function is one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import ApiToken, Language, Person
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


# --- API tokens -----------------------------------------------------------------------------

# Tokens start with this, so that a leaked one is easy to recognise (and to search for).
API_TOKEN_PREFIX = "lp_"  # noqa: S105 - a marker, not a secret
# How many characters of a token are kept in clear, to tell tokens apart in lists.
API_TOKEN_SHOWN = 10
MAX_ACTIVE_API_TOKENS = 20
# last_used_at is written at most this often per token, not on every API call.
_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiTokenError(ValueError):
    """A token that cannot be made, with a message for the person who asked."""


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_api_token(person: Person, name: str) -> tuple[ApiToken, str]:
    """A new token for `person`; returns it with the plain token, which is never stored."""
    name = name.strip()[:100]
    if not name:
        raise ApiTokenError(_("Give the token a name, e.g. the tool that will use it."))
    active = ApiToken.objects.filter(person=person, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_API_TOKENS:
        raise ApiTokenError(
            _("You have %(count)s active tokens; revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_API_TOKENS}
        )
    plain = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        token_hash=hash_api_token(plain),
        prefix=plain[:API_TOKEN_SHOWN],
    )
    log.info("api_token.created", person_id=person.pk, token_id=token.pk)
    return token, plain


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: Person | None = None) -> bool:
    """Revoke a token for good; returns False when it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log.info(
        "api_token.revoked",
        person_id=token.person_id,
        token_id=token.pk,
        by=by.pk if by else None,
    )
    return True


def person_for_api_token(plain: str) -> Person | None:
    """The active person a valid, unrevoked token belongs to; None for anything else."""
    if not plain.startswith(API_TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(token_hash=hash_api_token(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
