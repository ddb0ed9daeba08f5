"""Searches as xAPI statements, and what L&D learns from them.

A search is recorded once people settle on a query (see `views.results`), with the query,
the filters and the number of results; a click on a result is recorded by the item page
(verb "selected", with the query and the rank). The insights page reads both back from
the learning record, and shows a query only when at least LEERPAD_MIN_GROUP_SIZE
different people asked it, so a single person's search cannot be singled out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.core.links import absolute_url
from leerpad.lrs.models import Statement
from leerpad.lrs.services import record_for_person

VERB_SEARCHED = "https://w3id.org/xapi/acrossx/verbs/searched"
# The item page records the click (catalog.tracking); one set of IRIs for both.
VERB_SELECTED = catalog_tracking.SELECTED
EXT_QUERY = catalog_tracking.EXT_SEARCH_QUERY
EXT_RANK = catalog_tracking.EXT_SEARCH_RANK
EXT_RESULTS = catalog_tracking.EXT + "search-results"
EXT_FILTERS = catalog_tracking.EXT + "search-filters"
ACTIVITY_TYPE = "http://id.tincanapi.com/activitytype/search-engine"


def search_activity() -> dict[str, object]:
    return {
        "objectType": "Activity",
        "id": absolute_url("/search/"),
        "definition": {
            "type": ACTIVITY_TYPE,
            "name": {"nl": "Zoeken in Leerpad", "fr": "Recherche Leerpad", "en": "Leerpad search"},
        },
    }


def record_search(person: Person, query: str, total: int, filters: dict[str, list[str]]) -> str:
    return record_for_person(
        person,
        VERB_SEARCHED,
        {"en": "searched", "nl": "zocht", "fr": "a cherché"},
        search_activity(),
        result={"extensions": {EXT_QUERY: query, EXT_RESULTS: total}},
        context={"extensions": {EXT_FILTERS: {k: v for k, v in filters.items() if v}}},
    )


@dataclass
class QueryStats:
    query: str
    searches: int = 0
    people: set[str] = field(default_factory=set)
    results: int = 0  # results of the latest search
    clicks: int = 0
    clickers: set[str] = field(default_factory=set)

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0


@dataclass
class Insights:
    since: dt.datetime
    top: list[QueryStats]
    zero: list[QueryStats]
    searches: int
    hidden: int  # queries left out: fewer than the minimum group of people asked them
    min_group: int


def _normal(query: object) -> str:
    return " ".join(str(query).lower().split())


def insights(days: int = 30, limit: int = 25) -> Insights:
    since = timezone.now() - dt.timedelta(days=days)
    stats: dict[str, QueryStats] = {}
    # When it happened (timestamp), not when it reached the LRS (stored): statements sent
    # later by an offline tool, or a history loaded at once, belong to their own day.
    rows = (
        Statement.objects.filter(timestamp__gte=since, verb_iri__in=[VERB_SEARCHED, VERB_SELECTED])
        .order_by("timestamp")
        .values_list("verb_iri", "actor_ifi", "payload")
    )
    searches = 0
    for verb, actor, payload in rows.iterator(chunk_size=2000):
        if verb == VERB_SEARCHED:
            extensions = (payload.get("result") or {}).get("extensions") or {}
            query = _normal(extensions.get(EXT_QUERY, ""))
            if not query:
                continue
            searches += 1
            s = stats.setdefault(query, QueryStats(query))
            s.searches += 1
            s.people.add(actor)
            s.results = int(extensions.get(EXT_RESULTS, 0) or 0)
        else:
            extensions = (payload.get("context") or {}).get("extensions") or {}
            query = _normal(extensions.get(EXT_QUERY, ""))
            if query:
                s = stats.setdefault(query, QueryStats(query))
                s.clicks += 1
                s.clickers.add(actor)
    k = settings.LEERPAD_MIN_GROUP_SIZE
    shown = [s for s in stats.values() if s.searches and len(s.people) >= k]
    hidden = sum(1 for s in stats.values() if s.searches and len(s.people) < k)
    by_count = sorted(shown, key=lambda s: (-s.searches, s.query))
    zero = [s for s in by_count if s.results == 0]
    return Insights(
        since=since,
        top=by_count[:limit],
        zero=zero[:limit],
        searches=searches,
        hidden=hidden,
        min_group=k,
    )
