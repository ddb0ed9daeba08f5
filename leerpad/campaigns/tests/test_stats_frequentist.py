from __future__ import annotations

import math
import random

import pytest
from scipy.stats import false_discovery_control, ttest_ind_from_stats

from leerpad.campaigns.stats.frequentist import (
    Correction,
    adjust,
    adjusted_interval,
    benjamini_hochberg,
    compare,
    holm,
)
from leerpad.campaigns.stats.inputs import ArmStats, StatsInputError


def test_binomial_welch_test_matches_scipy() -> None:
    control, variant = ArmStats.binomial(1000, 120), ArmStats.binomial(1000, 150)
    result = compare(control, variant)
    # scipy's Welch test from summary statistics, with the Bernoulli sd sqrt(p(1-p)).
    reference = ttest_ind_from_stats(
        0.15, math.sqrt(0.15 * 0.85), 1000, 0.12, math.sqrt(0.12 * 0.88), 1000, equal_var=False
    )
    assert result.difference == pytest.approx(0.03)
    assert result.stderr == pytest.approx(math.sqrt(0.12 * 0.88 / 1000 + 0.15 * 0.85 / 1000))
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    # Research (d2): "absolute p 0.050" for this case, where the relative lift gives 0.080.
    assert round(result.p_value, 3) == 0.050
    assert result.relative == pytest.approx(0.25)


def test_mean_welch_test_matches_scipy() -> None:
    control = ArmStats.from_summary(800, 22.0, 41.0)
    variant = ArmStats.from_summary(820, 25.5, 46.0)
    result = compare(control, variant)
    reference = ttest_ind_from_stats(25.5, 46.0, 820, 22.0, 41.0, 800, equal_var=False)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert result.interval.contains(3.5)
    assert result.interval.contains(0.0)


def test_interval_excludes_zero_exactly_when_p_below_alpha() -> None:
    for conversions in range(120, 180, 5):
        result = compare(ArmStats.binomial(1000, 120), ArmStats.binomial(1000, conversions))
        assert (result.p_value < 0.05) == (not result.interval.contains(0.0))


def test_zero_conversions_everywhere_gives_no_test() -> None:
    result = compare(ArmStats.binomial(500, 0), ArmStats.binomial(500, 0))
    assert result.problem == "no_variance"
    assert result.p_value == 1.0
    assert not result.interval.finite


def test_zero_conversions_in_control_still_tests_the_difference_but_has_no_lift() -> None:
    result = compare(ArmStats.binomial(500, 0), ArmStats.binomial(500, 12))
    assert result.problem == ""
    assert result.p_value < 0.01
    assert result.relative is None and result.relative_interval is None


def test_empty_arm_gives_no_test() -> None:
    result = compare(ArmStats.binomial(0, 0), ArmStats.binomial(100, 10))
    assert result.problem == "empty_arm"
    assert result.p_value == 1.0


def test_mixed_kinds_and_bad_alpha_are_refused() -> None:
    with pytest.raises(StatsInputError):
        compare(ArmStats.binomial(10, 1), ArmStats.from_summary(10, 1.0, 1.0))
    with pytest.raises(ValueError, match="alpha"):
        compare(ArmStats.binomial(10, 1), ArmStats.binomial(10, 2), alpha=1.5)


def test_holm_textbook_example() -> None:
    # Sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> monotone.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_benjamini_hochberg_textbook_example() -> None:
    # Sorted p * m / rank: 0.02, 0.02, 0.04, 0.04, then the running minimum from the top.
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_benjamini_hochberg_matches_scipy_on_random_p_values() -> None:
    rng = random.Random(7)
    for size in (1, 2, 3, 7):
        values = [rng.random() ** 3 for _ in range(size)]
        expected = false_discovery_control(values, method="bh")
        assert benjamini_hochberg(values) == pytest.approx(list(expected))


def test_adjust_dispatches_and_validates() -> None:
    values = [0.01, 0.2]
    assert adjust(values, Correction.NONE) == values
    assert adjust(values, Correction.HOLM) == holm(values)
    assert adjust(values, Correction.BENJAMINI_HOCHBERG) == benjamini_hochberg(values)
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust([1.5], Correction.HOLM)


def test_adjusted_interval_agrees_with_adjusted_p() -> None:
    result = compare(ArmStats.binomial(2000, 200), ArmStats.binomial(2000, 245))
    assert result.p_value < 0.05
    for p_adjusted in (result.p_value * 2, 0.049, 0.051, 0.3):
        widened = adjusted_interval(result, p_adjusted, 0.05)
        assert widened.low <= result.interval.low and widened.high >= result.interval.high
        assert widened.contains(0.0) == (p_adjusted >= 0.05)
    assert adjusted_interval(result, result.p_value, 0.05) == result.interval
