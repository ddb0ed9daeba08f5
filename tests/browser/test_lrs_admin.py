"""The statement browser: filtering updates the table in place (htmx), a statement opens."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from leerpad.accounts.models import Person
from leerpad.lrs import services
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client as LrsClient
from leerpad.privacy.models import AccessRecord
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser

ADL = "http://adlnet.gov/expapi/verbs/"


def _statement(address: str, verb: str, course: str) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": address.split("@")[0],
            "mbox": f"mailto:{address}",
        },
        "verb": {"id": ADL + verb, "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": f"https://leerpad.example/courses/{course}",
            "definition": {"name": {"en-US": course.title()}},
        },
    }


def test_filter_the_statements_and_open_one(
    ada: Person, lena: Person, page: Page, login: LogIn, screenshots: Path
) -> None:
    moodle = LrsClient.objects.create(
        name="Moodle", key="moodle", secret_hash=hash_secret("s"), scopes=["all"]
    )
    guest = _statement("guest@partner.example", "passed", "safety")
    services.record_statements(
        [
            _statement(lena.email, "experienced", "safety"),
            _statement(lena.email, "completed", "safety"),
            guest,
        ],
        version="1.0.3",
        authority=services.client_authority(moodle),
        client=moodle,
    )
    services.record_for_person(
        lena,
        ADL + "experienced",
        {"en-US": "experienced"},
        {"objectType": "Activity", "id": "https://leerpad.example/courses/till"},
    )

    login(page, ada)
    page.click("nav.nav-wide a[data-section=records]")
    rows = page.locator("#records-results tbody tr")
    expect(rows).to_have_count(4)
    assert page.locator("nav.nav-wide a[aria-current=page]").get_attribute("data-section") == (
        "records"
    )
    # Filtering replaces the table only: the page itself stays (no reload).
    page.evaluate("window.stillHere = true")

    page.select_option("select[name=client]", str(moodle.pk))
    expect(rows).to_have_count(3)
    # One person's record: first say why (she can read it under "Who looked at my data").
    page.fill("input[name=actor]", lena.email)
    page.get_by_label("Why do you need to see this?").fill("Support ticket 42: missing course")
    page.screenshot(path=screenshots / "records-reason.png", full_page=True)
    page.locator("form:has(textarea[name=reason]) button[type=submit]").click()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Lena Test")
    assert AccessRecord.objects.filter(subject=lena, viewer=ada).count() == 1
    page.evaluate("window.stillHere = true")
    page.fill("input[name=actor]", "guest@partner.example")
    expect(rows).to_have_count(1)
    assert page.evaluate("window.stillHere") is True
    # The address bar follows the filters, so the view can be bookmarked or shared.
    query = parse_qs(urlsplit(page.url).query)
    assert query["actor"] == ["guest@partner.example"] and query["client"] == [str(moodle.pk)]
    page.screenshot(path=screenshots / "records-filtered.png", full_page=True)

    with page.expect_navigation():
        rows.first.locator("a.statement-link").click()
    assert re.fullmatch(rf"/records/statements/{guest['id']}/", urlsplit(page.url).path)
    document = page.locator("pre.statement-json").inner_text()
    assert f'"id": "{guest["id"]}"' in document
    assert '"mbox": "mailto:guest@partner.example"' in document
    expect(page.locator("dl.statement-facts")).to_contain_text("Moodle")
    page.screenshot(path=screenshots / "records-statement.png", full_page=True)
