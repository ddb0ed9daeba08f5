"""Each role sees exactly its sections, and a forbidden one answers with the friendly 403."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from leerpad.accounts.models import Person
from leerpad.core.access import can
from leerpad.core.navigation import SECTIONS
from tests.browser.conftest import LogIn, ResponseLog

pytestmark = pytest.mark.browser

PERSONAS = ["lena", "cas", "dirk", "mira", "greet", "ada"]


def _nav_links(page: Page) -> list[tuple[str, str]]:
    """(slug, label) of each link in the wide navigation, in page order."""
    links = page.locator("nav.nav-wide a[data-section]")
    return [
        (str(links.nth(i).get_attribute("data-section")), links.nth(i).inner_text().strip())
        for i in range(links.count())
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_exactly_its_sections(
    persona: str,
    request: pytest.FixtureRequest,
    page: Page,
    login: LogIn,
    screenshots: Path,
) -> None:
    person: Person = request.getfixturevalue(persona)
    allowed = [s for s in SECTIONS if can(person, s.capability)]
    forbidden = [s for s in SECTIONS if not can(person, s.capability)]

    login(page, person)

    assert urlsplit(page.url).path == "/"
    # Logging in switches to the person's own language.
    assert page.locator("html").get_attribute("lang") == person.language
    with translation.override(person.language):
        expected = [(s.slug, str(s.label)) for s in allowed]
        not_open = gettext("This page is not open to you")
    assert _nav_links(page) == expected
    # The narrow-screen menu offers the same sections.
    narrow = page.locator("details.nav-toggle a[data-section]")
    assert narrow.evaluate_all("els => els.map(e => e.dataset.section)") == [
        slug for slug, _ in expected
    ]
    assert (
        page.locator("nav.nav-wide a[aria-current=page]").get_attribute("data-section") == "learn"
    )

    for section in forbidden:
        response = page.goto(section.url())
        assert response is not None
        assert response.status == 403, section.slug
        assert page.locator("main h1").inner_text().strip() == not_open
        if persona == "lena" and section.slug == "admin":
            page.screenshot(path=screenshots / "nl-403.png", full_page=True)
        # The shell still works on the error page: the person can find their way back.
        assert [slug for slug, _ in _nav_links(page)] == [slug for slug, _ in expected]

    for section in allowed:
        response = page.goto(section.url())
        assert response is not None
        assert response.status == 200, section.slug
        assert (
            page.locator("nav.nav-wide a[aria-current=page]").get_attribute("data-section")
            == section.slug
        )


def test_static_files_load_from_collectstatic(
    page: Page, live_server: LiveServer, response_log: ResponseLog
) -> None:
    """CSS and JS arrive through WhiteNoise under their hashed names, and take effect."""
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")

    loaded = {urlsplit(url).path for status, url in response_log.static() if status == 200}
    for name in (
        r"/static/vendor/pico/pico\.jade\.min\.[0-9a-f]{12}\.css",
        r"/static/leerpad/app\.[0-9a-f]{12}\.css",
        r"/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js",
    ):
        assert any(re.fullmatch(name, path) for path in loaded), (name, loaded)
    assert response_log.static_errors() == []

    # app.css is applied (the skip link is off-screen until focused) and htmx has run.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position")
        == "absolute"
    )
    assert page.evaluate("typeof window.htmx") == "object"
    # Pico is applied: its design tokens are defined.
    assert page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--pico-primary').trim()"
    )


def test_leerpad_green_is_the_primary_colour(page: Page) -> None:
    page.goto("/accounts/login/")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('main button[type=submit]')).backgroundColor"
    )
    assert background == "rgb(0, 101, 76)"  # --leerpad-green, #00654c
