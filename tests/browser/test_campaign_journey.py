"""A marketer builds a segment, writes a campaign with two variants of its connecting text,
launches it, and reads the verdict once outcomes arrive (issue 7, "Proof")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from leerpad.accounts.models import Location, Person
from leerpad.campaigns import outbox, results
from leerpad.campaigns.models import Campaign, Delivery, Experiment, Segment
from leerpad.campaigns.stats import verdict as stats_verdict
from leerpad.lrs.services import record_for_person
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser

# Enough people that each variant (split at random, about half each) reaches the stats
# engine's minimums for a verdict (100 people and 30 outcomes per arm), far above k: with
# 280 people an arm under 100 is almost five standard deviations away.
PEOPLE_IN_GENT = 280
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


def _visit(person: Person, when: dt.datetime) -> None:
    """A statement in the LRS: the person came to Leerpad after the message."""
    record_for_person(
        person,
        EXPERIENCED,
        {"en-US": "experienced"},
        {"objectType": "Activity", "id": "https://leerpad.example/activities/home"},
        timestamp=when,
    )


def test_segment_campaign_experiment_verdict(
    mira: Person,
    gent: Location,
    make_person: Callable[..., Person],
    page: Page,
    login: LogIn,
    screenshots: Path,
) -> None:
    mira.language = "en"
    mira.save(update_fields=["language"])
    gent_people = [
        make_person(f"Gent{i}", location=gent, language="en") for i in range(PEOPLE_IN_GENT)
    ]
    elsewhere = Location.objects.create(name="Brugge", city="Brugge")
    for i in range(3):
        make_person(f"Brugge{i}", location=elsewhere, language="en")

    login(page, mira)
    # Campaigns -> Segments -> New segment: one rule, the live count, save.
    page.goto("/")
    page.get_by_role("link", name="Campaigns").first.click()
    page.get_by_role("link", name="Segments").click()
    page.get_by_role("button", name="New segment").click()
    page.get_by_label("Name").fill("Gent stores")
    page.locator("#add-type").select_option("location")
    page.get_by_role("button", name="Add rule").click()
    page.get_by_label("Locations").select_option(label="Gent")
    expect(page.locator("#audience .audience-count")).to_have_text(
        f"{PEOPLE_IN_GENT} people match now."
    )
    page.screenshot(path=screenshots / "campaign-segment.png", full_page=True)
    page.get_by_role("button", name="Save segment").click()
    expect(page).to_have_url(re.compile(r"/segments/$"))
    expect(page.get_by_role("link", name="Gent stores")).to_be_visible()
    segment = Segment.objects.get(name="Gent stores")

    # A one-off campaign for the segment with an in-app message.
    page.get_by_role("link", name="Campaigns").first.click()
    page.get_by_role("button", name="New campaign").click()
    page.locator("#id_name").fill("Come and learn")
    page.locator("#id_segment").select_option(str(segment.pk))
    page.locator("#id_goal").select_option(Campaign.Goal.VISIT)
    page.locator("#id_schedule").select_option(Campaign.Schedule.ONCE)
    page.locator("#id_send_at").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("summary", has_text="In Leerpad").click()
    page.locator("#msg-in_app summary[lang=en]").click()
    page.locator("#id_in_app-en_hook").fill("{first_name}, there is something new")
    page.locator("#id_in_app-en_story").fill("Ten minutes on the new till.")
    page.locator("#id_in_app-en_ask").fill("Have a look")
    page.get_by_role("button", name="Save campaign").click()
    expect(page.get_by_text("Campaign “Come and learn” saved.")).to_be_visible()
    campaign = Campaign.objects.get(name="Come and learn")

    # An experiment on the connecting text: A as written, B another hook.
    page.get_by_role("link", name="Set up an experiment").click()
    page.locator("#id_varies").select_option(Experiment.Varies.HOOK)
    page.locator("#id_metric").select_option(Experiment.Metric.VISITED)
    page.locator("#id_B-name").fill("Curious")
    page.locator("#id_B-text_en").fill("{first_name}, did you know?")
    page.get_by_role("button", name="Save the experiment").click()
    expect(page.get_by_text("Experiment saved.")).to_be_visible()
    expect(page.locator("#power-plan")).to_contain_text(f"The segment has {PEOPLE_IN_GENT}")
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.get_by_text("Experiment started")).to_be_visible()

    # Launch, through the confirmation page.
    page.get_by_role("link", name="Come and learn").click()
    page.get_by_role("button", name="Launch", exact=True).click()
    expect(page.locator("#launch-summary")).to_contain_text(f"{PEOPLE_IN_GENT} in the segment")
    page.get_by_role("button", name="Launch the campaign").click()
    expect(page.get_by_text(f"Launched: {PEOPLE_IN_GENT} messages planned.")).to_be_visible()

    # The outbox sends the messages when they are due, as its background task does.
    send_time = max(
        Delivery.objects.filter(campaign=campaign).values_list("scheduled_for", flat=True)
    )
    sent = 0
    while run := outbox.process(now=send_time + dt.timedelta(minutes=1)).sent:
        sent += run
    assert sent == PEOPLE_IN_GENT

    # Outcomes arrive: 35 of A's people visit, all but five of B's.
    deliveries = list(Delivery.objects.filter(campaign=campaign).select_related("person"))
    assert all(d.sent_at is not None for d in deliveries)
    assert {d.person_id for d in deliveries} == {p.pk for p in gent_people}
    by_arm = {key: [d for d in deliveries if d.variant == key] for key in ("A", "B")}
    assert all(len(found) >= stats_verdict.MIN_PEOPLE_PER_ARM for found in by_arm.values()), {
        k: len(v) for k, v in by_arm.items()
    }
    visits = {"A": 35, "B": len(by_arm["B"]) - 5}
    for key, count in visits.items():
        for delivery in by_arm[key][:count]:
            assert delivery.sent_at is not None
            _visit(delivery.person, delivery.sent_at + dt.timedelta(minutes=5))

    experiment = Experiment.objects.get(campaign=campaign)
    expected = results.results(experiment)
    assert [(a.key, a.assigned, a.delivered, a.visited) for a in expected.arms] == [
        ("A", len(by_arm["A"]), len(by_arm["A"]), 35),
        ("B", len(by_arm["B"]), len(by_arm["B"]), visits["B"]),
    ]
    # Enough outcomes in every arm: a verdict, not "not enough results yet".
    assert expected.verdict is not None
    assert expected.verdict.variants[0].status is stats_verdict.Status.BETTER
    assert expected.text.startswith("Variant B")

    page.get_by_role("link", name="Results and verdict").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text(expected.text)
    expect(verdict).to_contain_text(expected.question)
    rows = page.locator("#funnel tbody tr")
    expect(rows).to_have_count(2)
    for index, arm in enumerate(expected.arms):
        row = rows.nth(index)
        expect(row.locator("th")).to_have_text(f"{arm.key} · {arm.name}")
        assert arm.rate is not None
        stages = [getattr(arm, stage) for stage in results.STAGES]
        expect(row.locator("td")).to_have_text(
            [str(n) for n in stages] + [str(arm.unsubscribed), f"{round(arm.rate * 100)}%"]
        )
    page.screenshot(path=screenshots / "campaign-verdict.png", full_page=True)
