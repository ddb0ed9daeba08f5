from __future__ import annotations

import math

import pytest

from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.campaigns.stats.sequential import (
    SequentialState,
    half_width,
    log_likelihood_ratio,
    msprt,
    tau_for_mde,
    variance_to_reject,
)


def test_likelihood_ratio_follows_johari_et_al() -> None:
    control, variant = ArmStats.binomial(1000, 120), ArmStats.binomial(1000, 150)
    result = msprt(control, variant, tau=0.03)
    v = 0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000
    t2 = 0.03**2
    expected = math.sqrt(v / (v + t2)) * math.exp(t2 * 0.03**2 / (2 * v * (v + t2)))
    assert result.variance == pytest.approx(v)
    assert result.likelihood_ratio == pytest.approx(expected)
    assert result.p_value_now == pytest.approx(1 / expected)
    # Same data: fixed-horizon p 0.050, always valid well above it (research d2: 0.63 for
    # gbstats' confidence sequence).
    assert result.p_value > 0.4
    assert not result.significant


def test_interval_boundary_is_where_lambda_reaches_one_over_alpha() -> None:
    for variance, tau, alpha in ((2e-4, 0.03, 0.05), (1e-5, 0.01, 0.1), (3.0, 2.0, 0.01)):
        edge = half_width(variance, tau, alpha)
        assert log_likelihood_ratio(edge, variance, tau) == pytest.approx(math.log(1 / alpha))


def test_interval_excludes_zero_exactly_when_significant() -> None:
    control = ArmStats.binomial(2000, 200)
    for conversions in range(200, 320, 10):
        result = msprt(control, ArmStats.binomial(2000, conversions), tau=0.02)
        assert result.significant == (not result.interval_now.contains(0.0))


def test_running_minimum_and_intersection_over_looks() -> None:
    tau = 0.02
    first = msprt(ArmStats.binomial(1000, 100), ArmStats.binomial(1000, 135), tau)
    # The difference shrinks at the next look: this look's p is larger ...
    second = msprt(
        ArmStats.binomial(2000, 200), ArmStats.binomial(2000, 225), tau, previous=first.state
    )
    assert second.p_value_now > first.p_value_now
    # ... but the always-valid p keeps the smallest one, and the interval the intersection.
    assert second.p_value == pytest.approx(first.p_value_now)
    assert second.interval.low == pytest.approx(max(first.interval.low, second.interval_now.low))
    assert second.interval.high == pytest.approx(min(first.interval.high, second.interval_now.high))
    assert second.state.looks == 2


def test_empty_intersection_falls_back_to_the_current_look() -> None:
    previous = SequentialState(looks=3, min_p_value=0.5, low=0.05, high=0.06)
    result = msprt(
        ArmStats.binomial(1000, 100), ArmStats.binomial(1000, 100), 0.02, previous=previous
    )
    assert result.interval == result.interval_now


def test_no_information_does_not_count_as_a_look() -> None:
    state = SequentialState(looks=2, min_p_value=0.3, low=-0.1, high=0.1)
    result = msprt(ArmStats.binomial(500, 0), ArmStats.binomial(500, 0), 0.02, previous=state)
    assert result.problem == "no_variance"
    assert result.state == state
    assert result.p_value == 0.3


def test_huge_effect_does_not_overflow() -> None:
    result = msprt(ArmStats.binomial(100000, 1000), ArmStats.binomial(100000, 30000), 0.01)
    assert result.p_value == 0.0 or result.p_value < 1e-300
    assert result.significant


def test_variance_to_reject_is_the_crossing_point() -> None:
    target = variance_to_reject(0.03, 0.03, 0.05)
    assert target is not None
    assert half_width(target, 0.03, 0.05) == pytest.approx(0.03, rel=1e-9)
    assert variance_to_reject(0.0, 0.03, 0.05) is None


def test_tau_and_alpha_are_validated() -> None:
    assert tau_for_mde(0.02) == 0.02
    with pytest.raises(ValueError):
        tau_for_mde(0.0)
    with pytest.raises(ValueError, match="tau"):
        msprt(ArmStats.binomial(10, 1), ArmStats.binomial(10, 2), tau=0.0)
    with pytest.raises(ValueError, match="alpha"):
        msprt(ArmStats.binomial(10, 1), ArmStats.binomial(10, 2), tau=0.1, alpha=0.0)
