"""Reads of the catalogue: who may see which items, and the eager loading each page needs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from leerpad.accounts.models import Person
from leerpad.catalog.models import (
    ContentItem,
    ItemTranslation,
    ItemVersion,
    Kind,
    Level,
    Rating,
    Registration,
    Session,
    Status,
)
from leerpad.catalog.schemas import LANGUAGES
from leerpad.core.access import Capability, can
from leerpad.skills.models import Skill

if TYPE_CHECKING:
    from leerpad.core.access import AnyUser

RELATED_MAX = 6
MANAGE_SORTS = {
    "updated": ("-updated_at", "-id"),
    "title": ("title_sort", "id"),
    "review": ("review_date", "id"),
    "status": ("status", "-updated_at", "-id"),
    "kind": ("kind", "-updated_at", "-id"),
}


def may_manage(user: AnyUser) -> bool:
    return can(user, Capability.MANAGE_CATALOG)


def visible_items(user: AnyUser) -> QuerySet[ContentItem]:
    """Every status for L&D; published items only for everyone else."""
    items = ContentItem.objects.all()
    if not may_manage(user):
        items = items.filter(status=Status.PUBLISHED)
    return items


def with_cards(items: QuerySet[ContentItem]) -> QuerySet[ContentItem]:
    """What an item card shows (title, languages, skills), loaded up front."""
    return items.prefetch_related("translations", "skills")


def _with_language(items: QuerySet[ContentItem], language: str) -> QuerySet[ContentItem]:
    return items.filter(
        Exists(ItemTranslation.objects.filter(item=OuterRef("pk"), language=language))
    )


def browse(
    *, kind: str = "", language: str = "", level: str = "", skill: str = ""
) -> QuerySet[ContentItem]:
    """Published items for the catalogue page, newest first."""
    items = ContentItem.objects.filter(status=Status.PUBLISHED)
    if kind in Kind.values:
        items = items.filter(kind=kind)
    if language in LANGUAGES:
        items = _with_language(items, language)
    if level in Level.values:
        items = items.filter(level=level)
    if skill:
        # One row per item: an item has each skill at most once.
        items = items.filter(skills__key=skill)
    return with_cards(items).order_by(Coalesce("published_at", "updated_at").desc(), "-id")


def browse_skills() -> list[Skill]:
    """Skills that published items teach: the ones worth filtering on."""
    return list(Skill.objects.filter(items__status=Status.PUBLISHED).distinct().order_by("key"))


def item_for_page(user: AnyUser, pk: int) -> ContentItem:
    """The item with everything its page shows; 404 when the person may not see it."""
    items = (
        visible_items(user)
        .select_related("owner")
        .prefetch_related(
            "translations", "skills", "audience_job_roles", "audience_locations", "cues"
        )
    )
    try:
        return items.get(pk=pk)
    except ContentItem.DoesNotExist:
        raise Http404 from None


def related(item: ContentItem, limit: int = RELATED_MAX) -> list[ContentItem]:
    """Published items that teach the same skills (most shared first), then same tags."""
    published = ContentItem.objects.filter(status=Status.PUBLISHED).exclude(pk=item.pk)
    skill_ids = [s.pk for s in item.skills.all()]
    found: list[ContentItem] = []
    if skill_ids:
        found = list(
            with_cards(
                published.filter(skills__in=skill_ids)
                .annotate(shared=Count("skills", filter=Q(skills__in=skill_ids)))
                .order_by("-shared", "-updated_at", "-id")
            )[:limit]
        )
    if len(found) < limit and item.tags:
        # Tags are a JSON list; matching its text works on SQLite and PostgreSQL alike.
        # SQLite keeps the JSON with escaped non-ASCII letters, PostgreSQL without, so
        # both spellings are looked for.
        by_tag = Q()
        for tag in item.tags[:10]:
            by_tag |= Q(tags__icontains=json.dumps(tag)) | Q(
                tags__icontains=json.dumps(tag, ensure_ascii=False)
            )
        found += list(
            with_cards(published.filter(by_tag).exclude(pk__in=[f.pk for f in found])).order_by(
                "-updated_at", "-id"
            )[: limit - len(found)]
        )
    return found


def useful_count(item: ContentItem) -> int:
    return Rating.objects.filter(item=item).count()


def is_useful(item: ContentItem, person: Person) -> bool:
    return Rating.objects.filter(item=item, person=person).exists()


@dataclass
class SessionRow:
    session: Session
    taken: int
    waiting: int
    my_state: str  # a Registration.State value, or "" when not registered

    @property
    def seats_left(self) -> int:
        return max(self.session.seats - self.taken, 0)

    @property
    def is_past(self) -> bool:
        return self.session.starts_at <= timezone.now()


def session_rows(item: ContentItem, person: Person) -> list[SessionRow]:
    """The item's dates with seats taken and this person's own registration state."""
    sessions = item.sessions.select_related("location").annotate(
        taken=Count("registrations", filter=Q(registrations__state=Registration.State.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__state=Registration.State.WAITING)),
    )
    mine = dict(
        Registration.objects.filter(session__item=item, person=person).values_list(
            "session_id", "state"
        )
    )
    return [
        SessionRow(session=s, taken=s.taken, waiting=s.waiting, my_state=mine.get(s.pk, ""))
        for s in sessions
    ]


def manage_list(
    *,
    status: str = "",
    kind: str = "",
    language: str = "",
    owner_id: int | None = None,
    overdue: bool = False,
    search: str = "",
    sort: str = "updated",
) -> QuerySet[ContentItem]:
    """Every item for L&D's list, filtered and sorted; titles in the active language."""
    items = ContentItem.objects.select_related("owner")
    if status in Status.values:
        items = items.filter(status=status)
    if kind in Kind.values:
        items = items.filter(kind=kind)
    if language in LANGUAGES:
        items = _with_language(items, language)
    if owner_id:
        items = items.filter(owner_id=owner_id)
    if overdue:
        items = items.filter(review_date__lt=timezone.localdate()).exclude(status=Status.ARCHIVED)
    for word in search.split()[:5]:
        items = items.filter(
            Q(external_id__icontains=word)
            | Exists(ItemTranslation.objects.filter(item=OuterRef("pk"), title__icontains=word))
        )
    lang = (get_language() or "en")[:2]
    title_in = ItemTranslation.objects.filter(item=OuterRef("pk")).values("title")
    items = items.annotate(
        title_sort=Lower(
            Coalesce(
                Subquery(title_in.filter(language=lang)[:1]),
                Subquery(title_in.filter(language=OuterRef("language"))[:1]),
                Subquery(title_in[:1]),
            )
        )
    )
    return items.prefetch_related("translations").order_by(
        *MANAGE_SORTS.get(sort, MANAGE_SORTS["updated"])
    )


