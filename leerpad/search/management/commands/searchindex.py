"""`leerpad searchindex rebuild|status`: the search index, from the command line."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from leerpad.catalog.models import ContentItem
from leerpad.search import service


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the database, show how many items it holds, or "
        "evaluate the search on a query set (nDCG@10, MRR)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "status", "evaluate"])
        parser.add_argument(
            "file", nargs="?", help="evaluate: a JSON query set (see leerpad/search/evaluation.py)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "evaluate":
            self._evaluate(options["file"])
        elif options["action"] == "rebuild":
            started = time.perf_counter()
            written = service.rebuild()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {written} items in {time.perf_counter() - started:.1f} s."
                )
            )
        else:
            indexed = service.backend().count()
            stored = ContentItem.objects.count()
            self.stdout.write(f"{indexed} items in the index, {stored} in the database.")

    def _evaluate(self, file: str | None) -> None:
        import json
        from pathlib import Path

        from django.core.management.base import CommandError

        from leerpad.search.evaluation import evaluate

        if not file:
            raise CommandError("Give the query set: leerpad searchindex evaluate FILE")
        try:
            queries = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        report = evaluate(queries)
        for row in report.per_query:
            self.stdout.write(f"{row['ndcg']:.2f}  {row['q']}  → {', '.join(row['top'])}")
        for kind, score in report.by_kind().items():
            self.stdout.write(f"{kind or '-':<16} nDCG@10 {score:.3f}")
        self.stdout.write(
            f"nDCG@10 {report.ndcg:.3f}   MRR {report.mrr:.3f}   ({len(queries)} queries)"
        )
