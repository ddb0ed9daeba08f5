"""Switching language with the switcher, remembered on the person; screenshots per language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page

from leerpad.accounts.models import Person
from leerpad.core.navigation import section_by_slug
from tests.browser.conftest import PHONE, LogIn

pytestmark = pytest.mark.browser


def _learn_label(language: str) -> str:
    """The Learn section's label as Leerpad translates it (right with or without .mo)."""
    section = section_by_slug("learn")
    assert section is not None
    with translation.override(language):
        return str(section.label)


def _assert_language(page: Page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    current = page.locator(".language-switcher button[aria-current=true]")
    assert current.count() == 1
    assert current.get_attribute("value") == language
    assert page.locator("nav.nav-wide a[data-section=learn]").inner_text().strip() == (
        _learn_label(language)
    )


def _switch_to(page: Page, language: str) -> None:
    with page.expect_navigation():
        page.click(f".language-switcher button[name=language][value={language}]")


def test_switch_language_and_remember_it(
    lena: Person,
    new_page: Callable[..., Page],
    login: LogIn,
    screenshots: Path,
) -> None:
    page = new_page()
    login(page, lena)
    _assert_language(page, "nl")
    page.screenshot(path=screenshots / "nl-home.png", full_page=True)

    for language in ("fr", "en"):
        _switch_to(page, language)
        assert page.url.endswith("/")  # back on the page the switch was made from
        _assert_language(page, language)
        page.screenshot(path=screenshots / f"{language}-home.png", full_page=True)

    lena.refresh_from_db()
    assert lena.language == "en"

    with page.expect_navigation():
        page.click("form[action$='/accounts/logout/'] button[type=submit]")
    # Without the language cookie, only the saved preference can bring English back.
    page.context.clear_cookies()
    login(page, lena)
    _assert_language(page, "en")


def test_switch_language_before_logging_in(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    _switch_to(page, "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("input[name=username]").is_visible()


def _assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_phone_screenshots(
    lena: Person,
    new_page: Callable[..., Page],
    login: LogIn,
    screenshots: Path,
) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/accounts/login/")
    page.screenshot(path=screenshots / "phone-login.png", full_page=True)
    _assert_no_sideways_scroll(page)
    login(page, lena)
    page.screenshot(path=screenshots / "phone-home.png", full_page=True)
    _assert_no_sideways_scroll(page)

    # On a phone the navigation sits behind the Menu toggle.
    assert not page.locator("nav.nav-wide").is_visible()
    page.click("details.nav-toggle summary")
    assert page.locator("details.nav-toggle a[data-section=learn]").is_visible()
    page.screenshot(path=screenshots / "phone-home-menu.png", full_page=True)
    _assert_no_sideways_scroll(page)
