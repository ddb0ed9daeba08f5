"""Status changes follow the same rules from the form, the API and bulk actions."""

from __future__ import annotations

import pytest

from leerpad.catalog.schemas import ItemIn
from leerpad.catalog.services import CatalogError, save_item, set_status

pytestmark = pytest.mark.django_db


def _spec(status: str) -> ItemIn:
    return ItemIn.model_validate(
        {"kind": "article", "status": status, "translations": {"nl": {"title": "Kassa"}}}
    )


def test_save_refuses_a_move_the_rules_do_not_allow() -> None:
    item = save_item(None, _spec("published"), by=None)
    with pytest.raises(CatalogError, match="cannot go from"):
        save_item(item, _spec("review"), by=None)
    item.refresh_from_db()
    assert item.status == "published"
    assert save_item(item, _spec("archived"), by=None).status == "archived"


def test_bulk_moves_are_all_or_nothing() -> None:
    published = save_item(None, _spec("published"), by=None)
    draft = save_item(None, _spec("draft"), by=None)
    with pytest.raises(CatalogError):
        set_status([draft, published], "review", by=None)
    draft.refresh_from_db()
    assert draft.status == "draft"
