"""L&D builds a path: add a step found by search, drag a step to another place, publish,
and see it as a learner would."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from leerpad.accounts.models import Person
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.paths import services_builder
from leerpad.paths.models import Step
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser


def _titles(page: Page) -> list[str]:
    return [
        " ".join(text.split())
        for text in page.locator("#steps-panel li[data-step-id] .step-title").all_inner_texts()
    ]


def _drag(page: Page, source: Locator, target: Locator) -> None:
    """Drag with the mouse in small moves, as a hand does (HTML5 drag and drop)."""
    # Both ends on screen: a drag cannot scroll the page on its way.
    target.evaluate("el => el.scrollIntoView({block: 'center'})")
    start, end = source.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 20, end["y"] + end["height"] / 4, steps=10)
    page.mouse.up()


def test_build_a_path_by_search_and_drag(
    dirk: Person, page: Page, login: LogIn, screenshots: Path
) -> None:
    dirk.language = "en"
    dirk.save(update_fields=["language"])
    first = make_item(
        "Welcome to the store", translations={"en": {"title": "Welcome to the store"}}
    )
    second = make_item("Opening the till", translations={"en": {"title": "Opening the till"}})
    make_item(
        "Handling complaints calmly", translations={"en": {"title": "Handling complaints calmly"}}
    )
    path = services_builder.create_path("first-week", {"en": "Your first week"}, by=dirk)
    draft = services_builder.draft_of(path, dirk)
    services_builder.add_step(draft, Step.Kind.ITEM, item=first)
    services_builder.add_step(draft, Step.Kind.ITEM, item=second)

    login(page, dirk)
    page.goto("/paths/manage/first-week/")
    expect(page.locator("#steps-panel li[data-step-id]")).to_have_count(2)

    # Add a step from search (htmx results while typing).
    page.fill("#add-q", "complaints")
    page.get_by_role("button", name="Add “Handling complaints calmly” as a step").click()
    expect(page.locator("#steps-panel li[data-step-id]")).to_have_count(3)

    # Drag the new last step to the top; the server keeps the order.
    rows = page.locator("#steps-panel li[data-step-id]")
    with page.expect_response(lambda r: "/steps/order" in r.url) as answer:
        _drag(page, rows.nth(2).locator(".drag-handle"), rows.nth(0))
    assert answer.value.status == 200
    expected = ["Handling complaints calmly", "Welcome to the store", "Opening the till"]
    ordered = list(Step.objects.filter(version=draft).order_by("position"))
    assert [s.item.title() for s in ordered if s.item] == expected
    page.reload()
    assert _titles(page) == expected
    page.screenshot(path=screenshots / "builder.png", full_page=True)

    # Preview as a learner, then publish.
    page.get_by_role("button", name="Preview as a learner").click()
    expect(page.get_by_text("Handling complaints calmly").first).to_be_visible()
    page.go_back()
    page.locator("[name=change_note]").fill("First version")
    page.get_by_role("button", name="Publish version 1").click()
    path.refresh_from_db()
    assert path.current is not None and path.current.number == 1
