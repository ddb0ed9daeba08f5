"""Judging the search: nDCG@10 and MRR over a set of queries with graded answers.

A query set is a JSON list of `{"q": ..., "lang": ..., "relevant": {external_id: grade}}`
with grades 3 (the best answer), 2 (good) and 1 (related). The tests hold the search to
a floor on our own set; `leerpad searchindex evaluate FILE` runs any set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from leerpad.catalog.models import ContentItem
from leerpad.search import service


def dcg(grades: Sequence[int]) -> float:
    return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades)))


def ndcg(ranked: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevant.get(x, 0) for x in ranked[:k]]) / ideal


def reciprocal_rank(ranked: Sequence[str], relevant: dict[str, int]) -> float:
    for i, x in enumerate(ranked):
        if relevant.get(x, 0) > 0:
            return 1 / (i + 1)
    return 0.0


@dataclass
class Report:
    ndcg: float
    mrr: float
    per_query: list[dict[str, Any]] = field(default_factory=list)

    def by_kind(self) -> dict[str, float]:
        kinds: dict[str, list[float]] = {}
        for q in self.per_query:
            kinds.setdefault(q.get("kind", ""), []).append(q["ndcg"])
        return {k: sum(v) / len(v) for k, v in sorted(kinds.items())}


def evaluate(queries: Sequence[dict[str, Any]], k: int = 10) -> Report:
    external = dict(ContentItem.objects.values_list("pk", "external_id"))
    rows = []
    for query in queries:
        found = service.search(query["q"], per_page=k)
        ranked = [external.get(r.item.pk, "") for r in found.results]
        relevant = {str(key): int(grade) for key, grade in query["relevant"].items()}
        rows.append(
            {
                "q": query["q"],
                "kind": query.get("kind", ""),
                "ndcg": ndcg(ranked, relevant, k),
                "rr": reciprocal_rank(ranked, relevant),
                "top": ranked[:3],
            }
        )
    n = max(len(rows), 1)
    return Report(
        ndcg=sum(r["ndcg"] for r in rows) / n, mrr=sum(r["rr"] for r in rows) / n, per_query=rows
    )
