"""Who calls the JSON API, for every app's router: one place, like `core.access` for pages.

A call is authenticated by a personal API token (ninja sets `request.auth` to its person)
or by the browser session (`request.user`).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can


def person_of(request: HttpRequest) -> Person:
    """Who calls: the token's person, or the browser session's."""
    auth = getattr(request, "auth", None)
    person = auth if isinstance(auth, Person) else request.user
    return person  # type: ignore[return-value]


def api_caller(
    request: HttpRequest,
    capability: Capability = Capability.LEARN,
    message: str = "You may not do this.",
) -> Person:
    """The caller, who must hold `capability`; otherwise a 403 with `message`."""
    person = person_of(request)
    if not can(person, capability):
        raise HttpError(403, message)
    return person
