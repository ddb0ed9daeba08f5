"""Planning before launch: sample size, minimum detectable effect and days needed.

Two-proportion test, two-sided, normal approximation with unpooled variances (Chow, Shao &
Wang, "Sample Size Calculations in Clinical Research", 2nd ed., section 4.2; the research's
reproduction line in docs/experiments.md):

    n per arm = (z_{1-alpha/2} + z_{power})^2 * (p(1-p) + q(1-q)) / (q - p)^2,   q = p + mde.

For mean metrics: n per arm = 2 (z_{1-alpha/2} + z_{power})^2 sd^2 / mde^2.

Looking every day costs people. `sequential_sample_size_per_arm` sizes the plan for the
mSPRT of sequential.py: the smallest n at which the difference we plan for crosses the
always-valid boundary at the last look with the wanted power. Crossing at an earlier look
also counts as a detection, so this is an upper bound; the research's simulation (d1) shows
the order of the cost: at 3,000 per arm, base 10 % vs 12 %, 80 %-power planning gave 63.5 %
power fixed-horizon but 37 % always-valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq
from scipy.stats import norm

from .sequential import half_width, tau_for_mde


def _z_total(alpha: float, power: float) -> float:
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must lie between 0 and 1")
    return float(norm.ppf(1 - alpha / 2) + norm.ppf(power))


def _check_rates(base: float, mde: float) -> None:
    if not 0 < base < 1:
        raise ValueError("the base rate must lie strictly between 0 and 1")
    if not 0 < mde < 1 - base:
        raise ValueError("the effect must be positive and keep the rate below 100 %")


def _binomial_spread(base: float, mde: float) -> float:
    """p(1-p) + q(1-q): the per-person variance of the difference of two yes/no arms."""
    q = base + mde
    return base * (1 - base) + q * (1 - q)


def sample_size_exact(base: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """The formula's value before rounding up (the research's table rounds it to the nearest)."""
    _check_rates(base, mde)
    z = _z_total(alpha, power)
    return z * z * _binomial_spread(base, mde) / mde**2


def sample_size_per_arm(base: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """People per arm for a fixed-horizon test to detect +mde (absolute) on a base rate.

    Rounded up: the plan needs at least this many people.
    """
    return math.ceil(sample_size_exact(base, mde, alpha, power) - 1e-9)


def sample_size_per_arm_mean(sd: float, mde: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """People per arm for a fixed-horizon test of a mean metric with standard deviation sd."""
    if not sd > 0 or not mde > 0:
        raise ValueError("the standard deviation and the effect must be positive")
    z = _z_total(alpha, power)
    return math.ceil(2 * z * z * sd * sd / mde**2 - 1e-9)


def mde(base: float, n_per_arm: int, alpha: float = 0.05, power: float = 0.8) -> float | None:
    """The smallest increase (absolute) a fixed-horizon test with n per arm detects.

    None when even the largest possible increase needs more people than that.
    """
    if not 0 < base < 1:
        raise ValueError("the base rate must lie strictly between 0 and 1")
    if n_per_arm <= 0:
        raise ValueError("the number of people per arm must be positive")
    z = _z_total(alpha, power)

    def shortfall(effect: float) -> float:
        return z * z * _binomial_spread(base, effect) / effect**2 - n_per_arm

    largest = (1 - base) * (1 - 1e-9)
    if shortfall(largest) > 0:
        return None
    return float(brentq(shortfall, 1e-9, largest, xtol=1e-12))


def days_needed(people: float, daily_per_arm: float) -> int:
    """Whole days until `people` more arrive in each arm at `daily_per_arm` new people a day."""
    if not daily_per_arm > 0:
        raise ValueError("the daily arrival rate must be positive")
    return max(math.ceil(people / daily_per_arm - 1e-9), 0)


def sequential_power(
    base: float, mde_: float, n_per_arm: int, tau: float, alpha: float = 0.05
) -> float:
    """Power of the mSPRT judged at a last look with n per arm (a lower bound, see module)."""
    variance = _binomial_spread(base, mde_) / n_per_arm
    boundary = half_width(variance, tau, alpha)
    return float(norm.cdf((mde_ - boundary) / math.sqrt(variance)))


def sequential_sample_size_per_arm(
    base: float, mde_: float, alpha: float = 0.05, power: float = 0.8, tau: float | None = None
) -> int:
    """People per arm for the always-valid test to detect +mde with the wanted power."""
    _check_rates(base, mde_)
    _z_total(alpha, power)
    mixing = tau if tau is not None else tau_for_mde(mde_)
    high = sample_size_per_arm(base, mde_, alpha, power)
    while sequential_power(base, mde_, high, mixing, alpha) < power:
        high *= 2
    low = 1
    while low < high:
        middle = (low + high) // 2
        if sequential_power(base, mde_, middle, mixing, alpha) >= power:
            high = middle
        else:
            low = middle + 1
    return low


@dataclass(frozen=True)
class Plan:
    """What a marketer reads before launch: "with 600 people per variant you can detect +4 pp
    in about 3 weeks"."""

    base: float
    n_per_arm: int
    daily_per_arm: float
    alpha: float
    power: float
    # Fixed horizon: the smallest detectable increase (None: not possible with this audience).
    mde: float | None
    days: int
    # Looking every day: people and days per arm the always-valid test needs for that same mde.
    sequential_n_per_arm: int | None
    sequential_days: int | None


def plan(
    base: float,
    n_per_arm: int,
    daily_per_arm: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> Plan:
    """The plan for an audience of n people per arm arriving at daily_per_arm a day."""
    detectable = mde(base, n_per_arm, alpha, power)
    seq_n = seq_days = None
    if detectable is not None:
        seq_n = sequential_sample_size_per_arm(base, detectable, alpha, power)
        seq_days = days_needed(seq_n, daily_per_arm)
    return Plan(
        base=base,
        n_per_arm=n_per_arm,
        daily_per_arm=daily_per_arm,
        alpha=alpha,
        power=power,
        mde=detectable,
        days=days_needed(n_per_arm, daily_per_arm),
        sequential_n_per_arm=seq_n,
        sequential_days=seq_days,
    )
