"""Reads for sparks and field visits: the board, a sender's list, credits, the locations
overview and the workspace counts (with the eager loading in one place)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.campaigns.models import Campaign
from leerpad.catalog.models import ContentItem, ItemTranslation
from leerpad.core.access import Capability, can
from leerpad.sparks.models import FieldVisit, Spark, Status

# A location not visited for longer than this is flagged on the locations view and counted
# on the workspace tile.
VISIT_WARNING_DAYS = 90
# Cards per column on the board; "show all" opens one column with pages.
BOARD_COLUMN_SIZE = 20
PICK_SIZE = 20


def sparks() -> QuerySet[Spark]:
    return Spark.objects.select_related("sender", "location", "campaign").prefetch_related(
        "catalog_item__translations"
    )


def filtered(location: int | None = None, kind: str | None = None) -> QuerySet[Spark]:
    found = sparks()
    if location:
        found = found.filter(location_id=location)
    if kind:
        found = found.filter(kind=kind)
    return found


@dataclass
class Column:
    status: str
    label: str
    count: int
    cards: list[Spark] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def board(location: int | None = None, kind: str | None = None) -> list[Column]:
    found = filtered(location, kind)
    counts = dict(found.order_by().values_list("status").annotate(n=Count("id")))
    columns = []
    for status in Status:
        n = counts.get(status.value, 0)
        cards = list(found.filter(status=status)[:BOARD_COLUMN_SIZE]) if n else []
        columns.append(Column(status.value, str(status.label), n, cards))
    return columns


def sparks_of(person: Person) -> QuerySet[Spark]:
    return sparks().filter(sender=person)


def latest_of(person: Person) -> Spark | None:
    return sparks_of(person).first()


def may_see_media(user: Any, spark: Spark) -> bool:
    """The sender and the workspace (the LD&M team and coaches) see a spark's photo/video."""
    if not user.is_authenticated:
        return False
    return spark.sender_id == user.pk or can(user, Capability.USE_WORKSPACE)


def credits_for(obj: ContentItem | Campaign) -> list[Spark]:
    """The sparks that started `obj` whose senders agreed to be named."""
    found = Spark.objects.select_related("sender", "location").filter(
        credit_consent=True, sender__isnull=False, sender__is_active=True
    )
    if isinstance(obj, ContentItem):
        found = found.filter(catalog_item=obj)
    else:
        found = found.filter(campaign=obj)
    return list(found.order_by("created_at", "id"))


def pick_items(query: str) -> list[ContentItem]:
    """Catalogue items to link, matching the title in any language (newest first)."""
    items = ContentItem.objects.prefetch_related("translations")
    query = query.strip()
    if query:
        ids = ItemTranslation.objects.filter(title__icontains=query).values("item_id")
        items = items.filter(Q(pk__in=ids) | Q(external_id__icontains=query))
    return list(items.order_by("-updated_at", "-id")[:PICK_SIZE])


def pick_campaigns(query: str) -> list[Campaign]:
    campaigns = Campaign.objects.all()
    query = query.strip()
    if query:
        campaigns = campaigns.filter(name__icontains=query)
    return list(campaigns.order_by("-created_at", "-id")[:PICK_SIZE])


def visits() -> QuerySet[FieldVisit]:
    return FieldVisit.objects.select_related("location").prefetch_related("team")


def upcoming_visits(today: dt.date | None = None) -> QuerySet[FieldVisit]:
    today = today or timezone.localdate()
    return visits().filter(logged_at__isnull=True, date__gte=today).order_by("date", "id")


def visits_to_log(today: dt.date | None = None) -> QuerySet[FieldVisit]:
    """Planned visits whose day has passed and that nobody logged yet."""
    today = today or timezone.localdate()
    return visits().filter(logged_at__isnull=True, date__lt=today).order_by("-date", "-id")


def logged_visits() -> QuerySet[FieldVisit]:
    return visits().filter(logged_at__isnull=False).order_by("-date", "-id")


@dataclass
class LocationRow:
    location: Location
    last_visit: dt.date | None
    days_since: int | None
    next_visit: dt.date | None
    learnings: list[FieldVisit]

    @property
    def overdue(self) -> bool:
        return self.days_since is None or self.days_since > VISIT_WARNING_DAYS


def locations_overview(today: dt.date | None = None, learnings: int = 2) -> list[LocationRow]:
    """Every location: last (logged) visit, days since, next planned visit and the latest
    learnings; the longest-unvisited first (never visited on top)."""
    today = today or timezone.localdate()
    locations = Location.objects.annotate(
        last_visit=Max("field_visits__date", filter=Q(field_visits__logged_at__isnull=False)),
        next_visit=Min(
            "field_visits__date",
            filter=Q(field_visits__logged_at__isnull=True, field_visits__date__gte=today),
        ),
    )
    recent: dict[int, list[FieldVisit]] = {}
    for visit in (
        []
        if not learnings
        else (
            FieldVisit.objects.filter(logged_at__isnull=False)
            .exclude(what_we_learned="")
            .order_by("-date", "-id")
        )
    ):
        bucket = recent.setdefault(visit.location_id, [])
        if len(bucket) < learnings:
            bucket.append(visit)
    rows = []
    for location in locations:
        last: dt.date | None = location.last_visit
        rows.append(
            LocationRow(
                location=location,
                last_visit=last,
                days_since=(today - last).days if last else None,
                next_visit=location.next_visit,
                learnings=recent.get(location.pk, []),
            )
        )
    # Never visited first, then the most days since; names break ties for a stable order.
    rows.sort(key=lambda r: (r.days_since is not None, -(r.days_since or 0), r.location.name))
    return rows


def workspace_counts(today: dt.date | None = None) -> dict[str, int]:
    rows = locations_overview(today, learnings=0)
    return {
        "new": Spark.objects.filter(status=Status.NEW).count(),
        "overdue_locations": sum(1 for r in rows if r.overdue),
        "upcoming_visits": upcoming_visits(today).count(),
        "days": VISIT_WARNING_DAYS,
    }
