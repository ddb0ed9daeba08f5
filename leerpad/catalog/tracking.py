"""What people do with catalogue items, recorded as xAPI statements in Leerpad's own LRS.

Every item is one Activity whose id is its page (SITE_URL + /catalogue/<id>/), with a
type by kind and a name in each language it has. The verbs are public ones; docs/catalog.md
lists them. Taking back "useful" voids the "liked" statement: xAPI's own way to say that
a statement no longer stands (Data 2.3.2), since no public verb means "unliked".

Recording must never cost a person their page: a statement that cannot be stored is
logged, and the page goes on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem, Kind, Registration, Session
from leerpad.core import extensions as xapi
from leerpad.core.links import absolute_url
from leerpad.core.logging import get_logger

log = get_logger(__name__)

Json = dict[str, Any]

VIEWED = "http://id.tincanapi.com/verb/viewed"
PLAYED = "https://w3id.org/xapi/video/verbs/played"
DOWNLOADED = "http://id.tincanapi.com/verb/downloaded"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
LIKED = "https://w3id.org/xapi/acrossx/verbs/liked"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
UNREGISTERED = "http://id.tincanapi.com/verb/unregistered"
SELECTED = "http://id.tincanapi.com/verb/selected"

DISPLAY: dict[str, dict[str, str]] = {
    VIEWED: {"en": "viewed", "nl": "bekeek", "fr": "a consulté"},
    PLAYED: {"en": "played", "nl": "speelde af", "fr": "a lu"},
    DOWNLOADED: {"en": "downloaded", "nl": "downloadde", "fr": "a téléchargé"},
    LAUNCHED: {"en": "launched", "nl": "opende", "fr": "a lancé"},
    LIKED: {"en": "liked", "nl": "vond nuttig", "fr": "a trouvé utile"},
    VOIDED: {"en": "voided", "nl": "trok in", "fr": "a annulé"},
    REGISTERED: {"en": "registered", "nl": "schreef zich in", "fr": "s'est inscrit"},
    UNREGISTERED: {"en": "unregistered", "nl": "schreef zich uit", "fr": "s'est désinscrit"},
    SELECTED: {"en": "selected", "nl": "koos", "fr": "a choisi"},
}

ACTIVITY_TYPES: dict[str, str] = {
    Kind.VIDEO: "https://w3id.org/xapi/video/activity-type/video",
    Kind.AUDIO: "https://w3id.org/xapi/audio/activity-type/audio",
    Kind.DOCUMENT: "http://id.tincanapi.com/activitytype/document",
    Kind.LINK: "http://adlnet.gov/expapi/activities/link",
    Kind.ARTICLE: "http://activitystrea.ms/schema/1.0/article",
    Kind.SESSION: "http://adlnet.gov/expapi/activities/meeting",
    Kind.PACKAGE: "http://adlnet.gov/expapi/activities/course",
}

EXT = "https://leerpad.org/xapi/extensions/"
EXT_SEARCH_QUERY = EXT + "search-query"
EXT_SEARCH_RANK = EXT + "search-rank"
EXT_SESSION = EXT + "session"
EXT_REGISTRATION_STATE = EXT + "registration-state"
# The xAPI Video Profile's extensions (also used for audio).
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"


def activity_id(item: ContentItem) -> str:
    return absolute_url(item.get_absolute_url())


def activity(item: ContentItem) -> Json:
    """The item as an xAPI Activity, named in every language it has."""
    translations = list(item.translations.all())
    name = {t.language: t.title for t in translations} or {"en": item.title()}
    definition: Json = {"type": ACTIVITY_TYPES[item.kind], "name": name}
    description = {t.language: t.summary[:1000] for t in translations if t.summary}
    if description:
        definition["description"] = description
    return {"objectType": "Activity", "id": activity_id(item), "definition": definition}


def _record(
    person: Person,
    verb: str,
    obj: Json,
    *,
    result: Json | None = None,
    context: Json | None = None,
) -> str | None:
    from leerpad.lrs.services import record_for_person

    try:
        return record_for_person(person, verb, DISPLAY[verb], obj, result=result, context=context)
    except Exception:
        # A lost statement is a gap in the record; a failed page is a person who cannot learn.
        log.exception("catalog.tracking_failed", verb=verb, person_id=person.pk)
        return None


def _context(language: str = "", extensions: Mapping[str, Any] | None = None) -> Json | None:
    context: Json = {}
    if language:
        context["language"] = language
    if extensions:
        context["extensions"] = dict(extensions)
    return context or None


# A campaign or variant key as a tracked link carries it: short, lower-case, URL-safe.
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")


@dataclass(frozen=True)
class Arrival:
    """How a person came to a page: a channel of `core.extensions.ARRIVALS`, and for a
    campaign link the campaign and variant keys it carried."""

    channel: str = "direct"
    campaign: str = ""
    variant: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Arrival:
        """The arrival a page's query string tells: `from_search` (the search results'
        links) means "search"; else `via`, when it is a known channel; anything else,
        or nothing, is a direct link (typed, bookmarked, shared, from outside Leerpad).

        Query strings are anyone's to write, so only known channels and slug-shaped keys
        reach the record; a campaign link with a malformed key still counts as a campaign
        arrival, without the key.
        """
        if params.get("from_search") is not None:
            return cls("search")
        channel = params.get("via", "")
        if channel not in xapi.ARRIVALS:
            return cls()
        if channel != "campaign":
            return cls(channel)
        return cls(channel, _slug(params.get("campaign")), _slug(params.get("variant")))

    def extensions(self) -> Json:
        found: Json = {xapi.ARRIVAL: self.channel}
        if self.campaign:
            found[xapi.CAMPAIGN] = self.campaign
        if self.variant:
            found[xapi.VARIANT] = self.variant
        return found


def _slug(value: str | None) -> str:
    return value if value is not None and _SLUG.fullmatch(value) else ""


def viewed(
    person: Person, item: ContentItem, *, language: str = "", arrival: Arrival | None = None
) -> str | None:
    """The item's page was opened; `arrival` says how (see `Arrival`)."""
    extensions = arrival.extensions() if arrival is not None else None
    return _record(person, VIEWED, activity(item), context=_context(language, extensions))


