"""The scale-tier analytics store: ClickHouse, a server or cluster, or chDB in-process.

Same events, same people, same sync as the Parquet store (`store/parquet.py`), with the
method names `sync.py` drives, so settings choose the tier:

    LEERPAD_ANALYTICS_ENGINE = "clickhouse"
    LEERPAD_CLICKHOUSE_URL   = "http://user:password@host:8123/leerpad"   (https: TLS)
                               "chdb:///var/lib/leerpad/chdb?database=leerpad"  (embedded)
    LEERPAD_TENANT           = "default"

One client library for both (`clickhouse-connect`, which drives chDB in-process through
the same API), so the SQL, the inserts and the typed parameters are the same on CI's chDB
and on a production server.

Tables (in the URL's database; created on first use, new columns added when
`events.EVENT_SCHEMA` grows, see `ensure_schema`):

- `leerpad_events`: the event schema plus `tenant` (first in the sort key) and
  `generation`. ReplacingMergeTree(generation), PARTITION BY month, ORDER BY (tenant,
  toDate(timestamp), statement_id). The ORDER BY is the deduplication key: the same
  statement exported twice (a sync that crashed before saving its watermark, two syncs at
  once, a rebuild over the old rows) has the same tenant, day and id, so the copies
  collapse into one, in background merges and at once for readers through FINAL, which
  the query layer adds to every question (`query.run`). The day in the key lets a
  question over a period skip the granules outside it.
- `leerpad_people`: the people dimension, ReplacingMergeTree(version) ORDER BY (tenant,
  person_id): a changed organisation is inserted with a new version, then older versions
  are deleted (no moment without people).
- `leerpad_state`: the tenant's sync watermark, generation and people hash, so the store
  is self-contained (a second web node or a new worker finds it there).

Writes: batches as Arrow (one insert per sync batch; never one statement per insert,
research 4.5). Voiding and erasure are lightweight DELETEs (synchronous): a voided
statement is never exported again (the sync skips voided rows), so no later insert brings
it back. A rebuild exports everything again with the next generation over the old rows
(readers keep seeing a whole store: the old copy, or the same row again), then deletes
the rows of older generations: what the LRS no longer has.

One writer: `writing()` holds a lock file in `LEERPAD_ANALYTICS_DIR` like the Parquet
store, so the sync task, the command and erasure on one node wait for each other. Syncs on
several nodes at once stay correct (inserts are idempotent) but waste work: run the
worker on one node.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pyarrow as pa  # type: ignore[import-untyped]  # no stubs or py.typed
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from leerpad.analytics.events import EVENT_SCHEMA, PEOPLE_SCHEMA
from leerpad.analytics.store.parquet import ParquetStore, State
from leerpad.core.logging import get_logger

log = get_logger(__name__)

EVENTS = "leerpad_events"
PEOPLE = "leerpad_people"
STATE = "leerpad_state"
TENANT_PARAM = "leerpad_tenant"  # a name no question may use for its own parameter

# Session settings of every client; the first three close silent traps between ClickHouse
# and DuckDB (see query.py): LEFT JOIN misses are NULL, CAST(NULL AS T) is allowed, and an
# aggregate over no rows is NULL. UTC: days, weeks and months are cut in UTC on every tier.
SETTINGS: dict[str, Any] = {
    "join_use_nulls": 1,
    "cast_keep_nullable": 1,
    "aggregate_functions_null_for_empty": 1,
    "session_timezone": "UTC",
}

# Columns with few distinct values: dictionary-encoded (smaller, faster to group on).
LOW_CARDINALITY = {"month", "verb", "object_type", "language", "platform", "arrival", "variant"}
CODECS = {"raw": "CODEC(ZSTD(3))"}  # the statement JSON: most of the bytes

_SCALARS = {
    pa.string(): "String",
    pa.int64(): "Int64",
    pa.float64(): "Float64",
    pa.bool_(): "Bool",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TENANT = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_PARTITION_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def column_type(f: pa.Field) -> str:
    """The ClickHouse type of an Arrow field of the event or people schema."""
    if pa.types.is_timestamp(f.type):
        if f.type.unit != "us" or f.type.tz != "UTC":
            raise ValueError(f"{f.name}: only UTC microsecond timestamps are mapped")
        base = "DateTime64(6, 'UTC')"
    elif f.type in _SCALARS:
        base = _SCALARS[f.type]
    else:
        raise ValueError(f"{f.name}: no ClickHouse type for Arrow {f.type}")
    if f.nullable:
        base = f"Nullable({base})"
    if f.name in LOW_CARDINALITY:
        base = f"LowCardinality({base})"
    return base


def _column(f: pa.Field) -> str:
    return f"`{f.name}` {column_type(f)} {CODECS.get(f.name, '')}".rstrip()


def events_ddl(database: str) -> str:
    columns = ",\n  ".join(_column(f) for f in EVENT_SCHEMA)
    return (
        f"CREATE TABLE IF NOT EXISTS `{database}`.{EVENTS} (\n"
        f"  tenant LowCardinality(String),\n  {columns},\n  generation UInt32,\n"
        "  INDEX statement_idx statement_id TYPE bloom_filter GRANULARITY 4\n"
        ") ENGINE = ReplacingMergeTree(generation)\n"
        "PARTITION BY month\n"
        "ORDER BY (tenant, toDate(timestamp), statement_id)"
    )


def people_ddl(database: str) -> str:
    columns = ",\n  ".join(_column(f) for f in PEOPLE_SCHEMA)
    return (
        f"CREATE TABLE IF NOT EXISTS `{database}`.{PEOPLE} (\n"
        f"  tenant LowCardinality(String),\n  {columns},\n  version UInt64\n"
        ") ENGINE = ReplacingMergeTree(version)\n"
        "ORDER BY (tenant, person_id)"
    )


def state_ddl(database: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS `{database}`.{STATE} (\n"
        "  tenant String,\n  stored Nullable(String),\n  pk Int64,\n"
        "  statement_id Nullable(String),\n  generation UInt32,\n  people_hash String,\n"
        "  version UInt64\n"
        ") ENGINE = ReplacingMergeTree(version)\nORDER BY tenant"
    )


@dataclass(frozen=True)
class Target:
    """Where the store lives, parsed from LEERPAD_CLICKHOUSE_URL."""

    kind: str  # "http", "https" or "chdb"
    database: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)
    path: str = ""  # chDB folder

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        """One client per server and user (or chDB folder), shared by its databases."""
        return (self.kind, self.host, self.port, self.username, self.path)

    def describe(self) -> str:
        """The URL without the password, for status output and logs."""
        if self.kind == "chdb":
            return f"chdb://{self.path}?database={self.database}"
        user = f"{self.username}@" if self.username else ""
        return f"{self.kind}://{user}{self.host}:{self.port}/{self.database}"


def parse_url(url: str) -> Target:
    """`http(s)://user:password@host:port/database` or `chdb:///folder?database=name`."""
    parsed = urlparse(url)
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    if parsed.scheme == "chdb":
        path = unquote(parsed.path)
        if not path or parsed.netloc:
            raise ValueError("LEERPAD_CLICKHOUSE_URL: chDB needs a folder, chdb:///path/to/dir")
        target = Target("chdb", query.get("database", "leerpad"), path=path)
    elif parsed.scheme in ("http", "https"):
        if not parsed.hostname:
            raise ValueError("LEERPAD_CLICKHOUSE_URL: no host in the URL")
        target = Target(
            parsed.scheme,
            unquote(parsed.path.strip("/")) or query.get("database", "leerpad"),
            host=parsed.hostname,
            port=parsed.port or (8443 if parsed.scheme == "https" else 8123),
            username=unquote(parsed.username or "default"),
            password=unquote(parsed.password or ""),
        )
    else:
        raise ValueError("LEERPAD_CLICKHOUSE_URL must start with http://, https:// or chdb:///")
    if not _IDENTIFIER.match(target.database):
        raise ValueError(f"LEERPAD_CLICKHOUSE_URL: {target.database!r} is not a database name")
    return target


_clients: dict[tuple[str, str, int, str, str], Any] = {}
_clients_lock = threading.Lock()
_schemas: set[tuple[tuple[str, str, int, str, str], str]] = set()
_initialised: set[tuple[tuple[str, str, int, str, str], str, str]] = set()
_not_yet: dict[tuple[tuple[str, str, int, str, str], str, str], float] = {}
NOT_YET_SECONDS = 30


def client_for(target: Target) -> Any:
    """This process's client of a server or chDB folder (made on first use).

    chDB runs one engine per process, on one folder; a second folder in the same process
    is refused by chDB itself. HTTP clients have no session, so threads can share one.
    """
    with _clients_lock:
        found = _clients.get(target.key)
        if found is not None:
            return found
        import clickhouse_connect

        if target.kind == "chdb":
            try:
                import chdb  # noqa: F401
            except ImportError as exc:  # a test dependency, not installed by `make run`
                raise ImproperlyConfigured(
                    "LEERPAD_CLICKHOUSE_URL=chdb:///... needs the chdb package: pip install chdb"
                ) from exc
            Path(target.path).mkdir(parents=True, exist_ok=True)
            client = clickhouse_connect.get_client(
                interface="chdb", path=target.path, settings=dict(SETTINGS), tz_mode="aware"
            )
        else:
            client = clickhouse_connect.get_client(
                interface=target.kind,
                host=target.host,
                port=target.port,
                username=target.username,
                password=target.password,
                autogenerate_session_id=False,
                settings=dict(SETTINGS),
                tz_mode="aware",
            )
        _clients[target.key] = client
        return client


def _version() -> int:
    """A version that grows between two saves, even within one microsecond."""
    global _last_version
    with _clients_lock:
        _last_version = max(time.time_ns() // 1000, _last_version + 1)
        return _last_version


_last_version = 0


class ClickHouseStore:
    """The events of one tenant in one ClickHouse database (see the module docstring)."""

    engine = "clickhouse"

    def __init__(self, target: Target, tenant: str, root: Path | str | None = None) -> None:
        if not _TENANT.match(tenant):
            raise ValueError(f"LEERPAD_TENANT={tenant!r}: letters, digits, '_', '.', '-' only")
        self.target = target
        self.database = target.database
        self.tenant = tenant
        # Local folder for the writer lock and the sync task's marker (tasks.py).
        self.root = Path(root or settings.LEERPAD_ANALYTICS_DIR)
        self._lock_store = ParquetStore(self.root)

    # --- plumbing ------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        return client_for(self.target)

    def table(self, name: str) -> str:
        return f"`{self.database}`.{name}"

    def _params(self, **more: Any) -> dict[str, Any]:
        return {TENANT_PARAM: self.tenant, **more}

    def ensure_schema(self) -> None:
        """Create the database and tables when missing, and add columns the schema gained
        since (a new column in EVENT_SCHEMA is one edit; old rows read it as NULL)."""
        marker = (self.target.key, self.database)
        if marker in _schemas:
            return
        client = self.client
        exists = client.query(
            "SELECT count() FROM system.databases WHERE name = {db:String}",
            parameters={"db": self.database},
        ).result_rows[0][0]
        if not exists:
            client.command(f"CREATE DATABASE IF NOT EXISTS `{self.database}`")
        client.command(events_ddl(self.database))
        client.command(people_ddl(self.database))
        client.command(state_ddl(self.database))
        for name, schema in ((EVENTS, EVENT_SCHEMA), (PEOPLE, PEOPLE_SCHEMA)):
            have = {
                row[0]
                for row in client.query(
                    "SELECT name FROM system.columns WHERE database = {db:String} "
                    "AND table = {t:String}",
                    parameters={"db": self.database, "t": name},
                ).result_rows
            }
            previous = "tenant"
            for f in schema:
                if f.name not in have:
                    log.info("analytics.clickhouse_column_added", table=name, column=f.name)
                    client.command(
                        f"ALTER TABLE {self.table(name)} ADD COLUMN IF NOT EXISTS "
                        f"{_column(f)} AFTER `{previous}`"
                    )
                previous = f.name
        _schemas.add(marker)

    def query(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run a rendered question on the tenant's rows (see `tenant_sql`)."""
        if TENANT_PARAM in params:
            raise ValueError(f"{TENANT_PARAM!r} is the query layer's own parameter")
        self.ensure_schema()
        result = self.client.query(self.tenant_sql(sql), parameters=self._params(**params))
        names = result.column_names
        return [dict(zip(names, row, strict=True)) for row in result.result_rows]

    def stream(
        self, sql: str, params: Mapping[str, Any], size: int
    ) -> Iterator[list[tuple[Any, ...]]]:
        """A rendered question's rows in batches of at most `size` (see `query.stream`)."""
        if TENANT_PARAM in params:
            raise ValueError(f"{TENANT_PARAM!r} is the query layer's own parameter")
        self.ensure_schema()
        blocks = self.client.query_row_block_stream(
            self.tenant_sql(sql), parameters=self._params(**params)
        )
        with blocks:
            for block in blocks:
                rows = [tuple(row) for row in block]
                for start in range(0, len(rows), size):
                    yield rows[start : start + size]

    def tenant_sql(self, sql: str) -> str:
        """The question with `events` and `people` bound to this tenant's rows, read FINAL
        (deduplicated), as CTEs in front of the question's own ones."""
        event_columns = ", ".join(f"`{name}`" for name in EVENT_SCHEMA.names)
        people_columns = ", ".join(f"`{name}`" for name in PEOPLE_SCHEMA.names)
        tenant = f"{{{TENANT_PARAM}:String}}"
        # Only this module's fixed names reach these two subqueries.
        ctes = (
            f"events AS (SELECT {event_columns} FROM {self.table(EVENTS)} FINAL "  # noqa: S608
            f"WHERE tenant = {tenant}), "
            f"people AS (SELECT {people_columns} FROM {self.table(PEOPLE)} FINAL "
            f"WHERE tenant = {tenant})"
        )
        body = _strip_leading_comments(sql)
        own = re.match(r"WITH\s+", body, re.IGNORECASE)
        if own:
            if re.match(r"(events|people)\s+AS\b", body[own.end() :], re.IGNORECASE) or re.search(
                r",\s*(events|people)\s+AS\s*\(", body, re.IGNORECASE
            ):
                raise ValueError("a question may not define its own `events` or `people`")
            return f"WITH {ctes}, {body[own.end() :]}"
        return f"WITH {ctes}\n{body}"

    # --- state ---------------------------------------------------------------------------

    def load_state(self) -> State:
        self.ensure_schema()
        rows = self.client.query(
            f"SELECT stored, pk, statement_id, generation, people_hash "  # noqa: S608
            f"FROM {self.table(STATE)} FINAL WHERE tenant = {{{TENANT_PARAM}:String}}",
            parameters=self._params(),
        ).result_rows
        if not rows:
            return State()
        stored, pk, statement_id, generation, people_hash = rows[0]
        return State(
            stored=stored,
            pk=int(pk),
            statement_id=statement_id,
            generation=int(generation),
            people_hash=people_hash,
        )

    def save_state(self, state: State) -> None:
        """The commit of a batch: the rows are in, now the watermark moves past them."""
        self.ensure_schema()
        _not_yet.pop((self.target.key, self.database, self.tenant), None)
        row = [
            self.tenant,
            state.stored,
            state.pk,
            state.statement_id,
            state.generation,
            state.people_hash,
            _version(),
        ]
        self.client.insert(
            STATE,
            [row],
            column_names=[
                "tenant",
                "stored",
                "pk",
                "statement_id",
                "generation",
                "people_hash",
                "version",
            ],
            database=self.database,
        )

    def initialised(self) -> bool:
        """Has a first sync run? (Asked on every LRS write: remembered once true.)"""
        marker = (self.target.key, self.database, self.tenant)
        if marker in _initialised:
            return True
        # Every LRS write asks; while the answer is "no" (before the first sync, or a
        # server that is down) ask again at most every NOT_YET_SECONDS, so writes never
        # wait for a connection timeout each.
        asked = _not_yet.get(marker)
        if asked is not None and time.monotonic() - asked < NOT_YET_SECONDS:
            return False
        try:
            rows = self.client.query(
                f"SELECT count() FROM {self.table(STATE)} "  # noqa: S608
                f"WHERE tenant = {{{TENANT_PARAM}:String}}",
                parameters=self._params(),
            ).result_rows
        except Exception:  # no database or table yet: nothing exported
            _not_yet[marker] = time.monotonic()
            return False
        if rows and rows[0][0]:
            _initialised.add(marker)
            return True
        return False

    @contextlib.contextmanager
    def writing(self) -> Iterator[State]:
        """Hold this node's writer lock; yields the tenant's state."""
        with self._lock_store.writing():
            yield self.load_state()

    # --- housekeeping (the Parquet store's names; ClickHouse needs little of it) ------------

    def recover(self, state: State) -> int:
        """Nothing to recover: an insert is atomic, and one repeated collapses."""
        return 0

    def purge_retired(self, state: State, now: dt.datetime | None = None) -> int:
        return 0

    def files(self, state: State | None = None) -> list[Path]:
        return []

    def compact(self, state: State, months: Iterable[str] | None = None) -> int:
        """Merge each month's parts now (ClickHouse merges in the background anyway), which
        also drops duplicate copies, so FINAL has less to do; returns partitions merged."""
        self.ensure_schema()
        rows = self.client.query(
            "SELECT partition_id, any(partition) FROM system.parts "
            "WHERE database = {db:String} AND table = {t:String} AND active "
            "GROUP BY partition_id HAVING count() > 1 ORDER BY partition_id",
            parameters={"db": self.database, "t": EVENTS},
        ).result_rows
        wanted = set(months) if months is not None else None
        merged = 0
        for partition_id, partition in rows:
            if wanted is not None and str(partition).strip("'") not in wanted:
                continue
            if not _PARTITION_ID.match(str(partition_id)):
                raise ValueError(f"unexpected partition id {partition_id!r}")
            # A partition id is not a bindable parameter here; it is ClickHouse's own,
            # checked just above.
            self.client.command(
                f"OPTIMIZE TABLE {self.table(EVENTS)} PARTITION ID '{partition_id}' FINAL"
            )
            merged += 1
        return merged

    # --- writes ----------------------------------------------------------------------------

    def append(self, state: State, table: pa.Table, first: str, last: str) -> int:
        """Insert one batch (an event table with `month`); `first`/`last` name the batch
        in the Parquet store and are not needed here (a repeated batch collapses)."""
        if table.num_rows == 0:
            return 0
        self.ensure_schema()
        rows = table.num_rows
        table = table.add_column(0, "tenant", pa.array([self.tenant] * rows, pa.string()))
        table = table.append_column("generation", pa.array([state.generation] * rows, pa.uint32()))
        self.client.insert_arrow(EVENTS, table, database=self.database)
        return int(rows)

    def _delete(self, condition: str, params: Mapping[str, Any]) -> int:
        """Delete the tenant's events matching `condition`; returns the statements removed."""
        where = f"tenant = {{{TENANT_PARAM}:String}} AND ({condition})"
        values = self._params(**params)
        found = self.client.query(
            # FINAL: each statement once, as readers see it (after a rebuild the old
            # generation's copy of a statement exported again is not counted).
            f"SELECT count() FROM {self.table(EVENTS)} FINAL WHERE {where}",  # noqa: S608
            parameters=values,
        ).result_rows
        removed = int(found[0][0] or 0) if found else 0
        if removed:
            # Lightweight DELETE is synchronous by default: when it returns, no reader sees
            # the rows. Only this module's fixed conditions reach `where`.
            self.client.command(
                f"DELETE FROM {self.table(EVENTS)} WHERE {where}",  # noqa: S608
                parameters=values,
            )
        return removed

    def drop_statements(
        self, state: State, ids: Iterable[str], months: Iterable[str] | None = None
    ) -> int:
        """Remove statements voided after their export; returns the statements removed.
        `months`, when given, lets ClickHouse read only those partitions."""
        ids = sorted(set(ids))
        if not ids:
            return 0
        self.ensure_schema()
        condition = "statement_id IN {ids:Array(String)}"
        params: dict[str, Any] = {"ids": ids}
        if months is not None:
            condition += " AND month IN {months:Array(String)}"
            params["months"] = sorted(set(months))
        return self._delete(condition, params)

    def erase_actor(self, state: State, person_id: int, actor_keys: Iterable[str] = ()) -> int:
        """Remove every row of a person (GDPR erasure): their Leerpad account and any other
        actor keys of theirs. The people dimension follows the accounts (`write_people`)."""
        self.ensure_schema()
        keys = sorted({str(person_id), *actor_keys})
        return self._delete(
            "person_id = {pid:Int64} OR actor_key IN {keys:Array(String)}",
            {"pid": person_id, "keys": keys},
        )

    def write_people(self, state: State, table: pa.Table) -> bool:
        """Replace the people dimension when it changed; returns whether it did."""
        table = table.cast(PEOPLE_SCHEMA)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        digest = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
        if digest == state.people_hash:
            return False
        self.ensure_schema()
        version = _version()
        rows = table.num_rows
        if rows:
            table = table.add_column(0, "tenant", pa.array([self.tenant] * rows, pa.string()))
            table = table.append_column("version", pa.array([version] * rows, pa.uint64()))
            self.client.insert_arrow(PEOPLE, table, database=self.database)
        # Then the people no longer there: readers saw the old rows until now, never none.
        self.client.command(
            f"DELETE FROM {self.table(PEOPLE)} "  # noqa: S608
            f"WHERE tenant = {{{TENANT_PARAM}:String}} AND version < {{v:UInt64}}",
            parameters=self._params(v=version),
        )
        state.people_hash = digest
        return True

    def drop_generations_before(self, state: State) -> int:
        """After a rebuild: remove what was not exported again (statements the LRS no
        longer has, or has voided or anonymised since). Returns the statements removed."""
        return self._delete("generation < {g:UInt32}", {"g": state.generation})

    def reset(self, state: State) -> None:
        """Forget the tenant's events and watermark (people stay until the next sync)."""
        self.ensure_schema()
        self._delete("1 = 1", {})
        state.stored, state.pk, state.statement_id = None, 0, None

    def drop_database(self) -> None:
        """Drop the whole database, every tenant's rows (benchmarks and tests only)."""
        self.client.command(f"DROP DATABASE IF EXISTS `{self.database}`")
        _schemas.discard((self.target.key, self.database))
        _initialised.difference_update(
            {m for m in _initialised if m[:2] == (self.target.key, self.database)}
        )

    # --- status ----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        state = self.load_state()
        # Without FINAL: pages show this status on every view, and counting the table's
        # rows is cheap where deduplicating them is not ("rows" includes copies of a
        # statement that ClickHouse has not merged yet).
        counts = self.client.query(
            f"SELECT count(), uniqExact(month) FROM {self.table(EVENTS)} "  # noqa: S608
            f"WHERE tenant = {{{TENANT_PARAM}:String}}",
            parameters=self._params(),
        ).result_rows[0]
        size = self.client.query(
            "SELECT sum(bytes_on_disk), count() FROM system.parts "
            "WHERE database = {db:String} AND table = {t:String} AND active",
            parameters={"db": self.database, "t": EVENTS},
        ).result_rows[0]
        return {
            "engine": "clickhouse",
            "url": self.target.describe(),
            "tenant": self.tenant,
            "watermark_stored": state.stored,
            "watermark_statement": state.statement_id,
            "generation": state.generation,
            "rows": int(counts[0] or 0),
            "months": int(counts[1] or 0),
            # The table is shared by every tenant of the database: its parts and bytes.
            "parts": int(size[1] or 0),
            "bytes": int(size[0] or 0),
        }


def _strip_leading_comments(sql: str) -> str:
    text = sql.lstrip()
    while text.startswith("--") or text.startswith("/*"):
        if text.startswith("--"):
            text = text.split("\n", 1)[1].lstrip() if "\n" in text else ""
        else:
            text = text.split("*/", 1)[1].lstrip() if "*/" in text else ""
    return text


def store() -> ClickHouseStore:
    """The configured store: LEERPAD_CLICKHOUSE_URL, LEERPAD_TENANT."""
    url = str(getattr(settings, "LEERPAD_CLICKHOUSE_URL", "") or "")
    if not url:
        raise ValueError(
            "LEERPAD_ANALYTICS_ENGINE is clickhouse but LEERPAD_CLICKHOUSE_URL is empty"
        )
    tenant = str(getattr(settings, "LEERPAD_TENANT", "") or "default")
    return ClickHouseStore(parse_url(url), tenant)
