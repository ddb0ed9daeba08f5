"""A manager parks a request from the board; the requester sees the notice (issue 8,
"Proof": "a manager parking a request")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerpad.accounts.models import Person
from leerpad.intake import services
from leerpad.intake.models import Event, Request
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser

TITLE = "Checkout training for the Saturday rush"
REASON = "We wait for the new tills that arrive in spring."


def test_manager_parks_a_request_and_the_requester_is_told(
    lena: Person,
    dirk: Person,
    greet: Person,
    new_page: Callable[..., Page],
    login: LogIn,
    screenshots: Path,
) -> None:
    for person in (lena, greet):
        person.language = "en"
        person.save(update_fields=["language"])
    request = services.submit(
        by=lena,
        title=TITLE,
        problem="Long queues at the tills on Saturdays.",
        audience="Cashiers",
        outcome="Shorter queues",
    )
    services.score(request, by=dirk, value=8, urgency=5, risk=2, effort_days=Decimal(6))
    revisit = timezone.localdate() + dt.timedelta(days=30)

    manager = new_page()  # each page is a fresh browser context: its own login
    login(manager, greet)
    manager.goto("/workspace/")
    manager.locator(".intake-tile").get_by_role("link", name="Board").click()
    expect(manager).to_have_url(re.compile(r"/workspace/requests/$"))
    expect(manager.locator("#column-scored")).to_contain_text(TITLE)
    manager.locator("#column-scored").get_by_role("link", name=TITLE).click()
    expect(manager.get_by_role("heading", name=TITLE)).to_be_visible()
    manager.locator("summary", has_text="Park").click()
    park_form = manager.locator("form[action$='/decide/park/']")
    park_form.get_by_label("Reason").fill(REASON)
    park_form.get_by_label("Revisit on").fill(revisit.isoformat())
    manager.screenshot(path=screenshots / "intake-park.png", full_page=True)
    park_form.get_by_role("button", name="Park the request").click()
    expect(manager.locator(".intake-revisit")).to_be_visible()
    expect(manager.locator(".intake-timeline")).to_contain_text(REASON)

    manager.get_by_role("link", name="Requests").first.click()
    parked = manager.locator("#column-parked")
    expect(parked).to_contain_text(TITLE)
    expect(parked).to_contain_text("back on")
    expect(manager.locator("#column-scored")).not_to_contain_text(TITLE)
    manager.screenshot(path=screenshots / "intake-board-parked.png", full_page=True)

    stored = Request.objects.get(pk=request.pk)
    assert stored.status == Request.Status.PARKED
    assert stored.revisit_on == revisit
    assert stored.events.get(kind=Event.Kind.PARKED).by == greet

    requester = new_page()
    login(requester, lena)
    requester.goto("/campaigns/notifications/")
    expect(requester.get_by_text(f"Your request “{TITLE}” was parked").first).to_be_visible()
    requester.goto("/workspace/requests/mine/")
    expect(requester.locator(".intake-mine")).to_contain_text("Parked")
    expect(requester.locator(".intake-mine")).to_contain_text(REASON)
    requester.screenshot(path=screenshots / "intake-requester-notice.png", full_page=True)
