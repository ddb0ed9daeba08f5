"""How people arrive: per ISO week and for the whole period, the distinct people who came to
what they opened by each channel (search, home, path, recommendation, campaign, direct).

- Which statements: those that carry the arrival extension (`core.extensions.ARRIVAL`),
  which Leerpad's catalogue item pages record on `viewed` from the link's `via` (and the
  pages campaign links lead to will record too). Statements without it (older ones, outside
  tools) are not arrivals: they are left out, not counted as "direct". Values that are not
  one of the channels (an outside tool's own) are left out as well.
- One arrival per person, item and day: the first view of an item by a person on a (UTC)
  day is how they came to it; opening it again that day (switching its language, jumping
  to a moment of a video, the back button) is the same visit, and those reloads carry no
  `via`, so counting every view would inflate "direct". Chosen over "the first arrival of
  each person-day" because someone who comes from the home page in the morning and from
  a search in the afternoon did both, and both channels should show it.
- People: distinct actors per channel and week (or period). A person can arrive several
  ways, so the channels overlap and do not add up to the number of people who arrived;
  the page must not show such a sum. `arrivals` is the number of those first views.

Privacy (the query layer's job): each week's channels, and the period's, go through
`leerpad.core.guard.suppress` with `total=None`, as the guard says overlapping
breakdowns must: a channel with fewer than k people is withheld (`people` and `arrivals`
None, the same as a channel nobody used, so the page cannot tell "1 to k-1" from "none").
The guard's "other" row is not shown either: its head count is a sum over channels that
overlap, so it could be about fewer than k distinct people. No total is returned, so there
is nothing to subtract a withheld channel from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leerpad.analytics import query
from leerpad.analytics.filters import Scope
from leerpad.core.extensions import ARRIVALS
from leerpad.core.guard import Cell, suppress

# Bound parameters, one per known channel: an outside tool's value never becomes SQL.
_CHANNEL_PARAMS = {f"channel_{i}": channel for i, channel in enumerate(ARRIVALS)}
_CHANNELS_IN = ", ".join(f"@p({name}, text)" for name in _CHANNEL_PARAMS)

# Days are cut in UTC on every engine, as weeks are: DuckDB's session runs in UTC and the
# ClickHouse column is DateTime64(6, 'UTC'), so CAST(... AS DATE) agrees on both.
TEMPLATE = """
WITH visits AS (
    SELECT e.actor_key AS actor_key, e.arrival AS arrival, e.timestamp AS timestamp,
           ROW_NUMBER() OVER (
               PARTITION BY e.actor_key, e.object_iri, CAST(e.timestamp AS DATE)
               ORDER BY e.timestamp, e.statement_id
           ) AS nth
    FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.actor_key IS NOT NULL AND e.arrival IN ({channels}) AND {scope}
),
firsts AS (
    SELECT actor_key, arrival, @week(timestamp) AS week FROM visits WHERE nth = 1
)
SELECT week, arrival, COUNT(DISTINCT actor_key) AS people, COUNT(*) AS arrivals
FROM firsts GROUP BY week, arrival
UNION ALL
SELECT CAST(NULL AS DATE) AS week, arrival,
       COUNT(DISTINCT actor_key) AS people, COUNT(*) AS arrivals
FROM firsts GROUP BY arrival
@settings()
"""


@dataclass(frozen=True)
class ChannelCount:
    week: dt.date | None  # the Monday of the ISO week; None: the whole period
    channel: str  # one of core.extensions.ARRIVALS
    people: int | None  # None: fewer than k people (or nobody) came this way
    arrivals: int | None  # first views of an item per person and day


@dataclass(frozen=True)
class Arrivals:
    # Every channel, in the order of ARRIVALS, for the whole period.
    period: tuple[ChannelCount, ...]
    # Per week, only the channels that may be shown, weeks in order.
    weekly: tuple[ChannelCount, ...]


def arrivals(scope: Scope, *, dialect: str | None = None) -> Arrivals:
    """People per arrival channel in the scope, per week and for the period (see above).

    `dialect`: the engine to ask (default: the configured one).
    """
    # Only placeholders of bound parameters and the scope's condition (fixed column names,
    # bound parameters) are placed in the template: no text of anyone's.
    sql = TEMPLATE.format(channels=_CHANNELS_IN, scope=scope.where("e", "p"))
    rows = query.run(sql, {**scope.params(), **_CHANNEL_PARAMS}, dialect)
    groups: dict[dt.date | None, dict[str, Cell[int]]] = {}
    for row in rows:
        cells = groups.setdefault(row["week"], {})
        cells[row["arrival"]] = Cell(people=int(row["people"]), value=int(row["arrivals"]))
    shown: dict[dt.date | None, dict[str, ChannelCount]] = {}
    for week, cells in groups.items():
        for line in suppress(cells, None):
            # Only rows as they were: "other" sums overlapping channels (see above).
            if line.kind != "cell" or line.key is None:
                continue
            shown.setdefault(week, {})[line.key] = ChannelCount(
                week, line.key, line.people, line.value
            )
    whole = shown.get(None, {})
    period = tuple(whole.get(c, ChannelCount(None, c, None, None)) for c in ARRIVALS)
    weekly = tuple(
        shown[week][channel]
        for week in sorted(w for w in shown if w is not None)
        for channel in ARRIVALS
        if channel in shown[week]
    )
    return Arrivals(period=period, weekly=weekly)
