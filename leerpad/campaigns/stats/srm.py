"""Sample ratio mismatch: are people split over the arms as configured?

Pearson's chi-square goodness of fit against the configured weights (gbstats utils.check_srm):
expected_i = total * w_i / sum(w), X^2 = sum (observed_i - expected_i)^2 / expected_i, compared
with a chi-square distribution. A mismatch means the assignment or the tracking is broken
(a variant's e-mails bounced, a link lost its tracking code), so no verdict can be trusted.

- flagged at p < 0.001, the threshold GrowthBook, PostHog and Statsig use: with daily checks
  a looser threshold would raise false alarms;
- arms with weight 0 (a hold-out not counted in this comparison) are skipped, and the
  degrees of freedom are the number of weighted arms minus 1. (gbstats keeps len(arms) - 1;
  the two agree whenever every arm has a weight, which is the only case it is compared on.)
- checked only from 100 people in total and an expected count of at least 5 per weighted arm
  (PostHog starts at 100 exposures, PR #43348; Cochran's rule for the chi-square
  approximation): below that the answer is "too early", not "fine".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import chi2

THRESHOLD = 0.001
MIN_TOTAL = 100
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class SrmResult:
    checked: bool
    flagged: bool
    chi_square: float
    dof: int
    p_value: float
    expected: tuple[float, ...]
    observed: tuple[int, ...]


def check(
    counts: Sequence[int],
    weights: Sequence[float],
    threshold: float = THRESHOLD,
    min_total: int = MIN_TOTAL,
) -> SrmResult:
    """Chi-square test of the observed people per arm against the configured weights."""
    if len(counts) != len(weights):
        raise ValueError("one weight per arm is needed")
    if len(counts) < 2:
        raise ValueError("a split needs at least two arms")
    if any(c < 0 for c in counts):
        raise ValueError("counts cannot be negative")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    total = sum(counts)
    weight_total = sum(weights)
    expected = tuple(total * w / weight_total for w in weights)
    used = [i for i, w in enumerate(weights) if w > 0]
    statistic = sum((counts[i] - expected[i]) ** 2 / expected[i] for i in used) if total else 0.0
    dof = len(used) - 1
    enough = total >= min_total and all(expected[i] >= MIN_EXPECTED for i in used) and dof >= 1
    p_value = float(chi2.sf(statistic, dof)) if total and dof >= 1 else 1.0
    return SrmResult(
        checked=enough,
        flagged=enough and p_value < threshold,
        chi_square=statistic,
        dof=dof,
        p_value=p_value,
        expected=expected,
        observed=tuple(counts),
    )
