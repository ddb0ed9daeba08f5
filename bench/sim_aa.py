"""A/A simulation with daily looks: `make sim-aa` (not a test; prints figures).

N seeded A/A experiments per base rate (default 1,000 x 30 daily looks x 100 new people per
arm per day, yes/no outcomes at 10 % and 3 %). Prints the false-positive rate, with a Wilson
95 % interval, of three rules: one fixed-horizon test at the last look; a naive test at every
look (stop at the first p < alpha); and the engine's always-valid sequential mode (mSPRT).
The sequential rate must stay at or under alpha; the naive one is typically around 30 %.
The same code runs, with 200 experiments, in leerpad/campaigns/tests/test_stats_simulation.py.

    make sim-aa SIM_ARGS="--experiments 5000 --json-out var/sim-aa.json"
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leerpad.campaigns.stats.simulation import Rate, simulate  # noqa: E402


def _rate(rate: Rate) -> str:
    return f"{rate.value:6.1%} [{rate.low:.1%}, {rate.high:.1%}]  ({rate.hits}/{rate.total})"


def main() -> None:
    parser = argparse.ArgumentParser(description="A/A simulation with daily looks")
    parser.add_argument("--experiments", type=int, default=1000)
    parser.add_argument("--looks", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=100, help="new people per arm per day")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--bases", default="0.10,0.03", help="comma-separated conversion rates")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--effect",
        type=float,
        default=0.0,
        help="also run with a real difference (e.g. 0.02 = +2 pp) and print the power",
    )
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    results = []
    runs = [(float(b), 0.0) for b in args.bases.split(",")]
    if args.effect:
        runs += [(base, args.effect) for base, _ in runs]
    for base, effect in runs:
        started = time.perf_counter()
        result = simulate(
            base,
            effect,
            experiments=args.experiments,
            looks=args.looks,
            per_day=args.per_day,
            alpha=args.alpha,
            seed=args.seed,
        )
        seconds = time.perf_counter() - started
        results.append(asdict(result) | {"seconds": round(seconds, 3)})
        what = (
            "A/A experiments" if not effect else f"experiments with {effect * 100:+.1f} pp (power)"
        )
        print(
            f"\nbase {base:.0%}: {args.experiments} {what}, {args.looks} daily looks, "
            f"{args.per_day} per arm per day, alpha {args.alpha}, tau {result.tau:.4f} "
            f"({seconds:.2f} s)"
        )
        print(f"  fixed horizon, one test at the end   {_rate(result.fixed_horizon)}")
        print(f"  naive test at every look             {_rate(result.naive)}")
        print(f"  sequential (mSPRT, always valid)     {_rate(result.sequential)}")
        if result.naive_first_look_median is not None:
            print(
                f"  naive false winners: median first look day {result.naive_first_look_median:g}"
            )
        if not effect and result.sequential.value > args.alpha:
            print(f"  WARNING: sequential false-positive rate above alpha {args.alpha}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(results, indent=1) + "\n")
        print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