def owners() -> QuerySet[Person]:
    return (
        Person.objects.filter(owned_items__isnull=False)
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- version history ----------------------------------------------------------------------


FIELD_LABELS = {
    "kind": gettext_lazy("Kind"),
    "status": gettext_lazy("Status"),
    "language": gettext_lazy("Original language"),
    "level": gettext_lazy("Level"),
    "duration_minutes": gettext_lazy("Duration (minutes)"),
    "url": gettext_lazy("Web address"),
    "tags": gettext_lazy("Tags"),
    "skills": gettext_lazy("Skills"),
    "job_roles": gettext_lazy("For job roles"),
    "locations": gettext_lazy("For locations"),
    "review_date": gettext_lazy("Review by"),
    "transcripts": gettext_lazy("Transcripts"),
    "file": gettext_lazy("File"),
    "sessions": gettext_lazy("Dates"),
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "body": gettext_lazy("Text"),
}


@dataclass
class Change:
    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        parts = self.field.split(".")
        if len(parts) == 3 and parts[0] == "translations":
            return f"{FIELD_LABELS.get(parts[2], parts[2])} ({parts[1].upper()})"
        return str(FIELD_LABELS.get(self.field, self.field))


@dataclass
class VersionRow:
    version: ItemVersion
    changes: list[Change] = field(default_factory=list)
    first: bool = False


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    """A snapshot as dotted keys ("translations.nl.title"), so a diff can name a field."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): data}


def _shown(value: Any, limit: int = 300) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        text = ", ".join(
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
        )
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    old, new = _flat(before), _flat(after)
    keys = list(new) + [k for k in old if k not in new]
    return [
        Change(field=k, before=_shown(old.get(k)), after=_shown(new.get(k)))
        for k in keys
        if old.get(k) != new.get(k)
    ]


def history(item: ContentItem) -> list[VersionRow]:
    """The item's versions, newest first, each with what changed since the one before."""
    versions: Iterable[ItemVersion] = item.versions.select_related("changed_by").order_by("number")
    rows: list[VersionRow] = []
    previous: ItemVersion | None = None
    for version in versions:
        if previous is None:
            rows.append(VersionRow(version=version, first=True))
        else:
            rows.append(
                VersionRow(version=version, changes=diff(previous.snapshot, version.snapshot))
            )
        previous = version
    rows.reverse()
    return rows
