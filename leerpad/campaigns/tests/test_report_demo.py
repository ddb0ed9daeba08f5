"""The funnel and the cross-campaign report over the demo's campaigns: they run on
realistic data, and the funnel agrees with the experiment results on every arm."""

from __future__ import annotations

import pytest
from django.utils import timezone

from leerpad.campaigns import funnel, report, results
from leerpad.campaigns.models import Experiment
from leerpad.campaigns.tests.test_demo_campaigns import loaded  # noqa: F401 (the fixture)
from leerpad.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_funnel_agrees_with_the_experiment_results(loaded: DemoContext) -> None:  # noqa: F811
    experiments = list(Experiment.objects.select_related("campaign"))
    assert experiments
    for experiment in experiments:
        found = funnel.funnel(experiment.campaign)
        rows = {row.key: row for row in found.rows}
        arms = results.results(experiment).arms
        for arm in arms:
            if not arm.shown:
                continue
            row = rows[arm.key]
            steps = {step.key: step.count for step in row.steps}
            assert row.people == arm.assigned, (experiment.campaign.key, arm.key)
            if not arm.holdout:
                assert steps["delivered"] == arm.delivered
            if experiment.metric == Experiment.Metric.ENROLLED:
                assert steps.get("enrolled", steps["goal"]) == arm.enrolled


def test_report_runs_over_the_demo(loaded: DemoContext) -> None:  # noqa: F811
    for compare in report.Compare:
        for by in report.By:
            table = report.report(compare, by, 365, now=timezone.now())
            assert not table.empty
            assert table.people > 0 and table.messages >= table.people
            shown = [c for _k, _l, cells in table.rows for c in cells if c.figures]
            assert all(c.figures.people >= table.k for c in shown if c.figures)
