"""Fixed-horizon tests: the absolute difference by Welch t-test; corrections for many variants.

We decide on the absolute difference (percentage points for yes/no metrics): its variance
var_A/n_A + var_B/n_B stays honest at the small conversion counts of internal audiences,
while the relative lift's delta-method variance is anti-conservative there (research d1:
7.5 % false positives at 10 conversions per arm, 8.1 % at 3). The relative lift is still
computed, as a derived display beside the decision.

Formulas (same as gbstats 0.8.0, frequentist/tests.py, so the tests can compare to 1e-6):
- absolute difference d = mean_B - mean_A, Var(d) = var_A/n_A + var_B/n_B;
- relative lift r = d / mean_A, delta method (Kohavi et al., "Trustworthy Online Controlled
  Experiments", ch. 18): Var(r) = var_B/(mean_A^2 n_B) + var_A mean_B^2/(mean_A^4 n_A);
- Welch-Satterthwaite degrees of freedom
  dof = (var_A/n_A + var_B/n_B)^2 / ((var_A/n_A)^2/(n_A-1) + (var_B/n_B)^2/(n_B-1));
- two-sided p = 2 (1 - T_dof(|d| / se)), interval d +/- T_dof^-1(1 - alpha/2) se.
  For yes/no metrics at these sizes the t and the normal (z) test agree to 4 digits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scipy.stats import t as student_t

from .inputs import ArmStats, check_same_kind


class Correction(StrEnum):
    NONE = "none"
    # Holm (1979): controls the family-wise error rate, uniformly better than Bonferroni.
    HOLM = "holm"
    # Benjamini & Hochberg (1995): controls the false discovery rate (Optimizely's choice).
    BENJAMINI_HOCHBERG = "bh"


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def finite(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)


UNKNOWN = Interval(-math.inf, math.inf)


@dataclass(frozen=True)
class FrequentistResult:
    """Variant minus control, with the fixed-horizon test on the absolute difference."""

    difference: float
    stderr: float
    dof: float
    p_value: float
    interval: Interval
    # Derived display only (None when the control's rate is 0: no lift is defined).
    relative: float | None
    relative_stderr: float | None
    relative_interval: Interval | None
    # Why the test could not run ("" when it did): "empty_arm", "no_variance".
    problem: str = ""


def welch_dof(var_a: float, n_a: int, var_b: float, n_b: int) -> float:
    """Welch-Satterthwaite degrees of freedom (Welch 1947)."""
    a = var_a / n_a
    b = var_b / n_b
    denominator = a * a / (n_a - 1) + b * b / (n_b - 1)
    if denominator <= 0:
        return math.inf
    return (a + b) ** 2 / denominator


def absolute_variance(control: ArmStats, variant: ArmStats) -> float:
    """Var(mean_B - mean_A) = var_A/n_A + var_B/n_B (independent arms)."""
    return control.variance / control.n + variant.variance / variant.n


def relative_variance(control: ArmStats, variant: ArmStats) -> float:
    """Delta-method variance of (mean_B - mean_A)/mean_A; gbstats frequentist_variance()."""
    mean_a = control.average
    mean_b = variant.average
    return variant.variance / (mean_a**2 * variant.n) + control.variance * mean_b**2 / (
        mean_a**4 * control.n
    )


def compare(control: ArmStats, variant: ArmStats, alpha: float = 0.05) -> FrequentistResult:
    """Welch t-test of variant vs control on the absolute difference, two-sided."""
    check_same_kind([control, variant])
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    difference = variant.average - control.average
    if control.n < 2 or variant.n < 2:
        return FrequentistResult(
            difference, math.inf, 0.0, 1.0, UNKNOWN, None, None, None, "empty_arm"
        )
    variance = absolute_variance(control, variant)
    if variance <= 0:
        # Both arms constant (e.g. nobody converted anywhere): there is nothing to test.
        return FrequentistResult(
            difference, 0.0, 0.0, 1.0, UNKNOWN, None, None, None, "no_variance"
        )
    stderr = math.sqrt(variance)
    dof = welch_dof(control.variance, control.n, variant.variance, variant.n)
    p_value = float(2 * student_t.sf(abs(difference) / stderr, dof))
    half = float(student_t.ppf(1 - alpha / 2, dof)) * stderr
    relative = relative_stderr = None
    relative_interval = None
    if control.average != 0:
        relative = difference / control.average
        relative_stderr = math.sqrt(relative_variance(control, variant))
        rel_half = float(student_t.ppf(1 - alpha / 2, dof)) * relative_stderr
        relative_interval = Interval(relative - rel_half, relative + rel_half)
    return FrequentistResult(
        difference=difference,
        stderr=stderr,
        dof=dof,
        p_value=min(p_value, 1.0),
        interval=Interval(difference - half, difference + half),
        relative=relative,
        relative_stderr=relative_stderr,
        relative_interval=relative_interval,
    )


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (step-down): p_(i) * (m - i + 1), made monotone."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (step-up): p_(i) * m / i, made monotone from the top."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m - 1, -1, -1):
        index = order[rank]
        running = min(running, p_values[index] * m / (rank + 1))
        adjusted[index] = min(running, 1.0)
    return adjusted


def adjust(p_values: Sequence[float], correction: Correction) -> list[float]:
    """Adjusted p-values over the variants of one experiment (the family: one metric's variants)."""
    for p in p_values:
        if not 0 <= p <= 1:
            raise ValueError(f"a p-value must lie between 0 and 1 (got {p})")
    if correction is Correction.HOLM:
        return holm(p_values)
    if correction is Correction.BENJAMINI_HOCHBERG:
        return benjamini_hochberg(p_values)
    return list(p_values)


def adjusted_interval(result: FrequentistResult, p_adjusted: float, alpha: float) -> Interval:
    """The interval at level alpha * p / p_adjusted: it excludes 0 exactly when p_adjusted < alpha.

    Without this an interval can exclude 0 while the adjusted p says "not significant"
    (GrowthBook issue #1567); widening it by the same factor keeps what people read consistent.
    """
    if result.problem or p_adjusted <= result.p_value or result.p_value <= 0:
        return result.interval
    level = alpha * result.p_value / p_adjusted
    half = float(student_t.ppf(1 - level / 2, result.dof)) * result.stderr
    return Interval(result.difference - half, result.difference + half)
