"""The query layer: every question is one SQL template, rendered per dialect, run with
bound parameters on the configured engine.

Templates use the view names `events` and `people` (the schema of `events.py`) and a few
macros, written `@name(arg, ...)`, that the dialect's macro table turns into its own SQL.
They are the dialect differences the research found (research/scale-event-store.md 6.4):

    @month(ts)            'YYYY-MM' of a timestamp
    @week(ts)             the Monday (a DATE) of the ISO week of a timestamp
    @days_between(a, b)   whole days from a to b (day boundaries crossed, in UTC)
    @add_days(ts, n)      ts + n days
    @percentile(x, p)     the discrete percentile (nearest rank: a value that occurs)
    @p(name, type)        a bound parameter; type is timestamp, int, float or text
    @settings()           per-dialect query settings, last in the query

Macros nest (`@percentile(@days_between(a, b), 0.5)`); an argument may hold parentheses
and quoted commas. Parameters are always bound, never formatted into the SQL: `@p`
renders a placeholder.

Engines (`settings.LEERPAD_ANALYTICS_ENGINE`): "duckdb" (the embedded default, DuckDB in
memory over the Parquet store) and "clickhouse" (the scale tier: a ClickHouse server, or
chDB in-process; `store/clickhouse.py`). `run` renders for the configured engine and runs
there; golden-result tests hold both to the same answers
(`analytics/tests/test_golden.py`). On ClickHouse the query layer, never a question, adds
tenancy and deduplication: `events` and `people` are the tenant's rows of the tables, read
`FINAL` (`ClickHouseStore.tenant_sql`).

The silent traps between the two (each found by a golden test) and how this module closes
them:

1. LEFT JOIN: ClickHouse fills a missing right side with '' and 0, not NULL, unless
   `join_use_nulls = 1`. Set on every ClickHouse query (`store.clickhouse.SETTINGS`), and
   rendered by `@settings()` too.
2. Percentiles: DuckDB's `quantile_disc` is the nearest rank, the value at index
   max(1, n - floor(n - n*p)) - 1 of the sorted values, computed in decimals: a literal p
   exactly as written, a DOUBLE p rounded to 15 decimal places (measured on DuckDB 2.0:
   0.56 is 0.56, not 0.56000000000000005 as a double, which moves the rank at n = 25).
   ClickHouse's `quantileExactLow/High` follow other rules. The ClickHouse macro computes
   DuckDB's index with the same decimals.
3. Timestamps: parameters are typed (`TIMESTAMPTZ`, `DateTime64(6, 'UTC')`) and converted
   to UTC before binding, never compared as text; weeks and months are cut in UTC; results
   come back as aware UTC datetimes and dates as `date` on both.

More differences a template must avoid (ClickHouse behaves otherwise, silently): an
output alias equal to an input column name (ClickHouse resolves the alias in WHERE and
GROUP BY), `NOT IN` over a subquery that can hold NULL (use NOT EXISTS or a LEFT JOIN),
`round()` and `CAST(x AS INTEGER)` of halves (round in Python). `CAST(NULL AS BIGINT)`
works on both (`cast_keep_nullable`), and aggregates over no rows are NULL on both
(`aggregate_functions_null_for_empty`).

DuckDB runs in memory, one connection per process, over the Parquet files the store's
state lists. Before each question the connection checks the state file and, when it
changed, points its views at the new file list, so a reader always sees a whole state.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # no stubs or py.typed
from django.conf import settings

from leerpad.analytics.events import EVENT_SCHEMA, PEOPLE_SCHEMA
from leerpad.analytics.store.parquet import ParquetStore, sql_path, store

Macro = Callable[..., str]

ENGINES = ("duckdb", "clickhouse")


def engine() -> str:
    """The configured analytics engine: "duckdb" (default) or "clickhouse"."""
    name = str(getattr(settings, "LEERPAD_ANALYTICS_ENGINE", "duckdb") or "duckdb").lower()
    if name not in ENGINES:
        raise ValueError(f"LEERPAD_ANALYTICS_ENGINE={name!r}: choose one of {', '.join(ENGINES)}")
    return name


@dataclass(frozen=True)
class Dialect:
    name: str
    macros: Mapping[str, Macro]
    param: Callable[[str, str], str]  # (name, logical type) -> placeholder
    settings: str = ""


_DUCKDB_TYPES = {"timestamp": "TIMESTAMPTZ", "int": "BIGINT", "float": "DOUBLE", "text": "VARCHAR"}


def _json_path(keys: tuple[str, ...]) -> str:
    """A DuckDB JSON path literal from quoted key constants ('result', 'extensions', ...)."""
    names = []
    for key in keys:
        name = key.strip()
        inner = name[1:-1]
        if len(name) < 2 or name[0] + name[-1] != "''" or any(c in inner for c in "'\"\\"):
            raise ValueError(f"a JSON key must be a quoted constant, not {key}")
        names.append(f'"{inner}"')
    return "'$." + ".".join(names) + "'"


def _json_keys(keys: tuple[str, ...]) -> str:
    """The quoted key constants as ClickHouse's JSONExtract arguments (checked as above)."""
    _json_path(keys)
    return ", ".join(key.strip() for key in keys)


