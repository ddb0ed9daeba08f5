"""The catalogue end to end: L&D creates an item with the form and publishes it from the
list; a learner finds it in the catalogue, opens it and marks it useful (htmx)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from leerpad.accounts.models import Person
from leerpad.catalog import tracking
from leerpad.catalog.models import ContentItem, Rating, Status
from leerpad.lrs.models import Statement
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser


def test_create_publish_open_and_mark_useful(
    dirk: Person,
    lena: Person,
    new_page: Callable[..., Page],
    login: LogIn,
    screenshots: Path,
) -> None:
    page = new_page()
    login(page, dirk)
    page.goto("/catalogue/manage/new")
    page.select_option("select[name=kind]", "article")
    page.select_option("select[name=status]", "draft")
    page.fill("input[name=title_nl]", "Vijf zinnen die een klacht kalmeren")
    page.fill("textarea[name=summary_nl]", "Wat je zegt, en wat je beter niet zegt.")
    page.fill("textarea[name=body_nl]", "<p>Laat de klant <strong>uitpraten</strong>.</p>")
    page.fill("input[name=duration_minutes]", "4")
    page.screenshot(path=screenshots / "catalog-new-item.png", full_page=True)
    with page.expect_navigation():
        page.click("form.item-form button[type=submit]")
    item = ContentItem.objects.get()
    assert item.status == Status.DRAFT and item.owner == dirk
    assert page.url.endswith(f"/catalogue/manage/{item.pk}/edit")

    # Publish it from the list: select its row, then the bulk action.
    page.goto("/catalogue/manage/")
    page.check(f"input[name=ids][value='{item.pk}']")
    expect(page.locator("[data-selected-count]")).to_have_text("1")
    page.screenshot(path=screenshots / "catalog-manage.png", full_page=True)
    with page.expect_navigation():
        page.click("button[name=action][value=publish]")
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    expect(page.locator(".status-published").first).to_be_visible()

    learner = new_page()
    login(learner, lena)
    learner.goto("/catalogue/")
    card = learner.locator(".item-card", has_text="Vijf zinnen die een klacht kalmeren")
    expect(card).to_be_visible()
    with learner.expect_navigation():
        card.locator("h3 a").click()
    expect(learner.locator("h1")).to_have_text("Vijf zinnen die een klacht kalmeren")
    expect(learner.locator(".article-body strong")).to_have_text("uitpraten")
    expect(learner.locator("nav.nav-wide a[aria-current=page]")).to_have_attribute(
        "data-section", "catalogue"
    )

    button = learner.locator("#useful button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()  # htmx swaps the form in place: no navigation
    expect(learner.locator("#useful button")).to_have_attribute("aria-pressed", "true")
    expect(learner.locator("[data-useful-count]")).to_contain_text("1")
    learner.screenshot(path=screenshots / "catalog-item-useful.png", full_page=True)
    assert Rating.objects.filter(item=item, person=lena).exists()
    assert Statement.objects.filter(verb_iri=tracking.LIKED).count() == 1
    assert Statement.objects.filter(verb_iri=tracking.VIEWED).count() == 1
