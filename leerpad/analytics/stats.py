"""Interval maths for comparisons on the analytics pages, in closed form (no scipy).

Why these methods: the groups L&D compares are often small (tens of people) and rates are
often near 0 or 1 (almost everyone passes). The textbook Wald interval (p ± 1.96·√(p(1-p)/n))
is badly wrong there: it can leave [0, 1] and is far too narrow at small n. The Wilson
score interval for one proportion, and Newcombe's hybrid score interval built from two
Wilson intervals for a difference of proportions (Newcombe 1998, "Interval estimation for
the difference between independent proportions", method 10), keep their promised coverage
close to 95 % at these sizes and are what statistical software reports.

For a difference of means (mean quiz scores) we use Welch's unequal-variance interval with
the normal quantile; with the minimum group size the pages require (20) the t quantile
differs from 1.96 by under 5 %, and the page says the figure is a comparison, not a test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5 % quantile of the standard normal distribution


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def spans_zero(self) -> bool:
        """True when 0 lies inside the interval: the data fit "no difference" too."""
        return self.low <= 0 <= self.high


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """The Wilson score interval of the proportion successes / n."""
    if n <= 0:
        raise ValueError("A proportion needs at least one observation.")
    if not 0 <= successes <= n:
        raise ValueError("Successes must lie between 0 and n.")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def newcombe(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> Interval:
    """The difference p1 - p2 of two independent proportions, with Newcombe's interval."""
    a, b = wilson(x1, n1, z), wilson(x2, n2, z)
    p1, p2 = a.estimate, b.estimate
    d = p1 - p2
    low = d - math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2)
    high = d + math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2)
    return Interval(d, low, high)


def welch(
    n1: int, mean1: float, var1: float, n2: int, mean2: float, var2: float, z: float = Z95
) -> Interval:
    """The difference mean1 - mean2 with Welch's standard error (normal quantile)."""
    if n1 < 2 or n2 < 2:
        raise ValueError("A variance needs at least two observations per group.")
    d = mean1 - mean2
    se = math.sqrt(max(var1, 0.0) / n1 + max(var2, 0.0) / n2)
    return Interval(d, d - z * se, d + z * se)


def sample_variance(n: int, total: float, squares: float) -> float:
    """The sample variance from n, the sum and the sum of squares (as SQL returns them)."""
    if n < 2:
        return 0.0
    return max(0.0, (squares - total * total / n) / (n - 1))
