"""Search gaps: what people look for in Leerpad and do not find. This tells L&D what
content is missing (or is there but cannot be found).

What the search issue records (`leerpad.search.tracking`):

- `searched`, once a person settles on a query: the query text and the number of results,
  both in `result.extensions`, extracted at sync time into the `search_query` and
  `search_results` columns;
- `selected`, when a person opens a result: the query in the context (the `search_query`
  column).

Queries are grouped by their normal form: case folded, trimmed, inner spaces collapsed
(as the search insights page does). For one person and one query:

- *answered*: they selected a result for that query at or after their first search of it
  in the period;
- otherwise *unanswered*: the search found nothing, or nothing they chose.

A query is a gap when at least half of the people who searched it were left unanswered
(`GAP_SHARE`). The list is ordered by how many people were left unanswered.

Privacy: a query's text is shown only when at least k different people searched it in the
view (a query typed by one person can be personal: a name, an illness), and only when it
differs from each wider view (fewer filters, down to everyone) by 0 or at least k people,
as `core.guard.guard_subgroup` decides for every people figure. The language shown is
the one at least k of its searchers use (their statement's language, else their Leerpad
language); with no such language it is left empty ("mixed").
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from leerpad.analytics import query
from leerpad.analytics.filters import PEOPLE_COLUMNS, Scope
from leerpad.core.guard import guard_subgroup, min_group_size
from leerpad.search.tracking import VERB_SEARCHED, VERB_SELECTED

GAP_SHARE = 0.5  # a gap: at least this share of the query's searchers chose nothing

SEARCHES = """
WITH searches AS (
    SELECT e.actor_key, e.timestamp,
           e.search_query AS query,
           e.search_results AS results,
           p.location_id, p.team_id, p.job_role_id,
           COALESCE(e.language, p.language) AS language
    FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.verb = @p(searched, text) AND e.actor_key IS NOT NULL
      AND e.timestamp >= @p(start, timestamp) AND e.timestamp < @p(end, timestamp)
)
SELECT actor_key, query, location_id, team_id, job_role_id, language,
       COUNT(*) AS searches,
       SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) AS empty,
       MIN(timestamp) AS first_at
FROM searches
WHERE query IS NOT NULL
GROUP BY actor_key, query, location_id, team_id, job_role_id, language
@settings()
"""

SELECTIONS = """
SELECT e.actor_key, e.search_query AS query, MAX(e.timestamp) AS last_at
FROM events e
WHERE e.verb = @p(selected, text) AND e.actor_key IS NOT NULL AND e.search_query IS NOT NULL
  AND e.timestamp >= @p(start, timestamp) AND e.timestamp < @p(end, timestamp)
GROUP BY e.actor_key, e.search_query
@settings()
"""


@dataclass(frozen=True)
class SearchGap:
    query: str  # the normal form (case folded, trimmed)
    people: int  # distinct people who searched it (at least k)
    unanswered: int  # of them, people who chose no result for it afterwards
    searches: int
    empty_searches: int  # searches that found nothing at all
    language: str  # the language at least k of its searchers use; "" when mixed

    @property
    def unanswered_percent(self) -> float:
        return 100 * self.unanswered / self.people


@dataclass(frozen=True)
class SearchGaps:
    gaps: list[SearchGap]
    hidden: int  # gap queries searched by too few people (or too close to a wider view)
    queries: int  # distinct queries searched by at least k people in the view


@dataclass
class _PersonQuery:
    """One person and one normalised query in the period."""

    groups: dict[str, int | None]
    languages: Counter[str] = field(default_factory=Counter)  # searches per language
    searches: int = 0
    empty: int = 0
    first_at: dt.datetime | None = None
    answered: bool = False


@dataclass
class _Query:
    people: dict[str, _PersonQuery] = field(default_factory=dict)


def _language(person: _PersonQuery) -> str:
    """The language a person searched in most (alphabetically first on a tie)."""
    return min(person.languages.items(), key=lambda item: (-item[1], item[0]))[0]


def normal(text: object) -> str:
    """The normal form a query is grouped under."""
    return " ".join(str(text).casefold().split())


def search_gaps(scope: Scope, *, limit: int = 25, dialect: str | None = None) -> SearchGaps:
    """The gap queries of the scope's people in its period, most people unanswered first."""
    params: dict[str, Any] = {"start": scope.start, "end": scope.end}
    rows = query.run(SEARCHES, {**params, "searched": VERB_SEARCHED}, dialect)
    clicks = query.run(SELECTIONS, {**params, "selected": VERB_SELECTED}, dialect)
    queries: dict[str, _Query] = {}
    for row in rows:
        text = normal(row["query"])
        if not text:
            continue
        entry = queries.setdefault(text, _Query()).people.setdefault(
            row["actor_key"],
            _PersonQuery(groups={name: row[column] for name, column in PEOPLE_COLUMNS.items()}),
        )
        if row["language"]:
            entry.languages[str(row["language"])] += int(row["searches"])
        entry.searches += int(row["searches"])
        entry.empty += int(row["empty"] or 0)
        first = row["first_at"]
        entry.first_at = first if entry.first_at is None else min(entry.first_at, first)
    for row in clicks:
        found = queries.get(normal(row["query"]))
        searcher = found.people.get(row["actor_key"]) if found else None
        if searcher and searcher.first_at is not None and row["last_at"] >= searcher.first_at:
            searcher.answered = True
    k = min_group_size()
    filters = scope.people_filters()
    # The view and every wider one (fewer of its filters, down to everyone), as Scope.allowed.
    views = [
        {name: filters[name] for name in subset}
        for size in range(len(filters), -1, -1)
        for subset in itertools.combinations(sorted(filters), size)
    ]
    gaps: list[SearchGap] = []
    hidden = shown_queries = 0
    for text, asked in queries.items():
        sizes = [sum(1 for p in asked.people.values() if _in_view(p, view)) for view in views]
        mine = [p for p in asked.people.values() if _in_view(p, views[0])]
        unanswered = sum(1 for p in mine if not p.answered)
        is_gap = bool(mine) and unanswered > 0 and unanswered >= GAP_SHARE * len(mine)
        if not guard_subgroup(sizes[0], *sizes[1:], k=k):
            hidden += int(is_gap)
            continue
        shown_queries += 1
        if not is_gap:
            continue
        # Ties go to the alphabetically first language: the answer must not depend on the
        # order rows come back in (it differs between engines and between runs).
        languages = Counter(_language(p) for p in mine if p.languages)
        best = min(languages.items(), key=lambda item: (-item[1], item[0]), default=None)
        language = best[0] if best is not None and best[1] >= k else ""
        gaps.append(
            SearchGap(
                query=text,
                people=len(mine),
                unanswered=unanswered,
                searches=sum(p.searches for p in mine),
                empty_searches=sum(p.empty for p in mine),
                language=language,
            )
        )
    gaps.sort(key=lambda g: (-g.unanswered, -g.people, g.query))
    return SearchGaps(gaps=gaps[:limit], hidden=hidden, queries=shown_queries)


def _in_view(person: _PersonQuery, view: dict[str, int]) -> bool:
    return all(person.groups.get(name) == value for name, value in view.items())
