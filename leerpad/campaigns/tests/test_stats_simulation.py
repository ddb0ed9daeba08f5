"""The A/A simulation (fast version of `make sim-aa`) and its vectorised formulas."""

from __future__ import annotations

import numpy as np
import pytest

from leerpad.campaigns.stats.frequentist import compare
from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.campaigns.stats.sequential import msprt
from leerpad.campaigns.stats.simulation import (
    msprt_p_values,
    simulate,
    simulate_aa,
    welch_p_values,
    wilson,
)

ALPHA = 0.05


@pytest.mark.parametrize("base", [0.10, 0.03])
def test_daily_looks_naive_inflates_sequential_holds(base: float) -> None:
    result = simulate_aa(base, experiments=200, looks=30, per_day=100, alpha=ALPHA, seed=7)
    # Naive repeated testing: ~25-30 % false winners (research d1: 31-33 %).
    assert result.naive.value >= 0.15
    # Always-valid mode at or under alpha (plus a margin for 200 experiments).
    assert result.sequential.value <= ALPHA + 0.02
    assert result.sequential.value < result.naive.value
    assert result.fixed_horizon.value <= result.naive.value


def test_with_a_real_difference_the_sequential_mode_still_finds_it() -> None:
    # 10 % vs 13 % with 3,000 per arm at the end: the always-valid test pays in power
    # (research d1: 37 % vs 63.5 % for +2 pp) but still detects a +3 pp effect most times.
    result = simulate(0.10, 0.03, experiments=200, seed=9)
    assert result.sequential.value > 0.5
    assert result.fixed_horizon.value > result.sequential.value


def test_simulation_is_seeded() -> None:
    assert simulate_aa(0.1, experiments=50, seed=3) == simulate_aa(0.1, experiments=50, seed=3)


def test_vectorised_formulas_equal_the_engine() -> None:
    rng = np.random.default_rng(5)
    n = rng.integers(50, 3000, size=(2, 40)).astype(np.float64)
    conversions = rng.binomial(n.astype(np.int64), 0.08).astype(np.float64)
    tau = 0.02
    naive = welch_p_values(conversions[0], n[0], conversions[1], n[1])
    sequential = msprt_p_values(conversions[0], n[0], conversions[1], n[1], tau)
    for i in range(n.shape[1]):
        control = ArmStats.binomial(int(n[0, i]), int(conversions[0, i]))
        variant = ArmStats.binomial(int(n[1, i]), int(conversions[1, i]))
        assert naive[i] == pytest.approx(compare(control, variant).p_value, rel=1e-9, abs=1e-12)
        assert sequential[i] == pytest.approx(
            msprt(control, variant, tau).p_value_now, rel=1e-9, abs=1e-12
        )


def test_wilson_interval_textbook() -> None:
    # 30 of 100 at 95 %: [0.2189, 0.3958] (Wilson 1927; Newcombe 1998, table I style).
    rate = wilson(30, 100)
    assert rate.low == pytest.approx(0.2189, abs=1e-4)
    assert rate.high == pytest.approx(0.3958, abs=1e-4)
    assert wilson(0, 0).high == 1.0
