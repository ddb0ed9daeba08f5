"""L&D improves a path from its data: the funnel shows where learners stall, a suggestion
says what to change, accepting it makes a new draft in the builder, and once published the
funnel lists both versions (issue 6, "Proof": funnel -> suggestion -> new version)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.models import AcceptedSuggestion
from leerpad.analytics.tests.funnel_helpers import build_path, seed_a_stall
from leerpad.paths.models import Path as LearningPath
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser


def _titles(page: Page) -> list[str]:
    return [
        " ".join(text.split())
        for text in page.locator("#steps-panel li[data-step-id] .step-title").all_inner_texts()
    ]


def test_from_funnel_to_a_new_version(
    dirk: Person,
    make_person: Callable[..., Person],
    page: Page,
    login: LogIn,
    screenshots: Path,
) -> None:
    dirk.language = "en"
    dirk.save(update_fields=["language"])
    path, items = build_path("stock", ["Receiving goods", "Counting stock", "Reordering"], by=dirk)
    # 25 learners through the LRS (k = 5, and 20 at a step for a suggestion); 10 of them
    # take three weeks over "Counting stock".
    learners = [make_person(f"Learner{i}") for i in range(25)]
    seed_a_stall(path, items, learners, timezone.now() - dt.timedelta(days=40))
    sync.sync()

    login(page, dirk)
    page.goto("/analytics/paths/")
    page.get_by_role("link", name="Path stock").click()
    suggestion = page.locator("[data-suggestion]").first
    expect(suggestion).to_contain_text("“Counting stock” is where 40% of learners stall")
    expect(page.get_by_role("rowheader", name="2. Counting stock")).to_be_visible()
    page.screenshot(path=screenshots / "path-funnel.png", full_page=True)

    # Accept: a confirmation says what will change, then the builder opens on the draft.
    suggestion.get_by_role("button", name="Accept…").click()
    expect(
        page.get_by_text("Move step 2 “Counting stock” after step 3 “Reordering”.")
    ).to_be_visible()
    page.get_by_role("button", name="Make the new draft").click()
    expect(page).to_have_url(re.compile(r"/paths/manage/stock/$"))
    expect(page.locator("#steps-panel li[data-step-id]")).to_have_count(3)
    assert _titles(page) == ["Receiving goods", "Reordering", "Counting stock"]

    page.locator("[name=change_note]").fill("Counting stock after reordering (from the funnel)")
    page.get_by_role("button", name="Publish version 2").click()
    path = LearningPath.objects.get(pk=path.pk)
    assert path.current is not None and path.current.number == 2
    decision = AcceptedSuggestion.objects.get(path=path)
    assert decision.draft_version == path.current

    # The funnel now lists both versions and where version 2 came from.
    page.goto("/analytics/paths/stock/compare/")
    versions = page.locator("#versions-heading + .table-wrap tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(1)).to_contain_text("From a suggestion on version 1")
    expect(page.get_by_role("heading", name="Version 1: step by step")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 2: step by step")).to_be_visible()
    page.screenshot(path=screenshots / "path-funnel-versions.png", full_page=True)
