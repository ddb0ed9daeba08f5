"""The small interface every search backend implements, and the values it speaks in.

The service (`leerpad.search.service`) does what is the same for every engine: who may
see what, boosts for the person, highlighting, "did you mean", analytics. A backend
only keeps documents and answers a request with scored ids and facet counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from leerpad.search.documents import IndexDoc

# Facets the index counts: name -> the IndexDoc attribute it reads.
FACETS = ("kind", "languages", "level", "duration", "skills", "locations")

# Duration buckets in minutes: (key, lowest, highest) — highest excluded.
DURATIONS: tuple[tuple[str, int, int], ...] = (
    ("short", 1, 10),
    ("medium", 10, 30),
    ("long", 30, 120),
    ("day", 120, 10**9),
)


def duration_bucket(minutes: int) -> str:
    for key, low, high in DURATIONS:
        if low <= minutes < high:
            return key
    return ""


@dataclass
class Query:
    """What the backend is asked: the words, expanded, and the filters."""

    text: str
    # Per language: per query word, the stems that stand for it (the word, its
    # compound parts, a typo's correction), and phrases from synonyms.
    words: dict[str, list[list[str]]] = field(default_factory=dict)
    synonym_terms: dict[str, list[list[str]]] = field(default_factory=dict)
    surface: list[str] = field(default_factory=list)  # folded words as typed (fuzzy)
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> values
    statuses: tuple[str, ...] = ("published",)
    limit: int = 200
    # Only these items (semantic candidates being checked against the filters).
    restrict_ids: list[int] | None = None


@dataclass
class Hit:
    id: int
    score: float
    published: int = 0
    useful: int = 0


@dataclass
class Answer:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchBackend(Protocol):
    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents; returns how many were written."""
        ...

    def delete(self, ids: Iterable[int]) -> None: ...

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Replace the whole index by `docs`; searches keep working meanwhile."""
        ...

    def search(self, query: Query) -> Answer: ...

    def count(self) -> int: ...

    def vocabulary(self) -> dict[str, int]:
        """Every folded word in the index and in how many documents: for typo correction."""
        ...