def selected_from_search(
    person: Person, item: ContentItem, *, query: str, rank: int | None
) -> str | None:
    """A click on a search result: the query and the result's rank, for search insights."""
    extensions: Json = {EXT_SEARCH_QUERY: query[:500]}
    if rank is not None:
        extensions[EXT_SEARCH_RANK] = rank
    return _record(person, SELECTED, activity(item), context=_context(extensions=extensions))


def played(
    person: Person, item: ContentItem, *, at_seconds: float, length_seconds: float | None
) -> str | None:
    """The first play of a video or audio on a page, at the moment it started from."""
    result = {"extensions": {VIDEO_TIME: round(at_seconds, 3)}}
    extensions = {VIDEO_LENGTH: round(length_seconds, 3)} if length_seconds else None
    return _record(
        person, PLAYED, activity(item), result=result, context=_context(extensions=extensions)
    )


def downloaded(person: Person, item: ContentItem) -> str | None:
    return _record(person, DOWNLOADED, activity(item))


def launched(person: Person, item: ContentItem) -> str | None:
    """Opening an item outside Leerpad's page: a web link, an external video, a package."""
    return _record(person, LAUNCHED, activity(item))


def liked(person: Person, item: ContentItem) -> str | None:
    return _record(person, LIKED, activity(item))


def unliked(person: Person, item: ContentItem) -> str | None:
    """Void the person's latest "liked" statement about the item (if it was recorded)."""
    from leerpad.lrs.agents import agent_for_person
    from leerpad.lrs.backends.base import StatementQuery
    from leerpad.lrs.services import find_statements
    from leerpad.lrs.xapi.agent import agent_ifi

    try:
        found = find_statements(
            StatementQuery(
                agent_ifi=agent_ifi(agent_for_person(person)),
                verb_iri=LIKED,
                activity_iri=activity_id(item),
                limit=1,
            ),
            fmt="ids",
            page_size=1,
        )
    except Exception:
        log.exception("catalog.tracking_failed", verb=VOIDED, person_id=person.pk)
        return None
    if not found.statements:
        return None
    target = {"objectType": "StatementRef", "id": str(found.statements[0]["id"])}
    return _record(person, VOIDED, target)


def _session(session: Session) -> Json:
    return {
        "id": session.pk,
        "starts_at": session.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": session.ends_at.astimezone(dt.UTC).isoformat(),
        "location": session.location.name if session.location else None,
    }


def registered(person: Person, registration: Registration) -> str | None:
    """A registration for one date; the result says whether a seat or the waiting list."""
    session = registration.session
    return _record(
        person,
        REGISTERED,
        activity(session.item),
        result={"extensions": {EXT_REGISTRATION_STATE: registration.state}},
        context=_context(extensions={EXT_SESSION: _session(session)}),
    )


def unregistered(person: Person, session: Session) -> str | None:
    return _record(
        person,
        UNREGISTERED,
        activity(session.item),
        context=_context(extensions={EXT_SESSION: _session(session)}),
    )
