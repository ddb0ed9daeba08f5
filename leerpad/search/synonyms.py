"""Synonym groups as the query builder needs them: which query words expand to which.

Groups are read from the database and kept per process until one changes (a cheap
count + latest-change query per search), so L&D's edits count at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max

from leerpad.search.analysis import LANGUAGES, stems
from leerpad.search.models import SynonymGroup

Key = tuple[str, ...]


@dataclass
class SynonymTable:
    # Per language: the stems of a term (first stem per word) -> the groups it is in.
    keys: dict[str, dict[Key, list[int]]] = field(default_factory=dict)
    groups: dict[int, list[str]] = field(default_factory=dict)
    longest: int = 1

    def expansions(self, words: list[list[str]], language: str) -> list[tuple[int, int, list[str]]]:
        """(first word, word count, other terms) for each run of query words that is a term."""
        table = self.keys.get(language, {})
        found = []
        for start in range(len(words)):
            for size in range(min(self.longest, len(words) - start), 0, -1):
                key = tuple(w[0] for w in words[start : start + size])
                for group_id in table.get(key, ()):
                    found.append((start, size, self.groups[group_id]))
        return found


def build_table(groups: list[tuple[int, list[str]]]) -> SynonymTable:
    table = SynonymTable(keys={lang: {} for lang in LANGUAGES})
    for group_id, terms in groups:
        table.groups[group_id] = terms
        for term in terms:
            for language in LANGUAGES:
                key = tuple(w[0] for w in stems(term, language))
                if key:
                    table.keys[language].setdefault(key, []).append(group_id)
                    table.longest = max(table.longest, len(key))
    return table


_cache: tuple[tuple[int, object], SynonymTable] | None = None


def current() -> SynonymTable:
    global _cache
    state = SynonymGroup.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    version = (int(state["n"]), state["latest"])
    if _cache is None or _cache[0] != version:
        groups = [(g.pk, list(g.terms)) for g in SynonymGroup.objects.all()]
        _cache = (version, build_table(groups))
    return _cache[1]
