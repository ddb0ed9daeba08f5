"""`leerpad recommend evaluate`: the offline evaluation of the recommender, as a table."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leerpad.recommend import evaluation


class Command(BaseCommand):
    help = (
        "Evaluate the recommender offline (leave-last-out, recall@10 and nDCG@10 against a "
        "popularity baseline) on simulated histories in a throw-away database, or on the "
        "history in this database (--source demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["evaluate"])
        parser.add_argument(
            "--source",
            choices=["simulated", "demo"],
            default="simulated",
            help="simulated (default): a generated organisation in a throw-away database; "
            "demo: the history already in this database (read only).",
        )
        parser.add_argument("--people", type=int, default=300, help="simulated people")
        parser.add_argument("--items", type=int, default=200, help="simulated items")
        parser.add_argument("--seed", type=int, default=1, help="seed of the simulation")
        parser.add_argument(
            "--no-ablations", action="store_true", help="only the hybrid and the baseline"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ablations = not options["no_ablations"]
        started = time.perf_counter()
        if options["source"] == "demo":
            report = evaluation.evaluate(ablations=ablations)
            self.stdout.write("Source: the history in this database")
        else:
            if options["people"] < 10 or options["items"] < 20:
                raise CommandError("Simulate at least 10 people and 20 items.")
            report = self._simulated(
                options["people"], options["items"], options["seed"], ablations
            )
        if not report.people:
            raise CommandError("No one to evaluate: it needs people with at least two completions.")
        self.stdout.write(report.table())
        self.stdout.write(f"Took {time.perf_counter() - started:.1f} s.")

    def _simulated(self, people: int, items: int, seed: int, ablations: bool) -> evaluation.Report:
        # A database of its own, like the test runner's (in memory for SQLite), so the
        # simulation never mixes with real data and disappears afterwards.
        from django.test.utils import setup_databases, teardown_databases

        from leerpad.recommend import simulate

        self.stdout.write("Preparing a throw-away database…")
        old = setup_databases(
            verbosity=0, interactive=False, aliases={"default": None}, serialized_aliases=set()
        )
        try:
            summary = simulate.generate(people=people, items=items, seed=seed)
            self.stdout.write(
                f"Source: simulated (seed {seed}): {summary.people} people, {summary.items} "
                f"items, {summary.topics} hidden topics, {summary.roles} roles, "
                f"{summary.locations} locations, {summary.completions} completions"
            )
            return evaluation.evaluate(ablations=ablations)
        finally:
            teardown_databases(old, verbosity=0)
