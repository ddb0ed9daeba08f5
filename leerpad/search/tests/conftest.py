from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.catalog import services
from leerpad.catalog.models import ContentItem
from leerpad.catalog.schemas import ItemIn
from leerpad.search import service


@pytest.fixture
def make_item(db: None) -> Callable[..., ContentItem]:
    """Save an item the way the app does, then index it (on_commit does not run in tests)."""

    def make(title: str, language: str = "nl", **fields: Any) -> ContentItem:
        translations = fields.pop("translations", None) or {
            language: {"title": title, "summary": fields.pop("summary", "")}
        }
        spec = ItemIn.model_validate(
            {
                "kind": fields.pop("kind", "article"),
                "status": fields.pop("status", "published"),
                "language": language,
                "translations": translations,
                **fields,
            }
        )
        item = services.save_item(None, spec, by=None)
        service.index_items([item.pk])
        return item

    return make
