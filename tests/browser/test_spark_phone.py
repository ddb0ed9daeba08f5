"""A coach sends a photo spark from a phone-sized screen in a few taps, and the LD&M team
finds it on the triage board (issue 8, "Proof")."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from leerpad.accounts.models import Location, Person
from leerpad.sparks.models import Spark, Status
from tests.browser.conftest import PHONE, LogIn

pytestmark = pytest.mark.browser

CAPTION = "Seeds sorted by sowing month: customers find them at once"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (46, 125, 50)).save(out, "PNG")
    return out.getvalue()


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}, from {wide}"


def test_coach_sends_a_photo_spark_from_a_phone(
    cas: Person,
    mira: Person,
    new_page: Callable[[ViewportSize | None], Page],
    login: LogIn,
    screenshots: Path,
) -> None:
    for person in (cas, mira):
        person.language = "en"
        person.save(update_fields=["language"])

    phone = new_page(PHONE)
    login(phone, cas)
    # From the Learn home: the panel's button, then three taps (kind, photo, send).
    phone.goto("/")
    phone.get_by_role("button", name="Send a spark").click()
    expect(phone).to_have_url(re.compile(r"/workspace/sparks/send/$"))
    _no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "spark-phone-form.png", full_page=True)

    phone.locator("label.kind-card", has_text="Photo").click()
    expect(phone.locator("input[name=kind][value=photo]")).to_be_checked()
    phone.get_by_label("Tell us in a few words").fill(CAPTION)
    phone.set_input_files(
        "input[type=file][name=file]",
        files=[FilePayload(name="shelf.png", mimeType="image/png", buffer=_png())],
    )
    # The location comes from the coach's profile; the credit question defaults to yes.
    expect(phone.get_by_label("Location")).to_have_value(str(cas.location_id))
    expect(phone.get_by_label("You may name me when you use it")).to_be_checked()
    _no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Send the spark").click()

    expect(
        phone.get_by_role("heading", name="Thank you, your spark is on its way!")
    ).to_be_visible()
    expect(phone.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(phone.get_by_role("img", name="Your photo")).to_be_visible()
    _no_horizontal_scroll(phone)
    phone.screenshot(path=screenshots / "spark-phone-thanks.png", full_page=True)

    spark = Spark.objects.get()
    assert (spark.sender, spark.kind, spark.text) == (cas, "photo", CAPTION)
    assert spark.status == Status.NEW and spark.thumbnail

    # The marketer sees it on the board, with the thumbnail, the sender and the location.
    desk = new_page(None)
    login(desk, mira)
    desk.goto("/workspace/sparks/board/")
    card = desk.locator(f"#spark-{spark.pk}")
    expect(card).to_contain_text(CAPTION[:40])
    expect(card).to_contain_text("Cas Test")
    expect(card).to_contain_text("Gent")
    thumb = card.get_by_role("img", name="Photo")
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    # One tap moves it to "Marketing story" (htmx swaps the board in place).
    card.get_by_role("button", name="→ Marketing story").click()
    expect(desk.locator(".column-marketing").locator(f"#spark-{spark.pk}")).to_be_visible()
    desk.screenshot(path=screenshots / "spark-board.png", full_page=True)
    spark.refresh_from_db()
    assert spark.status == Status.MARKETING
    desk.locator(f"#spark-{spark.pk}").get_by_role("link", name=re.compile("Seeds sorted")).click()
    expect(desk.get_by_role("heading", name="What it became")).to_be_visible()
    desk.screenshot(path=screenshots / "spark-page.png", full_page=True)


def test_team_plans_and_logs_a_field_visit(
    dirk: Person,
    gent: Location,
    new_page: Callable[[ViewportSize | None], Page],
    login: LogIn,
    screenshots: Path,
) -> None:
    dirk.language = "en"
    dirk.save(update_fields=["language"])
    Location.objects.create(name="Liège", city="Liège")
    page = new_page(None)
    login(page, dirk)
    page.goto("/workspace/")
    page.get_by_role("link", name="Locations").click()
    expect(page.locator("tr.visit-overdue")).to_have_count(2)  # both never visited
    page.locator("tr", has_text="Gent").get_by_role("link", name="Plan one").click()
    expect(page.get_by_label("Location")).to_have_value(str(gent.pk))
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Purpose").fill("A day at the tills")
    page.get_by_role("button", name="Plan the visit").click()
    page.get_by_label("What we did").fill("Worked the tills from 9 to 5")
    page.get_by_label("What we learned").fill("The queue peaks at five")
    page.get_by_role("button", name="Log the visit").click()
    expect(page.get_by_text("Visit logged.")).to_be_visible()
    page.goto("/workspace/sparks/locations/")
    gent_row = page.locator("tr", has_text="Gent")
    expect(gent_row).to_contain_text("The queue peaks at five")
    expect(page.locator("tr.visit-overdue")).to_have_count(1)
    _no_horizontal_scroll(page)
    page.screenshot(path=screenshots / "spark-locations.png", full_page=True)
    phone = new_page(PHONE)
    login(phone, dirk)
    phone.goto("/workspace/sparks/locations/")
    phone.screenshot(path=screenshots / "spark-locations-phone.png", full_page=True)
