from __future__ import annotations

import math

import pytest
from scipy.integrate import quad
from scipy.stats import norm

from leerpad.campaigns.stats.bayesian import (
    GaussianPrior,
    Scale,
    expected_losses,
    posterior,
)
from leerpad.campaigns.stats.inputs import ArmStats


def test_flat_prior_chance_is_the_normal_tail_of_the_estimate() -> None:
    control, variant = ArmStats.binomial(1000, 120), ArmStats.binomial(1000, 150)
    result = posterior(control, variant)
    sd = math.sqrt(0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000)
    assert result.expected == pytest.approx(0.03)
    assert result.sd == pytest.approx(sd)
    assert result.chance_to_win == pytest.approx(norm.cdf(0.03 / sd))
    assert result.interval.low == pytest.approx(0.03 - 1.959963985 * sd)


def test_research_value_on_the_relative_scale() -> None:
    # Research d2: 120/1000 vs 150/1000 -> chance to win 96.0 % (gbstats' relative default).
    result = posterior(
        ArmStats.binomial(1000, 120), ArmStats.binomial(1000, 150), scale=Scale.RELATIVE
    )
    assert round(result.chance_to_win, 3) == 0.960
    assert result.expected == pytest.approx(0.25)


@pytest.mark.parametrize(("mean", "sd"), [(0.03, 0.015), (-0.01, 0.02), (0.0, 0.05), (0.2, 0.01)])
def test_expected_losses_equal_the_integrals(mean: float, sd: float) -> None:
    keep, ship = expected_losses(mean, sd)
    keep_integral = quad(lambda x: x * norm.pdf(x, mean, sd), 0, math.inf)[0]
    ship_integral = quad(lambda x: -x * norm.pdf(x, mean, sd), -math.inf, 0)[0]
    assert keep == pytest.approx(keep_integral, abs=1e-9)
    assert ship == pytest.approx(ship_integral, abs=1e-9)


def test_proper_prior_shrinks_toward_zero() -> None:
    control, variant = ArmStats.binomial(300, 30), ArmStats.binomial(300, 45)
    flat = posterior(control, variant)
    proper = posterior(control, variant, prior=GaussianPrior(0.0, 0.3, Scale.RELATIVE))
    # Conjugate update by hand: prior sd 0.3 x 10 % = 3 pp on the absolute scale.
    prior_variance = (0.3 * 0.1) ** 2
    precision = 1 / flat.sd**2 + 1 / prior_variance
    assert proper.expected == pytest.approx(flat.expected / flat.sd**2 / precision)
    assert proper.sd == pytest.approx(math.sqrt(1 / precision))
    assert 0.5 < proper.chance_to_win < flat.chance_to_win


def test_lower_is_better_flips_chance_and_risks() -> None:
    control, variant = ArmStats.binomial(2000, 40), ArmStats.binomial(2000, 60)
    higher = posterior(control, variant)
    lower = posterior(control, variant, higher_is_better=False)
    assert lower.chance_to_win == pytest.approx(1 - higher.chance_to_win)
    assert (lower.risk_control, lower.risk_variant) == (higher.risk_variant, higher.risk_control)


def test_degenerate_inputs_give_an_uninformative_answer() -> None:
    empty = posterior(ArmStats.binomial(0, 0), ArmStats.binomial(10, 1))
    assert empty.problem == "empty_arm" and empty.chance_to_win == 0.5
    flat = posterior(ArmStats.binomial(100, 0), ArmStats.binomial(100, 0))
    assert flat.problem == "no_variance" and flat.chance_to_win == 0.5
    zero = posterior(ArmStats.binomial(100, 0), ArmStats.binomial(100, 3), scale=Scale.RELATIVE)
    assert zero.problem == "zero_control"
    # One arm without conversions is still informative on the absolute scale.
    assert posterior(ArmStats.binomial(100, 0), ArmStats.binomial(100, 3)).chance_to_win > 0.9


def test_prior_needs_a_positive_sd() -> None:
    with pytest.raises(ValueError, match="positive"):
        GaussianPrior(0.0, 0.0)
