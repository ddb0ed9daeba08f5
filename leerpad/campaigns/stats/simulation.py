"""Seeded A/A simulation with daily looks: does daily looking inflate false winners?

Each simulated experiment has two identical arms (same conversion rate) that each receive
`per_day` new people a day; at each of `looks` daily looks three rules are evaluated:

- fixed horizon: one Welch test at the last look only (the rule the fixed mode follows);
- naive: a Welch test at every look, stopping at the first p < alpha (what people do);
- sequential: our mSPRT (sequential.py) at every look, stopping when the always-valid p
  (running minimum of 1/Lambda) is <= alpha, with tau = the plan's MDE (power.mde for the
  people per arm at the last look).

Everything is vectorised over experiments and looks with numpy, so 1,000 experiments x 30
looks take well under a second. The formulas are the engine's own (the tests check the
vectorised versions against frequentist.compare and sequential.msprt look by look).
The false-positive rates come with Wilson 95 % intervals (Wilson 1927).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm
from scipy.stats import t as student_t

from leerpad.analytics.stats import wilson as proportion

from . import power

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Rate:
    hits: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass(frozen=True)
class AaResult:
    base: float
    effect: float
    experiments: int
    looks: int
    per_day: int
    alpha: float
    tau: float
    fixed_horizon: Rate
    naive: Rate
    sequential: Rate
    # Median look at which the naive rule first fired (None if it never did).
    naive_first_look_median: float | None


def wilson(hits: int, total: int, confidence: float = 0.95) -> Rate:
    """Wilson score interval for a proportion: the analytics pages' own (analytics/stats.py),
    so Leerpad has one implementation; here an empty run reads as "anything from 0 to 1"."""
    if total <= 0:
        return Rate(hits, total, 0.0, 1.0)
    interval = proportion(hits, total, float(norm.ppf(1 - (1 - confidence) / 2)))
    return Rate(hits, total, interval.low, interval.high)


def welch_p_values(conv_a: Array, n_a: Array, conv_b: Array, n_b: Array) -> Array:
    """Two-sided Welch p-values of the absolute difference (frequentist.compare, vectorised)."""
    p_a = conv_a / n_a
    p_b = conv_b / n_b
    var_a = p_a * (1 - p_a) / n_a
    var_b = p_b * (1 - p_b) / n_b
    variance = var_a + var_b
    safe = np.where(variance > 0, variance, 1.0)
    dof_denominator = var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1)
    dof = np.where(
        dof_denominator > 0,
        variance**2 / np.where(dof_denominator > 0, dof_denominator, 1.0),
        np.inf,
    )
    statistic = np.abs(p_b - p_a) / np.sqrt(safe)
    p = 2 * student_t.sf(statistic, dof)
    return np.where(variance > 0, np.minimum(p, 1.0), 1.0)


def msprt_p_values(conv_a: Array, n_a: Array, conv_b: Array, n_b: Array, tau: float) -> Array:
    """min(1, 1/Lambda) at each look (sequential.log_likelihood_ratio, vectorised)."""
    p_a = conv_a / n_a
    p_b = conv_b / n_b
    variance = p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b
    safe = np.where(variance > 0, variance, 1.0)
    tau2 = tau * tau
    log_lr = 0.5 * np.log(safe / (safe + tau2)) + tau2 * (p_b - p_a) ** 2 / (
        2 * safe * (safe + tau2)
    )
    p = np.exp(-np.maximum(log_lr, 0.0))
    return np.where(variance > 0, p, 1.0)


def simulate_aa(
    base: float,
    experiments: int = 1000,
    looks: int = 30,
    per_day: int = 100,
    alpha: float = 0.05,
    seed: int = 20261127,
) -> AaResult:
    """False-positive rates of the three rules over `experiments` seeded A/A experiments."""
    return simulate(base, 0.0, experiments, looks, per_day, alpha, seed)


def simulate(
    base: float,
    effect: float,
    experiments: int = 1000,
    looks: int = 30,
    per_day: int = 100,
    alpha: float = 0.05,
    seed: int = 20261127,
) -> AaResult:
    """How often each rule declares a difference when the variant's rate is base + effect.

    With effect 0 (an A/A test) these are false-positive rates; otherwise they are power.
    """
    if experiments < 1 or looks < 1 or per_day < 2:
        raise ValueError("need at least one experiment, one look and two people a day")
    if not (0 < base < 1 and 0 <= base + effect <= 1):
        raise ValueError("rates must lie between 0 and 1")
    rng = np.random.default_rng(seed)
    rates = np.array([base, base + effect]).reshape(2, 1, 1)
    daily = rng.binomial(per_day, rates, size=(2, experiments, looks)).astype(np.float64)
    conversions = np.cumsum(daily, axis=2)
    people = np.broadcast_to(
        per_day * np.arange(1, looks + 1, dtype=np.float64), (experiments, looks)
    )
    planned = power.mde(base, per_day * looks, alpha)
    tau = planned if planned is not None else 0.3 * base
    naive_p = welch_p_values(conversions[0], people, conversions[1], people)
    sequential_p = msprt_p_values(conversions[0], people, conversions[1], people, tau)
    naive_fired = naive_p < alpha
    naive_any = naive_fired.any(axis=1)
    fixed_any = naive_fired[:, -1]
    sequential_any = (np.minimum.accumulate(sequential_p, axis=1) <= alpha).any(axis=1)
    first = naive_fired.argmax(axis=1)[naive_any] + 1
    return AaResult(
        base=base,
        effect=effect,
        experiments=experiments,
        looks=looks,
        per_day=per_day,
        alpha=alpha,
        tau=tau,
        fixed_horizon=wilson(int(fixed_any.sum()), experiments),
        naive=wilson(int(naive_any.sum()), experiments),
        sequential=wilson(int(sequential_any.sum()), experiments),
        naive_first_look_median=float(np.median(first)) if first.size else None,
    )
