"""Writes to LRS clients: create, revoke, reactivate. Each function is one transaction.

The `leerpad lrsclient` command and the records pages both come through here, so a
client made in either place follows the same rules:

- a client has a name and at least one xAPI scope (`Scope`);
- its key is random unless one is given, and can never contain ":" (HTTP Basic
  separates key and secret with it);
- its secret is 256 random bits unless one is given. `create_client` returns it once, in
  `CreatedClient.secret`; only `hash_secret(secret)` is stored, so nobody can show it
  again (a lost secret means a new client).

Revoking keeps the client and every statement it sent: its key stops working at once
(`leerpad.lrs.http.authenticate` only accepts active clients). Reactivating makes the
same key and secret work again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from leerpad.core.logging import get_logger
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client, Scope

if TYPE_CHECKING:
    from leerpad.accounts.models import Person

log = get_logger(__name__)

NAME_MAX_LENGTH = 200  # Client.name
KEY_MAX_LENGTH = 64  # Client.key
DEFAULT_SCOPES = (Scope.STATEMENTS_WRITE.value,)


class ClientError(ValueError):
    """A client cannot be created or changed this way; the message says why."""


@dataclass(frozen=True)
class CreatedClient:
    client: Client
    # The only copy of the secret there will ever be: show it, then let it go.
    secret: str


def parse_scopes(values: Iterable[str]) -> list[str]:
    """Scope codes in the order given, without repeats; unknown or no scopes are an error."""
    scopes = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown or not scopes:
        raise ClientError(
            _("Unknown scope(s): %(unknown)s. Choose from: %(known)s.")
            % {
                "unknown": ", ".join(unknown) or _("(none given)"),
                "known": ", ".join(Scope.values),
            }
        )
    return scopes


@transaction.atomic
def create_client(
    name: str,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    *,
    key: str | None = None,
    secret: str | None = None,
    by: Person | None = None,
) -> CreatedClient:
    """A new active client; the returned secret is not stored anywhere."""
    name = name.strip()
    if not name:
        raise ClientError(_("Give the client a name, for example the tool's name."))
    if len(name) > NAME_MAX_LENGTH:
        raise ClientError(
            _("A client name can have at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}
        )
    checked_scopes = parse_scopes(scopes)
    key = key or new_key()
    if ":" in key:
        raise ClientError(_("A key cannot contain ':' (HTTP Basic separates key and secret)."))
    if len(key) > KEY_MAX_LENGTH:
        raise ClientError(_("A key can have at most %(max)d characters.") % {"max": KEY_MAX_LENGTH})
    if Client.objects.filter(key=key).exists():
        raise ClientError(_("A client with key “%(key)s” exists already.") % {"key": key})
    secret = secret or secrets.token_urlsafe(32)
    client = Client.objects.create(
        name=name,
        key=key,
        secret_hash=hash_secret(secret),
        scopes=checked_scopes,
        created_by=by,
    )
    log.info(
        "lrs.client_created",
        client_id=client.pk,
        key=key,
        scopes=checked_scopes,
        by=by.pk if by else None,
    )
    return CreatedClient(client=client, secret=secret)


def _set_active(key: str, active: bool, by: Person | None) -> Client:
    client = Client.objects.select_for_update().filter(key=key, is_active=not active).first()
    if client is None:
        if active:
            message = _("No revoked LRS client with key “%(key)s”.")
        else:
            message = _("No active LRS client with key “%(key)s”.")
        raise ClientError(message % {"key": key})
    client.is_active = active
    client.save(update_fields=["is_active"])
    log.info(
        "lrs.client_reactivated" if active else "lrs.client_revoked",
        client_id=client.pk,
        key=key,
        by=by.pk if by else None,
    )
    return client


@transaction.atomic
def revoke_client(key: str, *, by: Person | None = None) -> Client:
    """Deactivate the active client with this key: its key stops working at once."""
    return _set_active(key, False, by)


@transaction.atomic
def reactivate_client(key: str, *, by: Person | None = None) -> Client:
    """Make a revoked client's key and secret work again."""
    return _set_active(key, True, by)


def new_key() -> str:
    """A random client key. Never one that starts with "-": on a command line
    (`leerpad lrsclient revoke KEY`) it would read as an option."""
    while (key := secrets.token_urlsafe(18)).startswith("-"):
        pass
    return key
