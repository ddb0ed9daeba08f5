"""Bandit mode: Thompson sampling that moves traffic toward the better text, with a floor.

Each yes/no arm gets a Beta(1 + conversions, 1 + n - conversions) posterior (uniform prior;
Thompson 1933, Chapelle & Li, "An Empirical Evaluation of Thompson Sampling", NIPS 2011).
We draw `draws` samples per arm from a seeded numpy Generator and give each arm the share
of draws in which it is best (probability of being best, as Statsig's Autotune does).

Two safeguards from the research (gbstats bandits, Yanez et al. 2022, Rafferty et al. 2019):
- a floor: every arm keeps at least `floor` of the traffic, so a text that looked bad early
  can still recover and the experiment can still be analysed; weights are
  floor + (1 - k * floor) * P(best), which sum to 1;
- no reweighting before every arm has `min_count` people (gbstats: 100): until then the
  weights stay equal, because a handful of early conversions is noise.

Bandit weights change the split over time, so the SRM check must use the weights in force
for each period, and effects estimated from a bandit are biased by time trends: the verdict
still comes from the A/B statistics, the bandit only steers traffic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .inputs import ArmStats, MetricKind, StatsInputError

DRAWS = 10_000
FLOOR = 0.01
MIN_COUNT = 100


@dataclass(frozen=True)
class BanditWeights:
    weights: tuple[float, ...]
    # P(arm is best) from the draws (None while the weights are still equal).
    chance_best: tuple[float, ...] | None
    reweighted: bool


def thompson_weights(
    arms: Sequence[ArmStats],
    seed: int,
    draws: int = DRAWS,
    floor: float = FLOOR,
    min_count: int = MIN_COUNT,
) -> BanditWeights:
    """Traffic weights for the next period from the arms' yes/no results so far."""
    k = len(arms)
    if k < 2:
        raise StatsInputError("a bandit needs at least two arms")
    if any(arm.kind is not MetricKind.BINOMIAL for arm in arms):
        raise StatsInputError("bandit mode works on yes/no outcomes only")
    if not 0 <= floor <= 1 / k:
        raise ValueError(f"the floor must lie between 0 and 1/{k}")
    if draws < 1:
        raise ValueError("at least one draw is needed")
    if any(arm.n < min_count for arm in arms):
        return BanditWeights(tuple(1 / k for _ in arms), None, False)
    rng = np.random.default_rng(seed)
    successes = np.array([arm.sum for arm in arms])
    failures = np.array([arm.n - arm.sum for arm in arms])
    samples = rng.beta(1 + successes, 1 + failures, size=(draws, k))
    best = np.bincount(samples.argmax(axis=1), minlength=k) / draws
    weights = floor + (1 - k * floor) * best
    return BanditWeights(tuple(float(w) for w in weights), tuple(float(b) for b in best), True)
