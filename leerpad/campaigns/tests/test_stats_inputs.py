from __future__ import annotations

import math

import pytest

from leerpad.campaigns.stats.inputs import ArmStats, MetricKind, StatsInputError, check_same_kind


def test_binomial_arm_has_bernoulli_variance() -> None:
    arm = ArmStats.binomial(1000, 120)
    assert arm.kind is MetricKind.BINOMIAL
    assert arm.average == pytest.approx(0.12)
    assert arm.variance == pytest.approx(0.12 * 0.88)
    assert arm.outcomes == 120


def test_mean_arm_from_summary_round_trips_mean_and_sd() -> None:
    arm = ArmStats.from_summary(800, 22.0, 41.0)
    assert arm.average == pytest.approx(22.0)
    assert math.sqrt(arm.variance) == pytest.approx(41.0)
    # For means the gate counts people, not a sum of minutes.
    assert arm.outcomes == 800


def test_mean_arm_sample_variance_from_sums() -> None:
    values = [0.0, 3.0, 5.0, 10.0]
    arm = ArmStats.mean(len(values), sum(values), sum(v * v for v in values))
    mean = sum(values) / 4
    assert arm.variance == pytest.approx(sum((v - mean) ** 2 for v in values) / 3)


def test_empty_arm_is_allowed_and_reads_zero() -> None:
    arm = ArmStats.binomial(0, 0)
    assert arm.average == 0
    assert arm.variance == 0
    assert ArmStats.mean(1, 4.0, 16.0).variance == 0


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ArmStats.binomial(-1, 0), "cannot be negative"),
        (lambda: ArmStats.binomial(10, 11), "between 0 and n"),
        (lambda: ArmStats.binomial(10, -1), "between 0 and n"),
        (lambda: ArmStats(MetricKind.BINOMIAL, 10, 2.5, 2.5), "whole number"),
        (lambda: ArmStats(MetricKind.BINOMIAL, 10, 2, 3), "sum_squares == sum"),
        (lambda: ArmStats.mean(3, 30.0, 10.0), "inconsistent"),
        (lambda: ArmStats.mean(0, 1.0, 1.0), "nobody"),
        (lambda: ArmStats.mean(3, math.nan, 1.0), "finite"),
        (lambda: ArmStats.mean(3, 1.0, -1.0), "cannot be negative"),
        (lambda: ArmStats.from_summary(5, 1.0, -2.0), "negative"),
        (lambda: ArmStats(MetricKind.BINOMIAL, 2.0, 1, 1), "whole number"),  # type: ignore[arg-type]
    ],
)
def test_invalid_counts_raise_clear_errors(build: object, message: str) -> None:
    with pytest.raises(StatsInputError, match=message):
        build()  # type: ignore[operator]


def test_arms_must_share_a_kind_and_be_at_least_two() -> None:
    with pytest.raises(StatsInputError, match="control and at least one variant"):
        check_same_kind([ArmStats.binomial(10, 1)])
    with pytest.raises(StatsInputError, match="same kind"):
        check_same_kind([ArmStats.binomial(10, 1), ArmStats.from_summary(10, 1.0, 1.0)])