DUCKDB = Dialect(
    name="duckdb",
    macros={
        "month": lambda ts: f"strftime({ts}, '%Y-%m')",
        "week": lambda ts: f"CAST(date_trunc('week', {ts}) AS DATE)",
        "days_between": lambda a, b: f"date_diff('day', {a}, {b})",
        "add_days": lambda ts, n: f"({ts} + to_days(CAST({n} AS INTEGER)))",
        "percentile": lambda x, p: f"quantile_disc({x}, {p})",
        # A value inside the statement's JSON (`raw`) by its keys, each a quoted constant:
        # for what no extracted column holds (the search issue's result extensions).
        "json_text": lambda col, *keys: f"json_extract_string({col}, {_json_path(keys)})",
        "json_int": lambda col, *keys: (
            f"TRY_CAST(json_extract({col}, {_json_path(keys)}) AS BIGINT)"
        ),
    },
    param=lambda name, kind: f"CAST(${name} AS {_DUCKDB_TYPES[kind]})",
)

# Nullable: a question may bind None ("no filter"), as DuckDB's CAST(NULL AS ...) allows.
_CLICKHOUSE_TYPES = {
    "timestamp": "Nullable(DateTime64(6, 'UTC'))",
    "int": "Nullable(Int64)",
    "float": "Nullable(Float64)",
    "text": "Nullable(String)",
}


_DECIMAL = re.compile(r"^(\d*)\.(\d+)$|^(\d+)$")


def _ch_percentile(x: str, p: str) -> str:
    # DuckDB's nearest rank (trap 2): index max(1, n - floored) - 1, where floored is
    # floor(n - n*p) in decimals; ClickHouse arrays count from 1. NULLs are skipped by
    # groupArray and count alike; no value at all gives NULL, as quantile_disc does.
    n = f"count({x})"
    literal = _DECIMAL.match(p)
    if literal and literal.group(2) is not None:
        # A literal is a DECIMAL in DuckDB, which computes floored in integers.
        scale = 10 ** len(literal.group(2))
        units = int((literal.group(1) or "0") + literal.group(2))
        floored = f"intDiv({n} * {scale} - {n} * {units}, {scale})"
    elif literal:
        floored = f"({n} - {n} * {int(p)})"
    else:
        # A bound or computed p: DuckDB rounds a DOUBLE to 15 decimal places first.
        exact = f"toDecimal128(toString(round(toFloat64({p}), 15)), 15)"
        floored = f"floor({n} - {n} * {exact})"
    rank = f"toUInt64(greatest(1, {n} - {floored}))"
    return f"if({n} = 0, NULL, arrayElement(arraySort(groupArray({x})), {rank}))"


CLICKHOUSE = Dialect(
    name="clickhouse",
    macros={
        "month": lambda ts: f"formatDateTime({ts}, '%Y-%m')",
        "week": lambda ts: f"toMonday({ts})",
        "days_between": lambda a, b: f"dateDiff('day', {a}, {b})",
        "add_days": lambda ts, n: f"addDays({ts}, toInt64({n}))",
        "percentile": _ch_percentile,
        # As DuckDB's: a missing key gives NULL (JSONExtractString gives '', hence nullIf).
        "json_text": lambda col, *keys: f"nullIf(JSONExtractString({col}, {_json_keys(keys)}), '')",
        "json_int": lambda col, *keys: f"JSONExtract({col}, {_json_keys(keys)}, 'Nullable(Int64)')",
    },
    param=lambda name, kind: f"{{{name}:{_CLICKHOUSE_TYPES[kind]}}}",
    settings="SETTINGS join_use_nulls = 1",
)

