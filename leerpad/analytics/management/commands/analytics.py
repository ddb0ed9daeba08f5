"""`leerpad analytics`: run the analytics store's maintenance by hand (or from cron), on
the configured engine (DuckDB over Parquet files, or ClickHouse), which it names first.

leerpad analytics sync      export what the LRS stored since the last sync
leerpad analytics compact   merge each month's batch files into one sorted file
leerpad analytics status    where the store is, its watermark and size
leerpad analytics rebuild   export the whole LRS again (readers keep the old store
                            until the new one is complete)
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, no_translations

from leerpad.analytics import sync
from leerpad.analytics.store.clickhouse import ClickHouseStore


class Command(BaseCommand):
    help = (
        "Sync, compact, rebuild or inspect the analytics store fed from the LRS "
        "(Parquet files for DuckDB, or ClickHouse)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("sync", help="Export the statements stored since the last sync.")
        run.add_argument("--batch", type=int, default=sync.BATCH, help="Rows per batch file.")
        sub.add_parser("compact", help="Merge each month's files into one sorted file.")
        sub.add_parser("status", help="Print the store's folder, watermark and size.")
        rebuild = sub.add_parser("rebuild", help="Export the whole LRS again.")
        rebuild.add_argument("--batch", type=int, default=sync.BATCH, help="Rows per batch.")

    @no_translations  # the command speaks English, like the rest of the CLI
    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        started = time.perf_counter()
        self.stdout.write(f"Engine: {self._engine()}")
        if action == "sync":
            result = sync.sync(batch_size=options["batch"])
            self._done(f"{result.rows} rows in {result.batches} batches", started)
            if result.dropped:
                self.stdout.write(f"{result.dropped} voided statements removed.")
        elif action == "compact":
            self._done(f"{sync.compact()} months compacted", started)
        elif action == "rebuild":
            result = sync.rebuild(batch_size=options["batch"])
            self._done(f"rebuilt: {result.rows} rows in {result.batches} batches", started)
        else:
            self.stdout.write(json.dumps(sync.status(), indent=2))

    def _engine(self) -> str:
        st = sync.current_store()
        if isinstance(st, ClickHouseStore):
            return f"ClickHouse at {st.target.describe()}, tenant {st.tenant}"
        return f"DuckDB over the Parquet files in {st.root}"

    def _done(self, what: str, started: float) -> None:
        took = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{what} ({took:.1f} s)."))
