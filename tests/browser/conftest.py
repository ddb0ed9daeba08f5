"""Browser tests: real headless Chromium (Debian's package) driven by Playwright.

`make test-browser` installs Chromium (scripts/system-packages browser), runs
collectstatic, then these tests. The live server serves static files the way production
does: WhiteNoise from STATIC_ROOT with the hashed manifest names, not Django's finders.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    ViewportSize,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from leerpad import settings as project_settings
from leerpad.accounts.models import Person

CHROMIUM = os.environ.get("LEERPAD_CHROMIUM", "/usr/bin/chromium")
# The network is closed here and in CI: without the background-networking flags
# Chromium keeps retrying refused connections and pages wait on it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
TIMEOUT_MS = 15_000


def _no_static_handler(app: Any) -> Any:
    """Let requests for /static/ reach WhiteNoise, as they do in production."""
    return app


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, minus its finder-based static handler.

    That handler answers /static/ from the apps' source folders, where the hashed names
    of the manifest storage do not exist; going through WhiteNoise tests what
    collectstatic produced instead.
    """
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        pytest.fail(
            f"no collected static files in {settings.STATIC_ROOT}: "
            "run `make test-browser` (it runs collectstatic first)"
        )
    addr = request.config.getvalue("liveserver") or "127.0.0.1"
    server = LiveServer(addr, start=False)
    # Django types this as a handler class; any callable taking the app will do.
    server.thread.static_handler = _no_static_handler  # type: ignore[assignment]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `scripts/system-packages browser`")
    # Playwright's sync API runs an asyncio loop in this thread, so Django would refuse
    # the database calls that fixtures make here; nothing async touches the ORM in these
    # tests. Set only while Playwright runs: this conftest is imported by every pytest run
    # over tests/, and the flag must not leak into other tests (nor their subprocesses,
    # where `check --deploy` rightly rejects it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@dataclass
class ResponseLog:
    """Every response a page received, to assert that nothing it needed was missing."""

    responses: list[tuple[int, str]] = field(default_factory=list)
    failed_requests: list[tuple[str, str]] = field(default_factory=list)

    def record(self, response: Response) -> None:
        self.responses.append((response.status, response.url))

    def record_failure(self, request: Request) -> None:
        # A navigation cancels the loads still running on the page it leaves; only a
        # load that failed for another reason (refused, reset, blocked) is a fault.
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:
            self.failed_requests.append((request.url, failure))

    def static(self) -> list[tuple[int, str]]:
        return [(s, u) for s, u in self.responses if urlsplit(u).path.startswith("/static/")]

    def static_errors(self) -> list[tuple[int, str]]:
        return [(s, u) for s, u in self.static() if s >= 400]


@pytest.fixture(autouse=True)
def _production_static_storage(settings: Any) -> None:
    """Undo the root conftest's plain static storage: here collectstatic has run.

    Runs after the root conftest's autouse fixture (pytest orders autouse fixtures from
    the outermost conftest in), so the project's own setting wins again.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": project_settings.STORAGES["staticfiles"],
    }


@pytest.fixture
def response_log() -> ResponseLog:
    return ResponseLog()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, response_log: ResponseLog
) -> Iterator[Callable[..., Page]]:
    """Opens pages in fresh browser contexts (no shared cookies), each logged."""
    contexts: list[BrowserContext] = []

    def open_page(viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or DESKTOP, locale="nl-BE"
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("response", response_log.record)
        page.on("requestfailed", response_log.record_failure)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert response_log.static_errors() == [], "static files missing"
    assert response_log.failed_requests == [], "requests failed"


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


class LogIn(Protocol):
    def __call__(self, page: Page, person: Person, password: str = ...) -> None: ...


@pytest.fixture
def login(live_server: LiveServer) -> LogIn:
    """Logs in through the real form, as a person would."""

    def log_in(page: Page, person: Person, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", person.email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form:has(input[name=password]) button[type=submit]")

    return log_in


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder for screenshots (git-ignored), emptied once per run."""
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def reset_axes() -> Iterator[None]:
    """Forget failed logins before and after, so a lockout never leaks to other tests."""
    from axes.utils import reset

    reset()
    yield
    reset()