DIALECTS: dict[str, Dialect | None] = {"duckdb": DUCKDB, "clickhouse": CLICKHOUSE}

_MACRO_START = re.compile(r"@(\w+)\(")
_NAME = re.compile(r"^[A-Za-z_]\w*$")


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the one opened just before `start`."""
    depth, quote, i = 1, "", start
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced parentheses after {text[max(0, start - 20) : start]!r}")


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments (commas inside parentheses or quotes stay)."""
    if not text.strip():
        return []
    args: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    args.append("".join(current).strip())
    return args


def render(template: str, dialect: Dialect) -> str:
    """The SQL of a template for a dialect (macros expanded, nested ones first)."""
    out: list[str] = []
    position = 0
    while match := _MACRO_START.search(template, position):
        close = _closing(template, match.end())
        out.append(template[position : match.start()])
        name = match.group(1)
        args = [render(arg, dialect) for arg in _split_args(template[match.end() : close])]
        if name == "p":
            if len(args) != 2 or not _NAME.match(args[0]) or args[1] not in _DUCKDB_TYPES:
                raise ValueError(f"@p needs (name, {' | '.join(_DUCKDB_TYPES)}), not {args}")
            out.append(dialect.param(args[0], args[1]))
        elif name == "settings":
            out.append(dialect.settings)
        elif name in dialect.macros:
            out.append(dialect.macros[name](*args))
        else:
            raise ValueError(f"unknown macro @{name} for {dialect.name}")
        position = close + 1
    out.append(template[position:])
    return "".join(out)


def dialect(name: str) -> Dialect:
    found = DIALECTS.get(name)
    if found is None:
        raise NotImplementedError(f"the {name!r} dialect is not implemented")
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
            # Files written before a column was added lack it; the empty view of the
            # whole schema, unioned by name, gives every column to every question.
            events_sql = (
                f"{_empty_view(EVENT_SCHEMA)} UNION ALL BY NAME "  # noqa: S608
                f"SELECT * FROM read_parquet([{listed}], {options})"
            )
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


def _utc(value: Any) -> Any:
    # Trap 3: an aware time in another zone is the same instant in UTC; a naive one is
    # refused rather than guessed (Leerpad's datetimes are aware).
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime bound to a question: use an aware one")
        return value.astimezone(dt.UTC)
    return value


def run(
    template: str, params: Mapping[str, Any], dialect_name: str | None = None
) -> list[dict[str, Any]]:
    """Render a question's template for the configured engine and run it with bound
    parameters; rows as dicts.

    `dialect_name` may only repeat the configured engine: the other engine's store is not
    fed on this installation, so asking it would answer from an empty store without a word.
    (The golden tests switch engines through the setting.)
    """
    name = engine()
    if dialect_name is not None and dialect_name != name:
        raise ValueError(
            f"asked the {dialect_name!r} engine, but the configured engine is {name!r}: "
            "leave the dialect out"
        )
    sql = render(template, dialect(name))
    values = {key: _utc(value) for key, value in params.items()}
    if name == "clickhouse":
        from leerpad.analytics.store import clickhouse

        return clickhouse.store().query(sql, values)
    return reader().run(sql, values)


def stream(
    template: str, params: Mapping[str, Any], size: int = 10_000
) -> Iterator[list[tuple[Any, ...]]]:
    """Like `run`, for answers too large to hold at once (exports): the rows in batches of
    at most `size`, as tuples in the SELECT's column order, on the configured engine."""
    name = engine()
    sql = render(template, dialect(name))
    values = {key: _utc(value) for key, value in params.items()}
    if name == "clickhouse":
        from leerpad.analytics.store import clickhouse

        yield from clickhouse.store().stream(sql, values, size)
        return
    reader_ = reader()
    with reader_.lock:
        reader_.refresh()
        cursor = reader_.con.cursor()
    try:
        cursor.execute(sql, values)
        while batch := cursor.fetchmany(size):
            yield batch
    finally:
        cursor.close()
