"""Logging in, out, the lockout after repeated failures, and keyboard access to the shell."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page

from leerpad.accounts.models import Person
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser


def _text(page: Page, message: str) -> str:
    """A message translated into the language the page is shown in."""
    with translation.override(page.locator("html").get_attribute("lang")):
        return gettext(message)


@pytest.mark.usefixtures("reset_axes")
def test_locked_out_after_repeated_failures(
    lena: Person, page: Page, login: LogIn, screenshots: Path
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for attempt in range(1, limit):
        login(page, lena, "not the password")
        assert urlsplit(page.url).path == "/accounts/login/", attempt
        assert page.locator("form .form-error[role=alert]").is_visible()

    login(page, lena, "not the password")
    assert page.locator("main h1").inner_text().strip() == _text(page, "Too many failed attempts")
    assert page.locator("input[name=password]").count() == 0
    page.screenshot(path=screenshots / "locked-out.png", full_page=True)

    # Even the right password is refused while the lockout lasts.
    login(page, lena)
    assert page.locator("main h1").inner_text().strip() == _text(page, "Too many failed attempts")
    response = page.goto("/")
    assert response is not None
    assert urlsplit(page.url).path == "/accounts/login/"


def test_wrong_password_then_right_one(lena: Person, page: Page, login: LogIn) -> None:
    """Runs after the lockout test in file order: a lockout there must not leak here."""
    login(page, lena, "not the password")
    assert page.locator("form .form-error[role=alert]").is_visible()
    login(page, lena)
    assert urlsplit(page.url).path == "/"


def test_log_out(lena: Person, page: Page, login: LogIn) -> None:
    login(page, lena)
    assert urlsplit(page.url).path == "/"
    with page.expect_navigation():
        page.click("form[action$='/accounts/logout/'] button[type=submit]")
    assert urlsplit(page.url).path == "/accounts/login/"
    assert page.locator("nav.nav-wide").count() == 0
    assert page.locator("form[action$='/accounts/logout/']").count() == 0
    assert "sessionid" not in {c["name"] for c in page.context.cookies()}

    page.goto("/")
    assert urlsplit(page.url).path == "/accounts/login/"
    assert "next=/" in page.url


@pytest.mark.parametrize("path", ["/", "/accounts/profile/", "/accounts/people/"])
def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(
    path: str, lena: Person, page: Page, login: LogIn
) -> None:
    """On the home page, a form page and the 403 page alike."""
    login(page, lena)
    page.goto(path)

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("class") == "skip-link"
    assert focused.inner_text().strip() == _text(page, "Skip to content")
    # Visible while focused (it hides off-screen otherwise).
    box = focused.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    # The next Tab continues inside main, past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_login_page_starts_in_the_email_field(page: Page) -> None:
    """The login page skips the skip link: focus starts where the person types."""
    page.goto("/accounts/login/")
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
