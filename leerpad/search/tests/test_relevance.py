"""The search judged on our own graded query set over the demo catalogue.

The floor is below what the search scores today, to catch regressions, not to chase the
set: see relevance/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leerpad.catalog import services
from leerpad.catalog.demo import CONTENT
from leerpad.catalog.importing import preview
from leerpad.search import service
from leerpad.search.evaluation import evaluate, ndcg, reciprocal_rank

QUERIES = Path(__file__).parent / "relevance" / "queries.json"
GLOSSARY = Path(service.__file__).parent / "glossary" / "default.json"
NDCG_FLOOR = 0.75


def test_ndcg_and_mrr_arithmetic() -> None:
    relevant = {"a": 3, "b": 1}
    assert ndcg(["a", "b"], relevant) == pytest.approx(1.0)
    assert ndcg(["b", "a"], relevant) < 1.0
    assert ndcg(["x", "y"], relevant) == 0.0
    assert reciprocal_rank(["x", "b", "a"], relevant) == pytest.approx(0.5)


@pytest.mark.django_db
def test_demo_catalogue_relevance() -> None:
    from leerpad.search.models import SynonymGroup

    if not SynonymGroup.objects.exists():  # the data migration loads it; be explicit
        groups = json.loads(GLOSSARY.read_text(encoding="utf-8"))
        SynonymGroup.objects.bulk_create(SynonymGroup(terms=t) for t in groups)
    from leerpad.accounts.demo import HEAD_OFFICE, STORE_ROLES, STORES
    from leerpad.accounts.models import JobRole, Location

    for store in (*STORES, HEAD_OFFICE):
        Location.objects.get_or_create(name=store.name)
    for role, _share in STORE_ROLES:
        JobRole.objects.get_or_create(name=role)
    for role in ("HR partner", "Controller", "Customer service agent", "Buyer"):
        JobRole.objects.get_or_create(name=role)
    files = sorted(CONTENT.glob("*.json"), key=lambda p: p.name != "skills.json")
    for path in files:
        plan = preview(path.read_bytes(), path.name)
        assert plan.is_valid, (path.name, plan.errors, [r.errors for r in plan.error_rows()][:3])
        services.upsert_skills(plan.skills)
        refs = services.References.load()
        for row in plan.rows:
            assert row.spec is not None
            services.apply_item(None, row.spec, by=None, refs=refs, notify=False)
    service.rebuild()
    report = evaluate(json.loads(QUERIES.read_text(encoding="utf-8")))
    summary = {kind: round(score, 3) for kind, score in report.by_kind().items()}
    assert report.ndcg >= NDCG_FLOOR, (report.ndcg, report.mrr, summary)
