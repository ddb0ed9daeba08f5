"""Content: which catalogue items are used, which are not, which people start and do not
finish, and which are out of date but still in use.

Over a scope (period and people filters, `analytics.filters.Scope`):

- **Used**: distinct people with any statement about the item in the period (viewed,
  played, launched, downloaded, registered, completed, liked...). An item's activity is its
  page on this Leerpad (`catalog.tracking.activity_id`); an e-learning package that reports
  on its own activity id counts for its item too (the template maps those ids to the page).
- **Least used** includes the published items nobody used in the period. Those have no
  events, so they come from the catalogue: the events give the used items, the catalogue
  all published ones, and the two are joined here in Python.
- **Started, not finished**: started = viewed, launched or played; finished = completed,
  passed, mastered or attended, or any statement with `result.completion` true (never
  `failed`), as paths count a step done. Only for items where finishing is recorded: the
  kinds that record it (e-learning packages, classroom sessions) and any item with at least
  one finish in the period (an outside tool reporting on it). The rate is finished among
  the people who started, and shown only from k starters.
- **Stale, still in use**: used in the period and either last changed (`updated_at`: the
  catalogue bumps it on every edit and status change; it has no "last reviewed" date) more
  than `stale_months` months ago, or past its "review by" date (`review_date`).

Privacy: a number of people is shown for an item only when it is at least k and differs
from the same item's number in each wider view (fewer filters, down to everyone) by 0 or
at least k (`core.guard.guard_subgroup`, as for the page's filters); otherwise the item
shows "fewer than k" (its number is 1..k-1) or is left out of the rankings ("withheld":
enough people, but too close to a wider view). Unused items (0 people) are about nobody
and are always listed. Rankings never place a withheld number between shown ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from leerpad.analytics import query
from leerpad.analytics.filters import PEOPLE_COLUMNS, Scope
from leerpad.catalog.models import ContentItem, Kind, Package, Status
from leerpad.catalog.tracking import LAUNCHED, PLAYED, VIEWED, activity_id
from leerpad.core.guard import guard_subgroup, min_group_size
from leerpad.paths.tracking import ATTENDED, COMPLETED, FAILED, MASTERED, PASSED

STARTED_VERBS = (VIEWED, LAUNCHED, PLAYED)
FINISHED_VERBS = (COMPLETED, PASSED, MASTERED, ATTENDED)
# Kinds whose finishing Leerpad itself records: SCORM/cmi5 packages report completion and
# passing, and a classroom session is attended. Videos, documents and links are opened,
# not finished, so a low rate there would only measure the lack of a signal.
FINISH_KINDS = frozenset({Kind.PACKAGE, Kind.SESSION})
STALE_MONTHS = 12
TOP = 10

TEMPLATE = """
WITH mapped AS (
    SELECT {iri} AS iri, e.actor_key, e.verb, e.result_completion,
           p.location_id, p.team_id, p.job_role_id
    FROM events e LEFT JOIN people p ON p.person_id = e.person_id
    WHERE e.actor_key IS NOT NULL AND e.object_iri IS NOT NULL
      AND e.timestamp >= @p(start, timestamp) AND e.timestamp < @p(end, timestamp)
),
per_person AS (
    SELECT iri, actor_key,
           MAX(location_id) AS location_id, MAX(team_id) AS team_id,
           MAX(job_role_id) AS job_role_id,
           MAX(CASE WHEN verb IN ({started}) THEN 1 ELSE 0 END) AS started,
           MAX(CASE WHEN verb IN ({finished})
                     OR (result_completion = TRUE AND verb <> @p(failed, text))
                    THEN 1 ELSE 0 END) AS finished
    FROM mapped
    GROUP BY iri, actor_key
)
SELECT iri, {counts},
       COUNT(DISTINCT CASE WHEN started = 1 AND finished = 1 AND {view}
                           THEN actor_key END) AS finishers,
       COUNT(DISTINCT CASE WHEN finished = 1 THEN actor_key END) AS any_finish
