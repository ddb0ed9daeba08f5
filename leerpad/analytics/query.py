"""The query layer: every question is one SQL template, rendered per dialect, run with
bound parameters.

Templates use the view names `events` and `people` (the schema of `events.py`) and a few
macros, written `@name(arg, ...)`, that the dialect's macro table turns into its own SQL.
They are the dialect differences the research found (research/scale-event-store.md 6.4):

    @month(ts)            'YYYY-MM' of a timestamp
    @week(ts)             the Monday (a DATE) of the ISO week of a timestamp
    @days_between(a, b)   whole days from a to b
    @add_days(ts, n)      ts + n days
    @percentile(x, p)     the discrete percentile (nearest rank: a value that occurs)
    @p(name, type)        a bound parameter; type is timestamp, int, float or text
    @settings()           per-dialect query settings, last in the query

Parameters are always bound, never formatted into the SQL: `@p` renders a placeholder.

Dialects: "duckdb" (the embedded store, implemented here) and "clickhouse" (the scale
tier; a later session fills its slot in `DIALECTS` and runs every question on chDB in the
golden-result tests). The ClickHouse table must have `join_use_nulls = 1` in its settings
macro, `quantileExact`-family functions pinned to the same nearest-rank rule, and typed
parameters `{name:DateTime64(6, 'UTC')}`: the three silent traps of the research.

DuckDB runs in memory, one connection per process, over the Parquet files the store's
state lists. Before each question the connection checks the state file and, when it
changed, points its views at the new file list, so a reader always sees a whole state.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs or py.typed

from leerpad.analytics.events import EVENT_SCHEMA, PEOPLE_SCHEMA
from leerpad.analytics.store.parquet import ParquetStore, sql_path, store

Macro = Callable[..., str]


@dataclass(frozen=True)
class Dialect:
    name: str
    macros: Mapping[str, Macro]
    param: Callable[[str, str], str]  # (name, logical type) -> placeholder
    settings: str = ""


_DUCKDB_TYPES = {"timestamp": "TIMESTAMPTZ", "int": "BIGINT", "float": "DOUBLE", "text": "VARCHAR"}

DUCKDB = Dialect(
    name="duckdb",
    macros={
        "month": lambda ts: f"strftime({ts}, '%Y-%m')",
        "week": lambda ts: f"CAST(date_trunc('week', {ts}) AS DATE)",
        "days_between": lambda a, b: f"date_diff('day', {a}, {b})",
        "add_days": lambda ts, n: f"({ts} + to_days(CAST({n} AS INTEGER)))",
        "percentile": lambda x, p: f"quantile_disc({x}, {p})",
    },
    param=lambda name, kind: f"CAST(${name} AS {_DUCKDB_TYPES[kind]})",
)

# The slot for the scale tier. Filled by the ClickHouse session; listed so that a question
# asked for an unknown dialect fails with a clear message rather than a KeyError.
DIALECTS: dict[str, Dialect | None] = {"duckdb": DUCKDB, "clickhouse": None}

_MACRO = re.compile(r"@(\w+)\(([^()]*)\)")


def render(template: str, dialect: Dialect) -> str:
    """The SQL of a template for a dialect (macros expanded innermost first)."""

    def expand(match: re.Match[str]) -> str:
        name, args_text = match.group(1), match.group(2)
        args = [a.strip() for a in args_text.split(",")] if args_text.strip() else []
        if name == "p":
            return dialect.param(args[0], args[1])
        if name == "settings":
            return dialect.settings
        if name not in dialect.macros:
            raise ValueError(f"unknown macro @{name} for {dialect.name}")
        return dialect.macros[name](*args)

    sql = template
    while True:
        expanded = _MACRO.sub(expand, sql)
        if expanded == sql:
            return sql
        sql = expanded


def dialect(name: str) -> Dialect:
    found = DIALECTS.get(name)
    if found is None:
        raise NotImplementedError(f"the {name!r} dialect is not implemented yet")
    return found


_DUCK_COLUMN_TYPES = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}


def _empty_view(schema: pa.Schema) -> str:
    """A SELECT with the schema's columns and no rows (for a store without files yet)."""
    columns = []
    for f in schema:
        kind = "TIMESTAMPTZ" if pa.types.is_timestamp(f.type) else _DUCK_COLUMN_TYPES[f.type]
        columns.append(f'CAST(NULL AS {kind}) AS "{f.name}"')
    return f"SELECT {', '.join(columns)} WHERE false"


@dataclass
class Reader:
    """One in-memory DuckDB connection over the store's files (one per process)."""

    st: ParquetStore
    con: Any = None
    seen: tuple[int, int] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _signature(self) -> tuple[int, int] | None:
        try:
            stat = self.st.state_path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def refresh(self, force: bool = False) -> None:
        """Point the views at the files the state lists now, when that changed."""
        signature = self._signature()
        if self.con is not None and signature == self.seen and not force:
            return
        if self.con is None:
            self.con = duckdb.connect(":memory:")
            # Timestamps are UTC; weeks and months are cut in UTC on every tier.
            self.con.execute("SET GLOBAL TimeZone = 'UTC'")
        files = [Path(f) for f in self.st.files()]
        if files:
            listed = ", ".join(sql_path(f) for f in files)
            options = "hive_partitioning = true, union_by_name = true, "
            options += "hive_types = {'month': VARCHAR}"
            # Only the store's own checked file names reach this SQL (see `sql_path`).
            events_sql = f"SELECT * FROM read_parquet([{listed}], {options})"  # noqa: S608
        else:
            events_sql = _empty_view(EVENT_SCHEMA)
        if self.st.people_path.exists():
            people_sql = f"SELECT * FROM read_parquet({sql_path(self.st.people_path)})"  # noqa: S608
        else:
            people_sql = _empty_view(PEOPLE_SCHEMA)
        self.con.execute(f"CREATE OR REPLACE VIEW events AS {events_sql}")
        self.con.execute(f"CREATE OR REPLACE VIEW people AS {people_sql}")
        self.seen = signature

    def run(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self.lock:
            self.refresh()
            cursor = self.con.cursor()
        try:
            cursor.execute(sql, dict(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()


_readers: dict[Path, Reader] = {}
_readers_lock = threading.Lock()


def reader() -> Reader:
    """This process's reader of the configured store (one per folder, made on first use)."""
    st = store()
    with _readers_lock:
        found = _readers.get(st.root)
        if found is None:
            found = _readers[st.root] = Reader(st)
        return found


def run(
    template: str, params: Mapping[str, Any], dialect_name: str = "duckdb"
) -> list[dict[str, Any]]:
    """Render a question's template for the dialect and run it with bound parameters."""
    sql = render(template, dialect(dialect_name))
    if dialect_name != "duckdb":  # pragma: no cover - the ClickHouse session adds it
        raise NotImplementedError(dialect_name)
    return reader().run(sql, params)
