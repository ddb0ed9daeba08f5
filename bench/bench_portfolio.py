"""The portfolio plan at growing sizes: `make bench-portfolio` (not a test; prints figures).

The plan page solves the 0/1 choice exactly (scipy's HiGHS MILP), then once more per request
to explain it ("leaving it out would lose X", "taking it in would cost Y"). So a page costs
about n + 2 MILP solves. This times `portfolio.plan` over seeded requests scored the way the team
scores (value, urgency, risk on 1-2-3-5-8-10, effort 1-40 person-days, capacity a third of all
effort) and compares the exact value with the greedy-by-score choice. "set only" times
`explain=False`, what accepting the plan (and its confirmation page) runs: the set, no
explanations.

    make bench-portfolio BENCH_ARGS="--sizes 10 50 200 --repeat 5"
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leerpad.intake import portfolio  # noqa: E402

SCALE = (1, 2, 3, 5, 8, 10)


def _items(n: int, rng: random.Random) -> list[portfolio.Item]:
    return [
        portfolio.Item(
            key=k,
            value=float(rng.choice(SCALE) + rng.choice(SCALE) + rng.choice(SCALE)),
            effort=float(rng.randint(1, 40)),
        )
        for k in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 100, 300])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    header = ("requests", "plan p50 ms", "max ms", "solves", "set only ms", "exact vs greedy")
    print(
        f"{header[0]:>8} {header[1]:>12} {header[2]:>8} {header[3]:>7} {header[4]:>12}"
        f" {header[5]:>16}"
    )
    for n in args.sizes:
        rng = random.Random(args.seed + n)
        times: list[float] = []
        quick: list[float] = []
        gains: list[float] = []
        for _ in range(args.repeat):
            items = _items(n, rng)
            capacity = sum(i.effort for i in items) / 3
            started = time.perf_counter()
            found = portfolio.plan(items, capacity)
            times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            portfolio.plan(items, capacity, explain=False)
            quick.append((time.perf_counter() - started) * 1000)
            greedy = found.greedy.value
            gains.append((found.solution.value - greedy) / greedy * 100 if greedy else 0.0)
        print(
            f"{n:>8} {statistics.median(times):>12.1f} {max(times):>8.1f} {n + 2:>7}"
            f" {statistics.median(quick):>12.1f}"
            f" {'+' + format(statistics.mean(gains), '.2f') + ' percent':>16}"
        )


if __name__ == "__main__":
    main()
