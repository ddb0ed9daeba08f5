"""The search service: the one way Leerpad searches the catalogue.

`search()` turns what someone typed into a backend query (stems per language, Dutch
compound parts, synonyms across languages, typo corrections), lets the backend score
and count, then reranks the best few hundred for the person (their role and location,
freshness, usefulness) and dresses the page of results (titles in their language,
highlighted snippets, the moment in a video transcript).
"""

from __future__ import annotations

import functools
import html
import math
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from leerpad.accounts.models import Person
from leerpad.catalog.extraction import html_to_text
from leerpad.catalog.models import ContentItem, TranscriptCue
from leerpad.search import synonyms
from leerpad.search.analysis import LANGUAGES, analyze, fold, stem, stems, words
from leerpad.search.backends.base import FACETS, Answer, Query, SearchBackend
from leerpad.search.backends.tantivy_index import TantivyBackend
from leerpad.search.documents import IndexDoc, iter_docs

PER_PAGE = 10
RERANK_DEPTH = 200
SNIPPET_WORDS = 32
_NON_SPACE = re.compile(r"\S+")


@functools.cache
def _backend_for(folder: Path) -> SearchBackend:
    return TantivyBackend(folder)


def backend() -> SearchBackend:
    return _backend_for(Path(settings.LEERPAD_SEARCH_DIR))


# --- keeping the index current --------------------------------------------------------


def semantic_enabled() -> bool:
    return bool(getattr(settings, "LEERPAD_SEARCH_MODEL", ""))


def index_items(ids: Iterable[int]) -> int:
    """Write the current state of these items; ids that no longer exist are removed."""
    ids = set(ids)
    docs = list(iter_docs(ids))
    gone = ids - {d.id for d in docs}
    engine = backend()
    if gone:
        engine.delete(gone)
    if semantic_enabled() and docs:
        from leerpad.search import semantic

        semantic.store(docs)
    return engine.upsert(docs) if docs else 0


def rebuild() -> int:
    """Rebuild the whole index (and, with a model, the vectors) from the database.

    Items changed while the rebuild ran were indexed into the old generation; they are
    indexed again into the new one once it is live.
    """
    started = timezone.now()
    written = _rebuild()
    changed = ContentItem.objects.filter(updated_at__gte=started).values_list("pk", flat=True)
    if changed:
        index_items(list(changed))
    return written


def _rebuild() -> int:
    if not semantic_enabled():
        return backend().rebuild(iter_docs())
    from leerpad.search import semantic

    def with_vectors() -> Iterator[IndexDoc]:
        batch: list[IndexDoc] = []
        for doc in iter_docs():
            batch.append(doc)
            if len(batch) == 256:
                semantic.store(batch)
                yield from batch
                batch = []
        semantic.store(batch)
        yield from batch

    return backend().rebuild(with_vectors())


def ensure_index() -> bool:
    """Queue a rebuild when the index is empty but the catalogue is not (a new server,
    a deleted folder, a restored backup); returns whether one was queued."""
    from leerpad.search.tasks import rebuild_index

    if backend().count() == 0 and ContentItem.objects.exists():
        rebuild_index.enqueue()
        return True
    return False


# --- compiling a query ------------------------------------------------------------------


@dataclass
class Compiled:
    query: Query
    # Per language, every stem that counts as a match (for highlighting).
    stems: dict[str, set[str]] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)


