"""Planning with a running experiment: each person gets their variant's message, the
hold-out gets nothing (but is recorded), and the tracked link carries the variant."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.campaigns import experiments, outbox, services
from leerpad.campaigns.models import HOLDOUT_KEY, Delivery, Experiment, Message
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign
from leerpad.campaigns.tests.experiment_helpers import B_HOOK, experiment
from leerpad.core import extensions as xapi
from leerpad.lrs.models import Statement


@pytest.fixture
def people(make_person: Callable[..., Person]) -> list[Person]:
    return [make_person(f"P{i:02d}", language="en") for i in range(40)]


def test_each_person_gets_their_variants_message(people: list[Person]) -> None:
    exp = experiment()
    services.launch(exp.campaign, now=TUESDAY)
    outbox.process(TUESDAY)
    arms = experiments.arms_of(exp)
    rows = Delivery.objects.filter(campaign=exp.campaign).select_related("person")
    assert rows.count() == len(people)
    seen = set()
    for row in rows:
        expected = experiments.assign(exp.pk, row.person_id, arms, 0)
        assert row.variant == expected
        assert row.status == Delivery.Status.SENT
        seen.add(row.variant)
        name = row.person.first_name
        if row.variant == "B":
            assert row.payload["hook"] == B_HOOK["en"].format(first_name=name)
        else:
            assert row.payload["hook"] == f"Hi {name}"
    assert seen == {"A", "B"}
    # The campaign's own message is unchanged: the variant is applied when rendering.
    assert Message.objects.get(campaign=exp.campaign).texts["en"]["hook"] == "Hi {first_name}"


def test_the_holdout_gets_nothing_but_is_recorded(people: list[Person]) -> None:
    exp = experiment(holdout=20)
    counts = services.launch(exp.campaign, now=TUESDAY)
    outbox.process(TUESDAY)
    arms = experiments.arms_of(exp)
    held = {p.pk for p in people if experiments.assign(exp.pk, p.pk, arms, 20) == HOLDOUT_KEY}
    assert held  # meaningful only with some people held out (40 people at 20%)
    rows = Delivery.objects.filter(campaign=exp.campaign, variant=HOLDOUT_KEY)
    assert set(rows.values_list("person_id", flat=True)) == held
    assert set(rows.values_list("status", "reason").distinct()) == {
        (Delivery.Status.SKIPPED, Delivery.Reason.HOLDOUT)
    }
    assert counts.people == len(people) - len(held)
    assert Delivery.objects.filter(campaign=exp.campaign, status=Delivery.Status.SENT).count() == (
        len(people) - len(held)
    )


def test_a_draft_experiment_changes_nothing(people: list[Person]) -> None:
    exp = experiment(start=False)
    services.launch(exp.campaign, now=TUESDAY)
    assert not Delivery.objects.filter(campaign=exp.campaign).exclude(variant="").exists()


def test_a_channel_experiment_sends_each_arm_on_its_channel(people: list[Person]) -> None:
    made = campaign((Message.Channel.EMAIL, Message.Channel.IN_APP))
    exp = experiment(
        made,
        varies=Experiment.Varies.CHANNEL,
        variants=[
            experiments.VariantInput("Mail", {}, [Message.Channel.EMAIL], 0),
            experiments.VariantInput("In Leerpad", {}, [Message.Channel.IN_APP], 0),
        ],
    )
    services.launch(made, now=TUESDAY)
    for row in Delivery.objects.filter(campaign=made):
        assert row.channel == (Message.Channel.EMAIL if row.variant == "A" else "in_app")
    assert Delivery.objects.filter(campaign=made).count() == len(people)
    assert exp.variants.count() == 2


def test_the_tracked_link_carries_the_variant(client: Client, people: list[Person]) -> None:
    exp = experiment()
    services.launch(exp.campaign, now=TUESDAY)
    outbox.process(TUESDAY)
    delivery = Delivery.objects.filter(campaign=exp.campaign, variant="B").first()
    assert delivery is not None
    response = client.get(urlsplit(delivery.payload["link"]).path)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {"via": ["campaign"], "campaign": [exp.campaign.key], "variant": ["B"]}
    statement = Statement.objects.get(verb_iri="http://adlnet.gov/expapi/verbs/launched")
    assert statement.payload["context"]["extensions"][xapi.VARIANT] == "B"


def test_invalid_setups_are_refused(db: None) -> None:
    made = campaign()
    with pytest.raises(experiments.ExperimentError) as problem:
        experiment(
            made,
            holdout=30,
            metric=Experiment.Metric.ENROLLED,
            variants=[
                experiments.VariantInput("A", {}, [], 0),
                experiments.VariantInput("B", {"en": "  "}, [], 0),
            ],
        )
    text = " ".join(problem.value.messages)
    assert "hold-out" in text and "path" in text and "Variant B" in text


def test_an_experiment_that_assigned_people_cannot_change(people: list[Person]) -> None:
    exp = experiment()
    services.launch(exp.campaign, now=TUESDAY)
    experiments.stop(exp)
    with pytest.raises(experiments.ExperimentError):
        experiments.save_experiment(
            exp,
            [
                experiments.VariantInput("A", {}, [], 0),
                experiments.VariantInput("B", {"en": "Other"}, [], 0),
            ],
        )
    assert exp.variants.get(key="B").texts == B_HOOK
