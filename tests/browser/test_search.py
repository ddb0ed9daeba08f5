"""Search end to end: a learner searches in Dutch while typing, filters on videos, and
opens the video at the moment its transcript says the words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from leerpad.accounts.models import Person
from leerpad.catalog import services
from leerpad.catalog.models import ContentItem
from leerpad.catalog.schemas import ItemIn
from leerpad.lrs.models import Statement
from leerpad.search import service, tracking
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser

TRANSCRIPT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:06.000\nGoeiemorgen, vandaag openen we samen de winkel.\n\n"
    "00:01:05.000 --> 00:01:12.000\nEerst zet je de verlichting aan in de tuinafdeling.\n\n"
    "00:03:10.000 --> 00:03:18.000\n"
    "Dan schakel je het alarm uit: de alarmcode krijg je van je teamleider.\n"
)


def _item(**fields: object) -> ContentItem:
    spec = ItemIn.model_validate({"status": "published", "language": "nl", **fields})
    return services.save_item(None, spec, by=None)


def test_search_filter_and_open_the_video_at_the_moment(
    lena: Person, new_page: Callable[..., Page], login: LogIn, screenshots: Path
) -> None:
    video = _item(
        kind="video",
        duration_minutes=6,
        translations={"nl": {"title": "De winkel openen", "summary": "Je eerste ochtend."}},
        transcripts={"nl": TRANSCRIPT},
    )
    video.file.save("winkel-openen.mp4", ContentFile(b"\x00" * 2048))
    _item(
        kind="document",
        translations={
            "nl": {"title": "Alarmcodes beheren", "summary": "Wie krijgt welke alarmcode?"}
        },
    )
    service.rebuild()

    page = new_page()
    login(page, lena)
    page.goto("/catalogue/")
    # The header box leads to the search page; results then come while typing.
    page.fill("#header-q", "alarm")
    with page.expect_navigation():
        page.press("#header-q", "Enter")
    page.fill("#search-q", "alarmcode")
    hits = page.locator("#search-results .hit")
    expect(hits).to_have_count(2)
    expect(page.locator("#search-results mark").first).to_be_visible()
    page.screenshot(path=screenshots / "search-results.png", full_page=True)

    page.check("input[name=kind][value=video]")
    expect(hits).to_have_count(1)
    expect(page.locator(".hit-title")).to_have_text("De winkel openen")
    moment = page.locator(".hit-moment a")
    expect(moment).to_contain_text("3:10")
    assert "kind=video" in page.url
    page.screenshot(path=screenshots / "search-filtered.png", full_page=True)

    with page.expect_navigation():
        moment.click()
    assert "t=190" in page.url
    expect(page.locator("[data-player]")).to_have_attribute("data-start", "190")
    current = page.locator(".cues li.is-current")
    expect(current).to_contain_text("alarmcode")
    page.screenshot(path=screenshots / "search-video-moment.png", full_page=True)

    # The click counts for search insights: the query and the rank go with it.
    selected = Statement.objects.get(verb_iri=tracking.VERB_SELECTED)
    extensions = selected.payload["context"]["extensions"]
    assert extensions[tracking.EXT_QUERY] == "alarmcode"
    assert Statement.objects.filter(verb_iri=tracking.VERB_SEARCHED).exists()


def test_keyboard_walks_the_results(
    lena: Person, new_page: Callable[..., Page], login: LogIn
) -> None:
    for title in ("Kassa openen", "Kassa afsluiten"):
        _item(kind="article", translations={"nl": {"title": title}})
    service.rebuild()
    page = new_page()
    login(page, lena)
    page.goto("/search/?q=kassa")
    page.evaluate("document.activeElement.blur()")  # the box has autofocus; start outside
    page.keyboard.press("/")
    expect(page.locator("#search-q")).to_be_focused()
    page.press("#search-q", "ArrowDown")
    expect(page.locator(".hit-title").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".hit-title").nth(1)).to_be_focused()
