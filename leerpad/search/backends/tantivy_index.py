"""The embedded default backend: a Tantivy index on local disk.

Text goes in pre-tokenized by `leerpad.search.analysis`, one field per part and language
(`title_nl`, `body_fr`, ...), so BM25 weighs each field on its own and a query is matched
with the stems of each language. Facets and boosts read fast fields.

The folder holds numbered index generations and a `CURRENT` file naming the live one. A
rebuild writes a new generation and then swaps `CURRENT`, so searches in other processes
keep working on the old one until they see the change. One process writes at a time:
Tantivy's lock refuses a second writer, and we wait for it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy

from leerpad.core.logging import get_logger
from leerpad.search.analysis import LANGUAGES, Token, Vocabulary, analyze, words
from leerpad.search.backends.base import FACETS, Answer, Hit, Query, duration_bucket
from leerpad.search.documents import IndexDoc

log = get_logger(__name__)

SCHEMA_VERSION = 1
TEXT_PARTS = ("title", "keywords", "summary", "body", "transcript")
# BM25 is summed over fields; these weights say how much a match in each part counts.
WEIGHTS = {"title": 3.0, "keywords": 2.2, "summary": 1.5, "body": 1.0, "transcript": 1.0}
PHRASE_BOOST = 1.5
SYNONYM_WEIGHT = 0.8
FUZZY_WEIGHT = 0.5
WRITER_HEAP = 128_000_000
WRITE_BATCH = 5000


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for part in TEXT_PARTS:
        for language in LANGUAGES:
            b.add_text_field(f"{part}_{language}", tokenizer_name="raw")
    # Folded words as written, in any language: exact and fuzzy matching of what was typed.
    b.add_text_field("words", tokenizer_name="raw", index_option="freq")
    for name in ("kind", "status", "languages", "level", "duration"):
        b.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("skills", "job_roles", "locations"):
        b.add_unsigned_field(name, indexed=True, fast=True)
    b.add_unsigned_field("published", fast=True)
    b.add_unsigned_field("useful", fast=True)
    return b.build()


SCHEMA = _schema()


def _pretokenized(text: str, tokens: list[Token]) -> tantivy.PreTokenizedString:
    return tantivy.PreTokenizedString(
        text, [tantivy.Token(t.text, t.position, t.start, t.end) for t in tokens]
    )


class TantivyBackend:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._index: tantivy.Index | None = None
        self._generation: str | None = None
        self._checked = 0.0
        self._vocabulary: dict[str, int] | None = None
        self.compounds = Vocabulary()

    # --- generations ---------------------------------------------------------------------

    def _pointer(self) -> Path:
        return self.folder / "CURRENT"

    def _current_name(self) -> str | None:
        try:
            return self._pointer().read_text().strip() or None
        except FileNotFoundError:
            return None

    def _open(self) -> tantivy.Index:
        """The live index, reopened when another process swapped in a new generation."""
        now = time.monotonic()
        with self._lock:
            if self._index is not None and now - self._checked < 1.0:
                return self._index
            self._checked = now
            name = self._current_name()
            if name is None:
                name = self._new_generation()
                self._point_to(name)
            if name != self._generation or self._index is None:
                self._index = tantivy.Index(SCHEMA, path=str(self.folder / name), reuse=True)
                self._generation = name
                self._vocabulary = None
            else:
                self._index.reload()
            return self._index

    def _new_generation(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"v{SCHEMA_VERSION}-{time.time_ns()}"
        (self.folder / name).mkdir()
        return name

    def _point_to(self, name: str) -> None:
        tmp = self.folder / f"CURRENT.{os.getpid()}"
        tmp.write_text(name)
        os.replace(tmp, self._pointer())

    def _drop_old_generations(self, keep: str) -> None:
        for path in self.folder.glob(f"v{SCHEMA_VERSION}-*"):
            if path.name != keep and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
        for path in self.folder.glob("v*-*"):
            if not path.name.startswith(f"v{SCHEMA_VERSION}-"):
                shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def _writer(self, index: tantivy.Index, timeout: float = 30.0) -> Iterator[Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                writer = index.writer(WRITER_HEAP, 1)
                break
            except ValueError:
                # Another process holds the writer lock; it lets go after its commit.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise

    # --- writing -------------------------------------------------------------------------

    def _document(self, doc: IndexDoc) -> tantivy.Document:
        d = tantivy.Document()
        d.add_unsigned("id", doc.id)
        surface: set[str] = set()
        parts = {
            "title": doc.titles,
            "keywords": doc.keywords,
            "summary": doc.summaries,
            "body": doc.bodies,
            "transcript": doc.transcripts,
        }
        for part, texts in parts.items():
            for language, text in texts.items():
                if not text or language not in LANGUAGES:
                    continue
                tokens = analyze(text, language, self.compounds)
                if tokens:
                    d.add_pre_tokenized_text(f"{part}_{language}", _pretokenized(text, tokens))
                    surface.update(t.surface for t in tokens)
        if surface:
            ordered = sorted(surface)
            d.add_pre_tokenized_text(
                "words",
                tantivy.PreTokenizedString(
                    " ".join(ordered),
                    [tantivy.Token(w, i, 0, 0) for i, w in enumerate(ordered)],
                ),
            )
        d.add_text("kind", doc.kind)
        d.add_text("status", doc.status)
        for language in doc.languages:
            d.add_text("languages", language)
        if doc.level:
            d.add_text("level", doc.level)
        bucket = duration_bucket(doc.duration_minutes)
        if bucket:
            d.add_text("duration", bucket)
        for name in ("skills", "job_roles", "locations"):
            for value in getattr(doc, name):
                d.add_unsigned(name, value)
        d.add_unsigned("published", max(doc.published, 0))
        d.add_unsigned("useful", max(doc.useful, 0))
        return d

    def _learn_compounds(self, docs: list[IndexDoc]) -> None:
        # The content's own Dutch words are the best vocabulary for its compounds.
        self.compounds.add(
            w
            for doc in docs
            for texts in (doc.titles, doc.summaries, doc.keywords, doc.bodies)
            for w, _s, _e in words(texts.get("nl", ""), "nl")
        )

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        index = self._open()
        written = 0
        with self._writer(index) as writer:
            for batch in _batches(docs, WRITE_BATCH):
                self._learn_compounds(batch)
                for doc in batch:
                    writer.delete_documents_by_query(_by_id(doc.id))
                    writer.add_document(self._document(doc))
                written += len(batch)
        index.reload()
        self._vocabulary = None
        return written

    def delete(self, ids: Iterable[int]) -> None:
        index = self._open()
        with self._writer(index) as writer:
            for item_id in ids:
                writer.delete_documents_by_query(_by_id(item_id))
        index.reload()

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        name = self._new_generation()
        index = tantivy.Index(SCHEMA, path=str(self.folder / name))
        written = 0
        with self._writer(index) as writer:
            for batch in _batches(docs, WRITE_BATCH):
                self._learn_compounds(batch)
                for doc in batch:
                    writer.add_document(self._document(doc))
                written += len(batch)
        self._point_to(name)
        with self._lock:
            self._index, self._generation, self._vocabulary = None, None, None
        self._drop_old_generations(keep=name)
        return written

    # --- reading -------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._open().searcher().num_docs)

    def vocabulary(self) -> dict[str, int]:
        index = self._open()
        if self._vocabulary is None:
            searcher = index.searcher()
            # Every term of the folded-words field, with how many items have it.
            self._vocabulary = dict(searcher.terms_with_prefix("words", ""))
        return self._vocabulary

    def _text_query(self, query: Query) -> tantivy.Query | None:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        should = tantivy.Occur.Should

        def term(field: str, value: str, weight: float) -> None:
            q = tantivy.Query.term_query(SCHEMA, field, value)
            clauses.append((should, tantivy.Query.boost_query(q, weight)))

        for language, word_list in query.words.items():
            for alternatives in word_list:
                for n, stem in enumerate(alternatives):
                    # The word itself counts fully; compound parts and corrections a bit less.
                    factor = 1.0 if n == 0 else 0.7
                    for part in TEXT_PARTS:
                        term(f"{part}_{language}", stem, WEIGHTS[part] * factor)
            firsts = [alts[0] for alts in word_list]
            if len(firsts) >= 2:
                for part in ("title", "summary", "body", "transcript"):
                    phrase = tantivy.Query.phrase_query(
                        SCHEMA, f"{part}_{language}", list[str | tuple[int, str]](firsts), 1
                    )
                    clauses.append(
                        (should, tantivy.Query.boost_query(phrase, WEIGHTS[part] * PHRASE_BOOST))
                    )
            for term_stems in query.synonym_terms.get(language, []):
                for part in TEXT_PARTS:
                    field = f"{part}_{language}"
                    weight = WEIGHTS[part] * SYNONYM_WEIGHT
                    if len(term_stems) == 1:
                        term(field, term_stems[0], weight)
                    else:
                        phrase = tantivy.Query.phrase_query(
                            SCHEMA, field, list[str | tuple[int, str]](term_stems), 1
                        )
                        clauses.append((should, tantivy.Query.boost_query(phrase, weight)))
        for word in query.surface:
            if len(word) >= 5:
                fuzzy = tantivy.Query.fuzzy_term_query(
                    SCHEMA, "words", word, distance=1 if len(word) < 8 else 2
                )
                clauses.append((should, tantivy.Query.boost_query(fuzzy, FUZZY_WEIGHT)))
        if not clauses:
            return None
        return tantivy.Query.boolean_query(clauses)

    def _filter_clauses(
        self, query: Query, skip: str | None = None
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        must = tantivy.Occur.Must
        clauses = [
            (
                must,
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "status", s))
                        for s in query.statuses
                    ]
                ),
            )
        ]
        if query.restrict_ids is not None:
            # Term queries, not term_set_query: that one builds signed terms (see _by_id).
            ids = [(tantivy.Occur.Should, _by_id(i)) for i in query.restrict_ids]
            clauses.append((must, tantivy.Query.boolean_query(ids)))
        for facet, values in query.filters.items():
            if facet == skip or not values or facet not in FACETS:
                continue
            numeric = facet in {"skills", "locations"}
            options = []
            for value in values:
                if numeric:
                    if not str(value).isdigit():
                        continue
                    options.append(
                        (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, facet, int(value)))
                    )
                else:
                    options.append(
                        (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, facet, str(value)))
                    )
            if options:
                clauses.append((must, tantivy.Query.boolean_query(options)))
        return clauses

    def search(self, query: Query) -> Answer:
        index = self._open()
        searcher = index.searcher()
        text = self._text_query(query)
        if query.text.strip() and text is None:
            return Answer(hits=[], total=0, facets={})

        def combined(skip: str | None = None) -> tantivy.Query:
            clauses = self._filter_clauses(query, skip)
            if text is not None:
                clauses.insert(0, (tantivy.Occur.Must, text))
            return tantivy.Query.boolean_query(clauses)

        full = combined()
        if text is None:
            # No words: everything that passes the filters, newest first.
            result = searcher.search(full, query.limit, order_by_field="published")
        else:
            result = searcher.search(full, query.limit)
        addresses = [address for _score, address in result.hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        published = searcher.fast_field_values("published", addresses) if addresses else []
        useful = searcher.fast_field_values("useful", addresses) if addresses else []
        hits = [
            Hit(
                id=int(ids[i] or 0),
                score=float(score) if text is not None else 1.0,
                published=int(published[i] or 0),
                useful=int(useful[i] or 0),
            )
            for i, (score, _address) in enumerate(result.hits)
        ]
        facets = self._facets(searcher, query, combined)
        # The stubs miss `count`, which search(count=True) fills in.
        total = int(getattr(result, "count", 0) or 0)
        return Answer(hits=hits, total=total, facets=facets)

    def _facets(self, searcher: Any, query: Query, combined: Any) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        # A facet with a choice made is counted without that choice, so the other
        # options stay visible ("video (12)" while "document" is ticked).
        plain = [f for f in FACETS if not query.filters.get(f)]
        chosen = [f for f in FACETS if query.filters.get(f)]
        requests: list[tuple[tantivy.Query, list[str]]] = []
        if plain:
            requests.append((combined(), plain))
        requests.extend((combined(f), [f]) for f in chosen)
        for q, names in requests:
            spec = {name: {"terms": {"field": name, "size": 50}} for name in names}
            answer = searcher.aggregate(q, spec)
            for name in names:
                buckets = answer.get(name, {}).get("buckets", [])
                facets[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
        return facets


def _batches(docs: Iterable[IndexDoc], size: int) -> Iterator[list[IndexDoc]]:
    batch: list[IndexDoc] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _by_id(item_id: int) -> tantivy.Query:
    # A term query, not delete_documents_by_term: that one builds a signed-integer term,
    # which never matches the unsigned id field.
    return tantivy.Query.term_query(SCHEMA, "id", item_id)
