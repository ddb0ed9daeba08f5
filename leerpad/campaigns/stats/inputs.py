"""Per-arm sufficient statistics: everything the engine needs is n, sum and sum of squares.

Like gbstats (models/statistics.py), an arm never carries individual values: a binomial arm
is (n people, conversions), a mean arm is (n people, sum of values, sum of squared values).
The sample variance of a mean arm is (sum_squares - sum^2 / n) / (n - 1); the variance of a
binomial arm is p(1 - p) with p = conversions / n (the plug-in Bernoulli variance gbstats uses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class StatsInputError(ValueError):
    """Counts that cannot describe an experiment arm (negative, non-finite, inconsistent)."""


class MetricKind(StrEnum):
    # Yes/no outcome per person: enrolled, completed the step, visited.
    BINOMIAL = "binomial"
    # A number per person: minutes learned, steps completed.
    MEAN = "mean"


@dataclass(frozen=True)
class ArmStats:
    """One arm's sufficient statistics. Build it with `binomial()`, `mean()` or `from_summary()`."""

    kind: MetricKind
    n: int
    sum: float
    sum_squares: float
    name: str = ""

    def __post_init__(self) -> None:
        label = f"arm {self.name!r}" if self.name else "arm"
        if isinstance(self.n, bool) or not isinstance(self.n, int):
            raise StatsInputError(f"{label}: the number of people must be a whole number")
        if self.n < 0:
            raise StatsInputError(f"{label}: the number of people cannot be negative ({self.n})")
        if not (math.isfinite(self.sum) and math.isfinite(self.sum_squares)):
            raise StatsInputError(f"{label}: sums must be finite numbers")
        if self.kind is MetricKind.BINOMIAL:
            if self.sum < 0 or self.sum > self.n or self.sum != int(self.sum):
                raise StatsInputError(
                    f"{label}: conversions must be a whole number between 0 and n "
                    f"(got {self.sum:g} of {self.n})"
                )
            if self.sum_squares != self.sum:
                raise StatsInputError(f"{label}: a yes/no outcome has sum_squares == sum")
        else:
            if self.sum_squares < 0:
                raise StatsInputError(f"{label}: the sum of squares cannot be negative")
            if self.n == 0 and (self.sum != 0 or self.sum_squares != 0):
                raise StatsInputError(f"{label}: sums must be 0 when there is nobody")
            # Cauchy-Schwarz: sum^2 <= n * sum_squares; allow float rounding.
            if self.sum * self.sum > self.n * self.sum_squares * (1 + 1e-9) + 1e-9:
                raise StatsInputError(
                    f"{label}: sum and sum of squares are inconsistent (sum^2 > n * sum_squares)"
                )

    @classmethod
    def binomial(cls, n: int, conversions: int, name: str = "") -> ArmStats:
        """n people of whom `conversions` reached the goal."""
        return cls(MetricKind.BINOMIAL, n, float(conversions), float(conversions), name)

    @classmethod
    def mean(cls, n: int, total: float, total_squares: float, name: str = "") -> ArmStats:
        """n people with the sum and the sum of squares of their values."""
        return cls(MetricKind.MEAN, n, float(total), float(total_squares), name)

    @classmethod
    def from_summary(cls, n: int, mean: float, sd: float, name: str = "") -> ArmStats:
        """A mean arm from its mean and sample standard deviation (n - 1 in the denominator)."""
        if sd < 0:
            raise StatsInputError("a standard deviation cannot be negative")
        if n < 2 and sd != 0:
            raise StatsInputError("a standard deviation needs at least two people")
        total = mean * n
        return cls.mean(n, total, max(n - 1, 0) * sd * sd + n * mean * mean, name)

    @property
    def outcomes(self) -> float:
        """What the minimum-count gate counts: conversions for yes/no, people for means."""
        return self.sum if self.kind is MetricKind.BINOMIAL else float(self.n)

    @property
    def average(self) -> float:
        """The conversion rate or the mean value (0 for an empty arm, like gbstats)."""
        return self.sum / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """Per-person variance: p(1-p) for yes/no, the sample variance for means."""
        if self.kind is MetricKind.BINOMIAL:
            p = self.average
            return p * (1 - p)
        if self.n <= 1:
            return 0.0
        return max((self.sum_squares - self.sum * self.sum / self.n) / (self.n - 1), 0.0)


def check_same_kind(arms: list[ArmStats] | tuple[ArmStats, ...]) -> MetricKind:
    """All arms of one comparison measure the same kind of metric; returns that kind."""
    if len(arms) < 2:
        raise StatsInputError("an experiment needs a control and at least one variant")
    kinds = {arm.kind for arm in arms}
    if len(kinds) != 1:
        raise StatsInputError("all arms must use the same kind of metric")
    return arms[0].kind
