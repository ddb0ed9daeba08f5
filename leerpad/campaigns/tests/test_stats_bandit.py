from __future__ import annotations

import pytest
from scipy.integrate import quad
from scipy.stats import beta

from leerpad.campaigns.stats.bandit import thompson_weights
from leerpad.campaigns.stats.inputs import ArmStats, StatsInputError


def test_two_arms_share_is_the_probability_of_being_best() -> None:
    arms = [ArmStats.binomial(400, 40), ArmStats.binomial(400, 52)]
    result = thompson_weights(arms, seed=1, floor=0.0)
    assert result.reweighted and result.chance_best is not None
    # P(B > A) under Beta(1 + s, 1 + f) posteriors, by numeric integration.
    a, b = beta(41, 361), beta(53, 349)
    exact = quad(lambda x: b.pdf(x) * a.cdf(x), 0, 1)[0]
    assert result.chance_best[1] == pytest.approx(exact, abs=0.02)
    assert result.weights == pytest.approx(result.chance_best)


def test_floor_keeps_every_arm_alive_and_weights_sum_to_one() -> None:
    arms = [ArmStats.binomial(1000, 50), ArmStats.binomial(1000, 150), ArmStats.binomial(1000, 60)]
    result = thompson_weights(arms, seed=3, floor=0.05)
    assert sum(result.weights) == pytest.approx(1.0)
    assert min(result.weights) >= 0.05
    assert result.weights[1] == max(result.weights)
    assert result.weights[1] > 0.85


def test_no_reweighting_before_every_arm_has_the_minimum_count() -> None:
    arms = [ArmStats.binomial(99, 1), ArmStats.binomial(500, 100)]
    result = thompson_weights(arms, seed=1)
    assert not result.reweighted
    assert result.weights == (0.5, 0.5)
    assert result.chance_best is None


def test_same_seed_same_weights() -> None:
    arms = [ArmStats.binomial(300, 30), ArmStats.binomial(300, 33)]
    assert thompson_weights(arms, seed=11) == thompson_weights(arms, seed=11)
    assert thompson_weights(arms, seed=11) != thompson_weights(arms, seed=12)


def test_invalid_settings() -> None:
    arms = [ArmStats.binomial(300, 30), ArmStats.binomial(300, 33)]
    with pytest.raises(ValueError, match="floor"):
        thompson_weights(arms, seed=1, floor=0.6)
    with pytest.raises(ValueError, match="draw"):
        thompson_weights(arms, seed=1, draws=0)
    with pytest.raises(StatsInputError, match="two arms"):
        thompson_weights(arms[:1], seed=1)
    with pytest.raises(StatsInputError, match="yes/no"):
        thompson_weights([ArmStats.from_summary(200, 1.0, 1.0)] * 2, seed=1)