FROM per_person
GROUP BY iri
@settings()
"""


@dataclass(frozen=True)
class ItemFigure:
    """One item in a ranking. `people` is None when no number may be shown."""

    item_id: int
    title: str  # in the viewer's language (else the item's own)
    url: str
    kind: str
    status: str
    people: int | None
    fewer_than_k: bool = False  # used by 1..k-1 people in the view

    @property
    def unused(self) -> bool:
        return self.people == 0

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label) if self.kind in Kind.values else self.kind


@dataclass(frozen=True)
class Unfinished:
    item: ItemFigure  # people = the number who started
    finished: int  # of the starters, how many finished

    @property
    def percent(self) -> float:
        return 100 * self.finished / (self.item.people or 1)


@dataclass(frozen=True)
class StaleItem:
    item: ItemFigure
    updated_at: dt.datetime
    review_date: dt.date | None
    overdue: bool  # past its "review by" date
    old: bool  # last changed more than stale_months ago


@dataclass(frozen=True)
class ContentReport:
    most_used: list[ItemFigure]
    least_used: list[ItemFigure]
    unused: list[ItemFigure]  # every published item nobody in the view used (by title)
    unfinished: list[Unfinished]  # lowest finishing rate first
    stale: list[StaleItem]
    withheld: int  # used items whose number is withheld (too close to a wider view)
    stale_months: int


@dataclass
class _Usage:
    users: list[int]  # per view: the scope's own first, then every wider one
    starters: list[int]
    finishers: int
    any_finish: int


def _views(scope: Scope) -> list[tuple[str, ...]]:
    """The filters of the view and of every wider one (as `Scope.allowed` lists them)."""
    names = sorted(scope.people_filters())
    return [
        subset
        for size in range(len(names), -1, -1)
        for subset in itertools.combinations(names, size)
    ]


def _usage(scope: Scope, *, dialect: str | None = None) -> dict[int, _Usage]:
    """Per catalogue item used in the scope: people per view, starters, finishers."""
    page_iri = {activity_id_for(pk): pk for pk in ContentItem.objects.values_list("pk", flat=True)}
    params: dict[str, Any] = {"start": scope.start, "end": scope.end, "failed": FAILED}
    params.update(scope.people_filters())
    # A package's own activity id means its item: mapped in SQL so that a person who used
    # both counts once.
    whens = []
    for i, (package_iri, package_item) in enumerate(
        Package.objects.exclude(activity_id="").values_list("activity_id", "item_id")
    ):
        whens.append(f"WHEN @p(pkg{i}, text) THEN @p(page{i}, text)")
        params[f"pkg{i}"], params[f"page{i}"] = package_iri, activity_id_for(package_item)
    iri = f"CASE e.object_iri {' '.join(whens)} ELSE e.object_iri END" if whens else "e.object_iri"
    started = _bind(params, "started", STARTED_VERBS)
    finished = _bind(params, "finished", FINISHED_VERBS)
    views = _views(scope)
    conditions = {name: f"{PEOPLE_COLUMNS[name]} = @p({name}, int)" for name in PEOPLE_COLUMNS}
    counts = []
    for i, view in enumerate(views):
        where = " AND ".join(conditions[name] for name in view) or "1 = 1"
        counts.append(f"COUNT(DISTINCT CASE WHEN {where} THEN actor_key END) AS n{i}")
        counts.append(
            f"COUNT(DISTINCT CASE WHEN started = 1 AND {where} THEN actor_key END) AS s{i}"
        )
    full = " AND ".join(conditions[name] for name in views[0]) or "1 = 1"
    # Only fixed column names and bound parameters reach the SQL.
    sql = TEMPLATE.format(
        iri=iri, started=started, finished=finished, counts=", ".join(counts), view=full
    )
    result: dict[int, _Usage] = {}
    for row in query.run(sql, params, dialect):
        item_id = page_iri.get(row["iri"])
        if item_id is None:
            continue  # a quiz, a path, the search engine, an outside activity
        result[item_id] = _Usage(
            users=[int(row[f"n{i}"] or 0) for i in range(len(views))],
            starters=[int(row[f"s{i}"] or 0) for i in range(len(views))],
            finishers=int(row["finishers"] or 0),
            any_finish=int(row["any_finish"] or 0),
        )
    return result


def activity_id_for(item_id: int) -> str:
    return activity_id(ContentItem(pk=item_id))


def _bind(params: dict[str, Any], prefix: str, values: Sequence[str]) -> str:
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
    return ", ".join(f"@p({prefix}{i}, text)" for i in range(len(values)))


def _months_ago(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - day 28 always exists


def content_report(
    scope: Scope,
    *,
    top: int = TOP,
    stale_months: int = STALE_MONTHS,
    dialect: str | None = None,
) -> ContentReport:
    """The content figures of a scope (see the module docstring)."""
    k = min_group_size()
    used = _usage(scope, dialect=dialect)
    items = {
        item.pk: item
        for item in ContentItem.objects.filter(pk__in=list(used)).prefetch_related("translations")
    }
    published = list(
        ContentItem.objects.filter(status=Status.PUBLISHED)
        .exclude(pk__in=list(used))
        .prefetch_related("translations")
    )

    def figure(item: ContentItem, counts: list[int] | None) -> ItemFigure:
        people: int | None = 0
        small = False
        if counts and counts[0] > 0:
            decision = guard_subgroup(counts[0], *counts[1:], k=k)
            people = counts[0] if decision else None
            small = 0 < counts[0] < k
        return ItemFigure(
            item_id=item.pk,
            title=item.title(),
            url=item.get_absolute_url(),
            kind=item.kind,
            status=item.status,
            people=people,
            fewer_than_k=small,
        )

    figures = {pk: figure(item, used[pk].users) for pk, item in items.items()}
    # In the view, an item used only by people outside its filters has 0 users: unused here.
    shown = [f for f in figures.values() if f.people is not None and f.people > 0]
    withheld = sum(1 for f in figures.values() if f.people is None and not f.fewer_than_k)
    most = sorted(shown, key=lambda f: (-(f.people or 0), f.title.casefold()))[:top]
    unused = sorted(
        [figure(item, None) for item in published]
        + [f for f in figures.values() if f.people == 0 and f.status == Status.PUBLISHED],
        key=lambda f: f.title.casefold(),
    )
    small = sorted(
        (f for f in figures.values() if f.fewer_than_k and f.status == Status.PUBLISHED),
        key=lambda f: f.title.casefold(),
    )
    # Unused first, then "fewer than k" (by title: their numbers are not shown, so they
    # are not ranked among themselves), then the smallest shown numbers.
    few = sorted(
        (f for f in shown if f.status == Status.PUBLISHED),
        key=lambda f: (f.people or 0, f.title.casefold()),
    )
    least = (unused + small + few)[:top]

    unfinished = []
    for pk, item in items.items():
        u = used[pk]
        if item.kind not in FINISH_KINDS and u.any_finish == 0:
            continue
        if not guard_subgroup(u.starters[0], *u.starters[1:], k=k):
            continue  # fewer than k starters, or too close to a wider view
        started = figure(item, u.starters)
        unfinished.append(Unfinished(item=started, finished=u.finishers))
    unfinished.sort(key=lambda r: (r.percent, -(r.item.people or 0), r.item.title.casefold()))

    now = timezone.now()
    old_before = _months_ago(now, stale_months)
    today = timezone.localdate()
    stale = []
    for pk, item in items.items():
        if used[pk].users[0] == 0:
            continue
        old = item.updated_at < old_before
        overdue = item.review_date is not None and item.review_date < today
        if old or overdue:
            stale.append(
                StaleItem(
                    item=figures[pk],
                    updated_at=item.updated_at,
                    review_date=item.review_date,
                    overdue=overdue,
                    old=old,
                )
            )
    stale.sort(key=lambda s: (s.updated_at, s.item.title.casefold()))
    return ContentReport(
        most_used=most,
        least_used=least,
        unused=unused,
        unfinished=unfinished[:top],
        stale=stale,
        withheld=withheld,
        stale_months=stale_months,
    )
