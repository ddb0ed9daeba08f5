"""The links in a message: the tracked link (/campaigns/go/<token>/) and the one-click
unsubscribe (/campaigns/unsubscribe/<token>/). Both tokens are signed
(`django.core.signing`), so nobody can make one for another delivery or person; they do
not expire, as a message may be read weeks later."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from leerpad.core.links import absolute_url

GO_SALT = "leerpad.campaigns.go"
UNSUBSCRIBE_SALT = "leerpad.campaigns.unsubscribe"


def go_token(delivery_id: int) -> str:
    return signing.dumps(delivery_id, salt=GO_SALT, compress=True)


def delivery_of(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=GO_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def go_url(delivery_id: int) -> str:
    return absolute_url(reverse("campaigns:go", args=[go_token(delivery_id)]))


def unsubscribe_token(preference_token: str, channel: str) -> str:
    return signing.dumps([preference_token, channel], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_of(token: str) -> tuple[str, str] | None:
    """(the preference's own token, the channel) a link stands for; None when forged."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0], value[1]
    return None


def unsubscribe_url(preference_token: str, channel: str) -> str:
    token = unsubscribe_token(preference_token, channel)
    return absolute_url(reverse("campaigns:unsubscribe", args=[token]))
