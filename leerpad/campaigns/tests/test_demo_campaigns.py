"""The demo's campaigns: past campaigns with messages in every language and channel,
experiments whose outcomes are in the learning record (drawn by the demo's generator),
one running experiment; loading twice adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns import demo, results
from leerpad.campaigns.models import LANGUAGES, MESSAGE_PARTS, Campaign, Delivery, Experiment
from leerpad.campaigns.tests import segment_world
from leerpad.campaigns.tracking import LAUNCHED
from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Status
from leerpad.core import extensions as xapi
from leerpad.core.demo import DemoContext
from leerpad.lrs.models import Statement
from leerpad.paths.models import Step
from leerpad.paths.tests.learner_helpers import make_path

pytestmark = pytest.mark.django_db


def _item(title: str) -> ContentItem:
    item = ContentItem.objects.create(kind=Kind.ARTICLE, status=Status.PUBLISHED, language="en")
    ItemTranslation.objects.create(item=item, language="en", title=title)
    return item


@pytest.fixture
def loaded(
    django_capture_on_commit_callbacks: Any, make_person: Callable[..., Person]
) -> DemoContext:
    """The segment tests' small organisation, 60 more people, the campaigns' goal paths
    (one item step each), then the campaigns demo with its statements committed."""
    world = segment_world.build(django_capture_on_commit_callbacks)
    assert world.path.current is not None
    Step.objects.create(
        version=world.path.current, position=0, kind=Step.Kind.ITEM, item=world.item
    )
    for key in ("onboarding-sales-associate", "complaint-handling", "digital-skills"):
        make_path(key, [{"item": _item(key)}])
    languages = ("nl", "fr", "en")
    for i in range(60):
        make_person(f"P{i:02d}", language=languages[i % 3])
    ctx = DemoContext(rng=random.Random(1), password="x")
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(ctx)
    return ctx


def test_past_campaigns_and_one_running_with_messages_in_every_language(
    loaded: DemoContext,
) -> None:
    campaigns = {c.key: c for c in Campaign.objects.all()}
    assert set(campaigns) == {spec.key for spec in demo.CAMPAIGNS}
    statuses = sorted(c.status for c in campaigns.values())
    assert statuses == ["done", "done", "done", "running"]
    for campaign in campaigns.values():
        messages = list(campaign.messages.all())
        channels = {m.channel for m in messages}
        assert len(messages) == 3 and "email" in channels and "in_app" in channels
        assert channels & {"slack", "teams"}
        for message in messages:
            for language in LANGUAGES:
                assert all(message.texts[language][part] for part in MESSAGE_PARTS)
    done_with_experiment = Experiment.objects.filter(campaign__status="done")
    assert done_with_experiment.count() >= 2
    for experiment in Experiment.objects.all():
        a, b = experiment.variants.order_by("key")
        assert (a.key, b.key) == ("A", "B") and not a.texts
        assert set(b.texts) == set(LANGUAGES)
        assert experiment.varies == Experiment.Varies.HOOK
    running = Experiment.objects.get(status=Experiment.Status.RUNNING)
    assert running.campaign.status == Campaign.Status.RUNNING
    assert loaded.notes[-1].startswith("campaigns:")


def test_deliveries_are_in_the_past_and_the_running_one_only_sent_its_first_days(
    loaded: DemoContext,
) -> None:
    now = timezone.now()
    deliveries = Delivery.objects.all()
    assert deliveries.exists()
    assert not deliveries.exclude(status=Delivery.Status.SENT).exists()
    assert not deliveries.filter(sent_at__gt=now).exists()
    for campaign in Campaign.objects.all():
        assert campaign.deliveries.filter(clicked_at__isnull=False).exists()
        assert campaign.deliveries.filter(clicked_at__isnull=True).exists()
    running = Campaign.objects.get(status=Campaign.Status.RUNNING)
    assert running.send_at is not None
    sent = running.deliveries.values_list("sent_at", flat=True)
    assert sent and all(s is not None and s <= now for s in sent)
    # Started three days ago on a seven-day spread: only the first three days went out.
    assert all(s < running.send_at + dt.timedelta(days=3, hours=4) for s in sent if s)
    assert running.deliveries.count() < Person.objects.filter(is_active=True).count()


def test_every_click_is_a_launched_statement_with_campaign_message_and_variant(
    loaded: DemoContext,
) -> None:
    clicked = Delivery.objects.filter(clicked_at__isnull=False)
    launched = list(Statement.objects.filter(verb_iri=LAUNCHED).values_list("payload", flat=True))
    assert len(launched) == clicked.count() > 0
    by_key = {
        (d.campaign.key, str(d.message_id), d.variant): d
        for d in clicked.select_related("campaign")
    }
    for payload in launched:
        ext = payload["context"]["extensions"]
        assert ext[xapi.ARRIVAL] == "campaign"
        key = (ext[xapi.CAMPAIGN], ext[xapi.MESSAGE], ext.get(xapi.VARIANT, ""))
        assert key in by_key
    # Downstream: item views that arrived through the campaign, carrying the variant.
    views = Statement.objects.filter(verb_iri="http://id.tincanapi.com/verb/viewed")
    via_campaign = [
        p
        for p in views.values_list("payload", flat=True)
        if (p.get("context") or {}).get("extensions", {}).get(xapi.ARRIVAL) == "campaign"
    ]
    assert len(via_campaign) == clicked.exclude(campaign__goal_path=None).count()


def test_results_show_outcomes_per_variant(loaded: DemoContext) -> None:
    now = timezone.now()
    for experiment in Experiment.objects.filter(campaign__status="done"):
        found = results.results(experiment, now=now)
        arms = {arm.key: arm for arm in found.arms}
        assert set(arms) == {"A", "B"}
        for arm in arms.values():
            assert arm.shown and arm.delivered == arm.assigned > 0
            assert 0 < arm.clicked <= arm.delivered
            assert arm.visited > 0
        assert sum(arm.outcome for arm in arms.values()) > 0
    safety = Experiment.objects.get(campaign__key="safety-story-nudge")
    arms = {arm.key: arm for arm in results.results(safety, now=now).arms}
    assert all(arm.completed_step > 0 for arm in arms.values())
    welcome = Experiment.objects.get(campaign__key="welcome-new-hires")
    arms = {arm.key: arm for arm in results.results(welcome, now=now).arms}
    assert all(arm.enrolled > 0 for arm in arms.values())


def test_the_true_effects_come_from_the_generator() -> None:
    for spec in demo.CAMPAIGNS:
        if len(spec.arms) > 1:
            a, b = spec.arms["A"], spec.arms["B"]
            assert (b.click, b.enrol, b.complete) != (a.click, a.enrol, a.complete)


def test_loading_twice_adds_nothing(loaded: DemoContext) -> None:
    counts = (
        Campaign.objects.count(),
        Delivery.objects.count(),
        Statement.objects.count(),
        Experiment.objects.count(),
    )
    demo.load(DemoContext(rng=random.Random(2), password="x"))
    assert counts == (
        Campaign.objects.count(),
        Delivery.objects.count(),
        Statement.objects.count(),
        Experiment.objects.count(),
    )
