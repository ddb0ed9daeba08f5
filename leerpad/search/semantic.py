"""Optional semantic ranking: sentence embeddings fused with the lexical ranking.

Off unless LEERPAD_SEARCH_MODEL names a local folder with a sentence-transformers model
(never downloaded at run time). Then every indexed item also gets a vector (its titles
and summaries in all its languages), a query is embedded the same way, the nearest items
are found by cosine similarity, and the two rankings are merged with reciprocal rank
fusion (RRF), which needs no score calibration between BM25 and cosine. With a
multilingual model, a Dutch question finds an English video.

`sentence-transformers` and `torch` are an optional install: `make install-semantic`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from leerpad.core.logging import get_logger
from leerpad.search.documents import IndexDoc
from leerpad.search.models import ItemVector

log = get_logger(__name__)

RRF_K = 60  # the constant of Cormack et al. (2009); larger flattens the top ranks
TEXT_LIMIT = 1000


class Embedder:
    def __init__(self, path: str) -> None:
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found,unused-ignore]

        self.name = path
        self.model: Any = SentenceTransformer(path, device="cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        vectors = self.model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


@functools.cache
def _embedder(path: str) -> Embedder:
    return Embedder(path)


def embedder() -> Embedder | None:
    path = str(getattr(settings, "LEERPAD_SEARCH_MODEL", "") or "")
    return _embedder(path) if path else None


def text_of(doc: IndexDoc) -> str:
    parts = []
    for language in doc.languages:
        parts.append(doc.titles.get(language, ""))
        parts.append(doc.summaries.get(language, ""))
    parts.append(" ".join(doc.keywords.values()))
    return " ".join(p for p in parts if p)[:TEXT_LIMIT]


def store(docs: Iterable[IndexDoc]) -> int:
    """Embed and save the vectors of `docs`; returns how many were written."""
    model = embedder()
    if model is None:
        return 0
    batch = list(docs)
    if not batch:
        return 0
    vectors = model.encode([text_of(d) for d in batch])
    ItemVector.objects.filter(item_id__in=[d.id for d in batch]).delete()
    ItemVector.objects.bulk_create(
        ItemVector(item_id=d.id, model=model.name, vector=v.tobytes())
        for d, v in zip(batch, vectors, strict=True)
    )
    return len(batch)


class _Matrix:
    """All vectors of the current model in one array, reloaded when a vector changes."""

    def __init__(self) -> None:
        self.version: tuple[int, object] | None = None
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        self.lock = threading.Lock()

    def current(self, model: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        rows = ItemVector.objects.filter(model=model)
        state = rows.aggregate(n=Count("item_id"), latest=Max("updated_at"))
        version = (int(state["n"]), state["latest"])
        with self.lock:
            if version != self.version:
                pairs = list(rows.values_list("item_id", "vector"))
                self.ids = np.array([p[0] for p in pairs], dtype=np.int64)
                self.vectors = (
                    np.vstack([np.frombuffer(bytes(p[1]), dtype=np.float32) for p in pairs])
                    if pairs
                    else np.zeros((0, 0), dtype=np.float32)
                )
                self.version = version
            return self.ids, self.vectors


_matrix = _Matrix()


def nearest(query: str, k: int = 200) -> list[int]:
    """Ids of the `k` items closest in meaning to `query`, closest first."""
    model = embedder()
    if model is None or not query.strip():
        return []
    ids, vectors = _matrix.current(model.name)
    if not len(ids):
        return []
    q = model.encode([query])[0]
    scores = vectors @ q
    k = min(k, len(ids))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top])]
    return [int(ids[i]) for i in top]


def fuse(*rankings: Sequence[int]) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: each list gives 1 / (RRF_K + rank) to each of its ids."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item_id in enumerate(ranking, start=1):
            scores[item_id] = scores.get(item_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
