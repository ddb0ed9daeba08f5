"""Reference numbers from GrowthBook's stats engine (gbstats 0.8.0) for the campaigns stats tests.

Runs only inside the separate `.venv-gbstats` virtual environment (gbstats 0.8.0 pins
numpy<2 and pandas<2, so it cannot live beside Leerpad's own environment): use
`scripts/gbstats-reference`, which creates that environment and writes
`leerpad/campaigns/tests/fixtures/gbstats_reference.json`.

Only gbstats' low-level classes are called (the statistics, the t-tests, the Bayesian
effect test and the SRM check); every case is run with the relative and the absolute
difference. The output is deterministic (no random numbers), so a second run gives a
byte-identical file.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import sys
from pathlib import Path
from typing import Any

from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig, GaussianPrior
from gbstats.frequentist.tests import (
    FrequentistConfig,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from gbstats.models.statistics import ProportionStatistic, SampleMeanStatistic
from gbstats.utils import check_srm

ALPHA = 0.05
TUNING = 5000
# GrowthBook's default proper prior on the relative lift (DEFAULT_PROPER_PRIOR_STDDEV).
PROPER_PRIOR_SD_RELATIVE = 0.3

# Binomial arms: (n, conversions). Arm 0 is the control.
BINOMIAL_CASES: dict[str, list[tuple[int, int]]] = {
    "enrol": [(1000, 120), (1000, 150)],
    "aa": [(2500, 300), (2500, 300)],
    "sparse": [(1480, 31), (1510, 47)],
    "three_arms": [(2000, 200), (2000, 236), (2000, 190)],
    # Not in the research's table: a clear effect, so both sequential methods must reject.
    "strong": [(2000, 200), (2000, 290)],
}
# Mean arms: (n, mean, sd). Arm 0 is the control.
MEAN_CASES: dict[str, list[tuple[int, float, float]]] = {
    "minutes": [(800, 22.0, 41.0), (820, 25.5, 46.0)],
}
SRM_CASES: dict[str, dict[str, list[float]]] = {
    "even_5012_4988": {"users": [5012, 4988], "weights": [0.5, 0.5]},
    "mild_5100_4900": {"users": [5100, 4900], "weights": [0.5, 0.5]},
    "5000_4700": {"users": [5000, 4700], "weights": [0.5, 0.5]},
    "5000_4650": {"users": [5000, 4650], "weights": [0.5, 0.5]},
    "three_5200_2400_2150": {"users": [5200, 2400, 2150], "weights": [0.5, 0.25, 0.25]},
}


def mean_sums(n: int, mean: float, sd: float) -> tuple[float, float]:
    """Sufficient statistics (sum, sum of squares) of n values with this mean and sample sd."""
    total = mean * n
    return total, (n - 1) * sd * sd + n * mean * mean


def clean(value: Any) -> Any:
    """Plain floats for JSON (numpy scalars and lists of them)."""
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    number = float(value)
    return number if math.isfinite(number) else None


def compare(stat_a: Any, stat_b: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for difference in ("relative", "absolute"):
        fixed = TwoSidedTTest(
            stat_a, stat_b, FrequentistConfig(difference_type=difference, alpha=ALPHA)
        )
        fixed_result = fixed.compute_result()
        sequential = SequentialTwoSidedTTest(
            stat_a,
            stat_b,
            SequentialConfig(
                difference_type=difference, alpha=ALPHA, sequential_tuning_parameter=TUNING
            ),
        ).compute_result()
        bayes = EffectBayesianABTest(
            stat_a, stat_b, EffectBayesianConfig(difference_type=difference, alpha=ALPHA)
        ).compute_result()
        proper = EffectBayesianABTest(
            stat_a,
            stat_b,
            EffectBayesianConfig(
                difference_type=difference,
                alpha=ALPHA,
                prior_type="relative",
                prior_effect=GaussianPrior(
                    mean=0, variance=PROPER_PRIOR_SD_RELATIVE**2, proper=True
                ),
            ),
        ).compute_result()
        out[difference] = {
            "frequentist": {
                "estimate": clean(fixed_result.expected),
                "stddev": clean(fixed_result.uplift.stddev),
                "dof": clean(fixed.dof),
                "p_value": clean(fixed_result.p_value),
                "ci": clean(fixed_result.ci),
                "error": fixed_result.error_message,
            },
            "sequential": {
                "p_value": clean(sequential.p_value),
                "ci": clean(sequential.ci),
                "error": sequential.error_message,
            },
            "bayesian": {
                "expected": clean(bayes.expected),
                "stddev": clean(bayes.uplift.stddev),
                "chance_to_win": clean(bayes.chance_to_win),
                "ci": clean(bayes.ci),
                "risk": clean(bayes.risk),
                "error": bayes.error_message,
            },
            "bayesian_proper_prior": {
                "prior_sd_relative": PROPER_PRIOR_SD_RELATIVE,
                "expected": clean(proper.expected),
                "stddev": clean(proper.uplift.stddev),
                "chance_to_win": clean(proper.chance_to_win),
                "ci": clean(proper.ci),
                "risk": clean(proper.risk),
                "error": proper.error_message,
            },
        }
    return out


def build() -> dict[str, Any]:
    cases: dict[str, Any] = {}
    for name, binomial_arms in BINOMIAL_CASES.items():
        stats = [ProportionStatistic(n=n, sum=conversions) for n, conversions in binomial_arms]
        cases[name] = {
            "kind": "binomial",
            "arms": [{"n": n, "conversions": c} for n, c in binomial_arms],
            "variants": [compare(stats[0], stat) for stat in stats[1:]],
        }
    for name, mean_arms in MEAN_CASES.items():
        arms = []
        stats = []
        for n, mean, sd in mean_arms:
            total, squares = mean_sums(n, mean, sd)
            arms.append({"n": n, "sum": total, "sum_squares": squares})
            stats.append(SampleMeanStatistic(n=n, sum=total, sum_squares=squares))
        cases[name] = {
            "kind": "mean",
            "arms": arms,
            "variants": [compare(stats[0], stat) for stat in stats[1:]],
        }
    srm = {
        name: {**case, "p_value": clean(check_srm(case["users"], case["weights"]))}
        for name, case in SRM_CASES.items()
    }
    return {
        "generator": "eval/experiments/gbstats_reference.py",
        "gbstats": importlib.metadata.version("gbstats"),
        "numpy": importlib.metadata.version("numpy"),
        "scipy": importlib.metadata.version("scipy"),
        "python": ".".join(map(str, sys.version_info[:3])),
        "alpha": ALPHA,
        "sequential_tuning_parameter": TUNING,
        "cases": cases,
        "srm": srm,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(json.dumps(build(), indent=1, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {args.out}\n")


if __name__ == "__main__":
    main()