class Speller:
    """Typo correction against the index's own words, bucketed by first letter and length."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for word in vocabulary:
            if word:
                self.buckets.setdefault((word[0], len(word)), []).append(word)

    def correct(self, word: str) -> str | None:
        """The indexed word `word` was most likely meant to be, or None."""
        if word in self.vocabulary or len(word) < 4 or not word.isalpha():
            return None
        limit = 1 if len(word) < 8 else 2
        candidates = [
            w
            for size in range(len(word) - limit, len(word) + limit + 1)
            for w in self.buckets.get((word[0], size), ())
        ]
        matches = process.extract(
            word, candidates, scorer=Levenshtein.distance, score_cutoff=limit, limit=5
        )
        if not matches:
            return None
        # Closest first; among equally close words, the most common one.
        best = min(matches, key=lambda m: (m[1], -self.vocabulary.get(m[0], 0)))
        return str(best[0])


_speller: Speller | None = None


def speller(vocabulary: dict[str, int]) -> Speller:
    # The backend hands out a new vocabulary object whenever the index changes; the
    # speller keeps a reference to its own, so "is" tells whether it is still current.
    global _speller
    if _speller is None or _speller.vocabulary is not vocabulary:
        _speller = Speller(vocabulary)
    return _speller


def compile_query(
    text: str,
    *,
    filters: dict[str, list[str]] | None = None,
    statuses: Sequence[str] = ("published",),
    engine: SearchBackend | None = None,
) -> Compiled:
    engine = engine or backend()
    text = text.strip()[:300]
    compiled = Compiled(Query(text=text, filters=dict(filters or {}), statuses=tuple(statuses)))
    if not text:
        return compiled
    spell = speller(engine.vocabulary())
    compounds = getattr(engine, "compounds", None)
    typed = list(dict.fromkeys(w for lang in LANGUAGES for w, _s, _e in words(text, lang)))
    compiled.query.surface = typed
    for word in typed:
        fixed = spell.correct(word)
        if fixed:
            compiled.corrections[word] = fixed
    table = synonyms.current()
    for language in LANGUAGES:
        word_stems = stems(text, language, compounds)
        compiled.query.words[language] = word_stems
        compiled.stems.setdefault(language, set()).update(s for w in word_stems for s in w)
        for start, size, terms in table.expansions(word_stems, language):
            for term in terms:
                for target in LANGUAGES:
                    expanded = [w[0] for w in stems(term, target)]
                    if expanded and expanded != [w[0] for w in word_stems[start : start + size]]:
                        bucket = compiled.query.synonym_terms.setdefault(target, [])
                        if expanded not in bucket:
                            bucket.append(expanded)
                            compiled.stems.setdefault(target, set()).update(expanded)
        for fixed in compiled.corrections.values():
            corrected = [stem(fixed, language)]
            bucket = compiled.query.synonym_terms.setdefault(language, [])
            if corrected not in bucket:
                bucket.append(corrected)
                compiled.stems[language].update(corrected)
    return compiled


# --- ranking for the person ---------------------------------------------------------------


def _audience(ids: Sequence[int]) -> dict[int, tuple[set[int], set[int]]]:
    roles = ContentItem.audience_job_roles.through.objects.filter(contentitem_id__in=ids)
    places = ContentItem.audience_locations.through.objects.filter(contentitem_id__in=ids)
    out: dict[int, tuple[set[int], set[int]]] = {i: (set(), set()) for i in ids}
    for item_id, role_id in roles.values_list("contentitem_id", "jobrole_id"):
        out[item_id][0].add(role_id)
    for item_id, place_id in places.values_list("contentitem_id", "location_id"):
        out[item_id][1].add(place_id)
    return out


def rerank(
    answer: Answer, person: Person | None, now: float | None = None
) -> list[tuple[int, float]]:
    now = now or time.time()
    audience = _audience([h.id for h in answer.hits])
    ranked = []
    for hit in answer.hits:
        factor = 1.0
        roles, places = audience.get(hit.id, (set(), set()))
        if person is not None and (roles or places):
            matches = (person.job_role_id in roles) or (person.location_id in places)
            # Made for me: up; made for others only: a little down.
            factor *= 1.25 if matches else 0.85
        if hit.published:
            age_days = max(now - hit.published, 0) / 86400
            factor *= 1 + 0.1 * math.exp(-age_days / 180)
        factor *= 1 + 0.05 * math.log1p(hit.useful)
        ranked.append((hit.id, hit.score * factor))
    ranked.sort(key=lambda pair: -pair[1])
    return ranked


# --- dressing results ------------------------------------------------------------------------


@dataclass
class Moment:
    start_ms: int
    text: SafeString

    @property
    def seconds(self) -> int:
        return self.start_ms // 1000


@dataclass
class Result:
    item: ContentItem
    rank: int
    language: str
    title: SafeString
    snippet: SafeString
    moment: Moment | None = None


@dataclass
class Results:
    query: str
    results: list[Result]
    total: int
    page: int
    pages: int
    facets: dict[str, dict[str, int]]
    suggestion: str = ""
    took_ms: float = 0.0


def highlight(text: str, language: str, wanted: set[str], window: int | None = None) -> SafeString:
    """`text` escaped, with the words that match `wanted` stems in <mark>.

    With `window`, only the stretch of about that many words with the most matches.
    """
    tokens = analyze(text, language)
    hits = sorted({(t.start, t.end) for t in tokens if t.text in wanted})
    start, end = 0, len(text)
    if window is not None:
        spans = [m.span() for m in _NON_SPACE.finditer(text)]
        if len(spans) > window:
            best_at, best_count = 0, -1
            for i in range(0, len(spans) - window + 1):
                lo, hi = spans[i][0], spans[i + window - 1][1]
                count = sum(1 for s, _e in hits if lo <= s < hi)
                if count > best_count:
                    best_at, best_count = i, count
            start, end = spans[best_at][0], spans[best_at + window - 1][1]
    out, cursor = [], start
    for s, e in hits:
        if s < start or e > end or s < cursor:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece is escaped


def _display_language(item: ContentItem, person: Person | None) -> str:
    have = [t.language for t in item.translations.all()]
    wanted = person.language if person is not None else ""
    if wanted in have:
        return wanted
    return item.language if item.language in have else (have[0] if have else item.language)


def _moments(ids: Sequence[int], compiled: Compiled) -> dict[int, Moment]:
    found: dict[int, Moment] = {}
    cues = TranscriptCue.objects.filter(item_id__in=ids).order_by("item_id", "start_ms")
    for cue in cues.iterator():
        if cue.item_id in found:
            continue
        wanted = compiled.stems.get(cue.language, set())
        if any(t.text in wanted for t in analyze(cue.text, cue.language)):
            found[cue.item_id] = Moment(cue.start_ms, highlight(cue.text, cue.language, wanted))
    return found


def search(
    text: str,
    *,
    person: Person | None = None,
    filters: dict[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    statuses: Sequence[str] = ("published",),
) -> Results:
    started = time.perf_counter()
    clean = {k: [v for v in vs if v] for k, vs in (filters or {}).items() if k in FACETS}
    compiled = compile_query(text, filters=clean, statuses=statuses)
    compiled.query.limit = RERANK_DEPTH
    engine = backend()
    answer = engine.search(compiled.query)
    ranked = (
        rerank(answer, person) if compiled.query.text else [(h.id, h.score) for h in answer.hits]
    )
    total = answer.total
    if compiled.query.text and semantic_enabled():
        ranked, total = _with_semantic(compiled, ranked, total, engine)
    pages = max(1, math.ceil(min(total, RERANK_DEPTH) / per_page))
    page = min(max(page, 1), pages)
    window = ranked[(page - 1) * per_page : page * per_page]
    ids = [item_id for item_id, _score in window]
    items = ContentItem.objects.filter(pk__in=ids).prefetch_related("translations", "skills")
    by_id = {i.pk: i for i in items}
    moments = _moments(ids, compiled) if compiled.query.text else {}
    results = []
    for rank, (item_id, _score) in enumerate(window, start=(page - 1) * per_page + 1):
        item = by_id.get(item_id)
        if item is None:  # deleted since it was indexed
            continue
        language = _display_language(item, person)
        translation = item.translation(language)
        wanted = compiled.stems.get(language, set())
        title = translation.title if translation else item.title()
        source = ""
        if translation is not None:
            source = translation.summary or translation.body
            if (
                translation.body
                and wanted
                and not any(t.text in wanted for t in analyze(translation.summary, language))
            ):
                source = (
                    html_to_text(translation.body) if item.kind == "article" else translation.body
                )
        results.append(
            Result(
                item=item,
                rank=rank,
                language=language,
                title=highlight(title, language, wanted),
                snippet=highlight(source, language, wanted, window=SNIPPET_WORDS),
                moment=moments.get(item_id),
            )
        )
    suggestion = ""
    if compiled.corrections:
        suggestion = " ".join(
            compiled.corrections.get(fold(w), w) for w in compiled.query.text.split()
        )
    return Results(
        query=compiled.query.text,
        results=results,
        total=total,
        page=page,
        pages=pages,
        facets=answer.facets,
        suggestion=suggestion if suggestion != compiled.query.text else "",
        took_ms=(time.perf_counter() - started) * 1000,
    )


def _with_semantic(
    compiled: Compiled, ranked: list[tuple[int, float]], total: int, engine: SearchBackend
) -> tuple[list[tuple[int, float]], int]:
    """Fuse the lexical ranking with the items nearest in meaning that pass the filters."""
    from dataclasses import replace

    from leerpad.search import semantic

    near = semantic.nearest(compiled.query.text, RERANK_DEPTH)
    if not near:
        return ranked, total
    # The same status and facet filters decide which of the nearest items may show.
    allowed_query = replace(compiled.query, text="", words={}, synonym_terms={}, surface=[])
    allowed_query.restrict_ids = near
    allowed = {hit.id for hit in engine.search(allowed_query).hits}
    meaning = [item_id for item_id in near if item_id in allowed]
    fused = semantic.fuse([item_id for item_id, _score in ranked], meaning)[:RERANK_DEPTH]
    return fused, max(total, len(fused))
