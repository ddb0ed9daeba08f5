"""What the search index holds for one catalogue item, read from the database in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count

from leerpad.catalog.extraction import html_to_text
from leerpad.catalog.models import ContentItem, ItemTranslation, Rating, TranscriptCue


@dataclass
class IndexDoc:
    id: int
    kind: str
    status: str
    language: str  # the original language
    languages: list[str]  # every language it has a title in
    level: str
    duration_minutes: int
    published: int  # seconds since the epoch; 0 when never published
    useful: int  # how many people found it useful
    skills: list[int] = field(default_factory=list)
    job_roles: list[int] = field(default_factory=list)
    locations: list[int] = field(default_factory=list)
    # Per language: the texts, analysed with that language's rules.
    titles: dict[str, str] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)
    transcripts: dict[str, str] = field(default_factory=dict)
    # Tags and skill names: short, strong words, in every language they come in.
    keywords: dict[str, str] = field(default_factory=dict)


BATCH = 1000


def iter_docs(ids: Iterable[int] | None = None) -> Iterator[IndexDoc]:
    """Index documents for `ids` (default: every item), a few queries per 1000 items.

    Reads plain values, not model instances: a rebuild reads the whole catalogue, and
    building 100,000 instances with their prefetches costs more than indexing them.
    """
    if ids is None:
        pks = list(ContentItem.objects.order_by("pk").values_list("pk", flat=True))
    else:
        pks = sorted(set(ids))
    for start in range(0, len(pks), BATCH):
        yield from _batch(pks[start : start + BATCH])


def _batch(pks: list[int]) -> Iterator[IndexDoc]:
    items = ContentItem.objects.filter(pk__in=pks).order_by("pk")
    docs: dict[int, IndexDoc] = {}
    tags: dict[int, str] = {}
    for pk, kind, status, language, level, minutes, published_at, item_tags in items.values_list(
        "pk", "kind", "status", "language", "level", "duration_minutes", "published_at", "tags"
    ):
        docs[pk] = IndexDoc(
            id=pk,
            kind=kind,
            status=status,
            language=language,
            languages=[],
            level=level,
            duration_minutes=minutes or 0,
            published=int(published_at.timestamp()) if published_at else 0,
            useful=0,
        )
        tags[pk] = " ".join(item_tags or [])
    for item_id, language, title, summary, body in ItemTranslation.objects.filter(
        item_id__in=pks
    ).values_list("item_id", "language", "title", "summary", "body"):
        doc = docs[item_id]
        doc.languages.append(language)
        doc.titles[language] = title
        doc.summaries[language] = summary
        doc.bodies[language] = html_to_text(body) if doc.kind == "article" else body
    cues: dict[tuple[int, str], list[str]] = defaultdict(list)
    for item_id, language, text in (
        TranscriptCue.objects.filter(item_id__in=pks)
        .order_by("item_id", "language", "start_ms")
        .values_list("item_id", "language", "text")
    ):
        cues[(item_id, language)].append(text)
    for (item_id, language), lines in cues.items():
        docs[item_id].transcripts[language] = "\n".join(lines)
    for item_id, count in (
        Rating.objects.filter(item_id__in=pks)
        .values("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    ):
        docs[item_id].useful = count
    skill_names: dict[int, dict[str, str]] = {}
    through = ContentItem.skills.through.objects.filter(contentitem_id__in=pks)
    for item_id, skill_id, names in through.values_list(
        "contentitem_id", "skill_id", "skill__names"
    ):
        docs[item_id].skills.append(skill_id)
        skill_names[skill_id] = names or {}
    for item_id, role_id in ContentItem.audience_job_roles.through.objects.filter(
        contentitem_id__in=pks
    ).values_list("contentitem_id", "jobrole_id"):
        docs[item_id].job_roles.append(role_id)
    for item_id, place_id in ContentItem.audience_locations.through.objects.filter(
        contentitem_id__in=pks
    ).values_list("contentitem_id", "location_id"):
        docs[item_id].locations.append(place_id)
    for doc in docs.values():
        doc.languages.sort()
        for language in ("nl", "fr", "en"):
            names = " ".join(skill_names[s].get(language, "") for s in doc.skills)
            own_tags = tags[doc.id] if language == doc.language else ""
            words = " ".join(part for part in (names, own_tags) if part.strip())
            if words:
                doc.keywords[language] = words
        yield doc
