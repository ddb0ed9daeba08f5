"""Bandit mode: daily reweighting from the results, with a floor, once per day, logged."""

from __future__ import annotations

import datetime as dt

import pytest

from leerpad.accounts.models import Person
from leerpad.campaigns import bandit_runs
from leerpad.campaigns.models import BanditRun, Delivery, Experiment
from leerpad.campaigns.tests.campaign_helpers import TUESDAY
from leerpad.campaigns.tests.experiment_helpers import experiment

DAY = dt.date(2026, 12, 10)


def _arm(exp: Experiment, arm: str, n: int, clicks: int) -> None:
    message = exp.campaign.messages.first()
    assert message is not None
    people = Person.objects.bulk_create(
        Person(first_name=f"{arm}{i}", email=f"{arm.lower()}{i}@example.test") for i in range(n)
    )
    Delivery.objects.bulk_create(
        Delivery(
            campaign=exp.campaign,
            message=message,
            person=person,
            channel=message.channel,
            occurrence="once",
            status=Delivery.Status.SENT,
            scheduled_for=TUESDAY,
            sent_at=TUESDAY,
            clicked_at=TUESDAY + dt.timedelta(hours=2) if i < clicks else None,
            variant=arm,
        )
        for i, person in enumerate(people)
    )


def test_traffic_moves_to_the_better_text_but_keeps_the_floor(db: None) -> None:
    exp = experiment(metric=Experiment.Metric.CLICKED, bandit=True, bandit_floor=0.05)
    _arm(exp, "A", 150, 5)
    _arm(exp, "B", 150, 60)
    run = bandit_runs.reweigh(exp, DAY)
    assert run is not None and run.reweighted
    weights = dict(exp.variants.values_list("key", "weight"))
    assert weights["A"] == pytest.approx(0.05)  # B is better in every draw: A keeps the floor
    assert weights["B"] == pytest.approx(0.95)
    assert run.weights == weights
    assert run.counts == {"A": [150, 5], "B": [150, 60]}
    # Once a day: a second run that day changes nothing.
    assert bandit_runs.reweigh(exp, DAY) is None
    assert BanditRun.objects.filter(experiment=exp).count() == 1


def test_no_reweighting_before_every_arm_has_enough_people(db: None) -> None:
    exp = experiment(metric=Experiment.Metric.CLICKED, bandit=True, bandit_floor=0.05)
    _arm(exp, "A", 50, 1)
    _arm(exp, "B", 150, 60)
    run = bandit_runs.reweigh(exp, DAY)
    assert run is not None and not run.reweighted
    assert dict(exp.variants.values_list("key", "weight")) == {"A": 0.5, "B": 0.5}


def test_only_running_bandit_experiments_are_reweighted(db: None) -> None:
    plain = experiment(metric=Experiment.Metric.CLICKED)
    assert bandit_runs.reweigh(plain, DAY) is None
    stopped = experiment(bandit=True, start=False)
    assert bandit_runs.reweigh(stopped, DAY) is None
    assert bandit_runs.reweigh_all() == 0
