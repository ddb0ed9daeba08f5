"""The statement store on the ordinary database (SQLite in WAL mode, or PostgreSQL).

Writes: one transaction per batch, a fixed number of bulk statements whatever its size
(the stored ids and voided targets among the batch's ids, the statement rows, their
primary keys, the agent and activity link rows, voiding, the attachment contents, the
canonical Activity definitions). Writers are serialised (SQLite has one writer anyway; on
PostgreSQL an advisory lock), so `stored`, stamped under the lock, grows in commit order.
The write path speaks raw SQL with values prepared as the ORM would (`_Adapters`) and
inserts rows in bulk (`_Insert`: executemany on SQLite, COPY on PostgreSQL): compiling
ORM queries and building model instances cost more than the database work.

Reads: every GET /statements filter is answered by walking one index in (stored, id)
order and stopping after a page, never by sorting the matches:

- ``agent`` -> StatementAgent (ifi_hash, stored, statement), ``activity`` ->
  StatementActivity (iri_hash, stored, statement); the link tables carry `stored` for it;
- otherwise ``registration``, ``verb``, the authority of a statements/read/mine client,
  or plain (stored, id) on Statement;
- the other filters are checked on the rows that walk finds.

Statements that target a matching statement with a StatementRef also match
(Communication 2.1.3, "Filter Conditions for StatementRefs", recursively): a second walk
over the (few) statements with a StatementRef, through a partial index, checks their
target by primary key. Both walks are merged by (stored, id).

Paging: a page ends at a position (stored, id); the next starts after it, and every
page of one query keeps the upper bound of `stored` fixed when the first page was read
(the latest stored then), so statements committed meanwhile never shift the pages.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from pydantic_core import to_json

from leerpad.lrs.backends.base import (
    NewStatement,
    StatementConflict,
    StatementPage,
    StatementQuery,
    StoredAttachment,
)
from leerpad.lrs.models import (
    Activity,
    Attachment,
    Statement,
    StatementActivity,
    StatementAgent,
    key_hash,
)
from leerpad.lrs.services import same_statement
from leerpad.lrs.xapi import activity_definitions, index_statement, merge_definitions
from leerpad.lrs.xapi.common import parse_timestamp
from leerpad.lrs.xapi.verb import VOIDED

Json = dict[str, Any]
Row = tuple[dt.datetime, int, Json]

VOIDED_HASH = key_hash(VOIDED)
# How many StatementRef hops the filter rule follows (a -> b -> c -> d).
REF_DEPTH = 3
# An arbitrary constant naming the statement writers' advisory lock on PostgreSQL.
_PG_LOCK_KEY = 0x4C5253  # "LRS"
_AGENT_RANK = {"actor": 0, "object": 1, "related": 2}
_ACTIVITY_RANK = {"object": 0, "related": 1}
_IN_CHUNK = 500


def _json_bytes(value: Any) -> bytes:
    """Compact JSON in UTF-8, like ``json.dumps(value, ensure_ascii=False,
    separators=(",", ":"))`` but serialised in Rust (pydantic-core): several times faster,
    and every statement of a batch goes through it."""
    return to_json(value, inf_nan_mode="constants")


def _best(pairs: Iterable[tuple[str, str]], rank: dict[str, int]) -> dict[str, str]:
    """One relation per identifier: the closest one (actor before object before related)."""
    best: dict[str, str] = {}
    for key, relation in pairs:
        if key and (key not in best or rank[relation] < rank[best[key]]):
            best[key] = relation
    return best


def _column(model: type[models.Model], name: str) -> str:
    field = cast("models.Field[Any, Any]", model._meta.get_field(name))
    return connection.ops.quote_name(field.column)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class _Insert:
    """Many rows into ``fields`` of ``model`` (names come from the model, values are bound
    by the driver), the fastest way each database offers: on SQLite one prepared INSERT
    run per row (executemany); on PostgreSQL a COPY, which with Django's client-side
    binding is several times faster than INSERTs whose every value is quoted into the
    SQL text and parsed again by the server."""

    def __init__(self, model: type[models.Model], fields: list[str]) -> None:
        table = _table(model)
        columns = ", ".join(_column(model, name) for name in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy = f"COPY {table} ({columns}) FROM STDIN"

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert, rows)


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    """IN lists of a bounded size (SQLite allows 32,766 bound values per statement)."""
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _select_in(sql: str, values: list[Any], *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` for values in chunks: each ``{0}`` in it takes the IN list, and
    ``params`` follow the values."""
    rows: list[tuple[Any, ...]] = []
    lists = sql.count("{0}")
    with connection.cursor() as cursor:
        for chunk in _chunks(values):
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*chunk * lists, *params])
            rows += cursor.fetchall()
    return rows


def _json_value(value: Any) -> Any:
    """A JSON column read with a raw query: text on SQLite (and from Django's jsonb
    loader on PostgreSQL), already decoded by other drivers."""
    return json.loads(value) if isinstance(value, str) else value


_STATEMENT_FIELDS = [
    "statement_id",
    "stored",
    "timestamp",
    "version",
    "verb_iri",
    "verb_hash",
    "actor_ifi",
    "object_type",
    "object_iri",
    "statement_ref",
    "registration",
    "authority_ifi",
    "authority_hash",
    "voided",
    "client",
    "payload",
    "original",
]
_STATEMENT_INSERT = _Insert(Statement, _STATEMENT_FIELDS)
_AGENT_INSERT = _Insert(StatementAgent, ["statement", "ifi", "ifi_hash", "stored", "relation"])
_ACTIVITY_INSERT = _Insert(
    StatementActivity, ["statement", "iri", "iri_hash", "stored", "relation"]
)
# Raw reads of the write path ("{0}" takes the IN list); a query built by the ORM costs
# more to compile than to run here.
_STATEMENT_ID = _column(Statement, "statement_id")
# Stored statements with these ids (same content: skipped; other: a conflict), and the
# ids among them that a stored voiding statement targets, in one round trip. The second
# part compares the verb itself, not its hash, so that it walks the (small) partial
# index of StatementRefs and never the voiding statements of the verb index.
_KNOWN_SQL = (
    f"SELECT 0, {_STATEMENT_ID}, {_column(Statement, 'payload')} FROM {_table(Statement)} "  # noqa: S608
    f"WHERE {_STATEMENT_ID} IN ({{0}}) UNION ALL "
    f"SELECT 1, {_column(Statement, 'statement_ref')}, NULL FROM {_table(Statement)} "
    f"WHERE {_column(Statement, 'statement_ref')} IN ({{0}}) "
    f"AND {_column(Statement, 'verb_iri')} = %s"
)
_IDS_SQL = (
    f"SELECT {_column(Statement, 'id')}, {_STATEMENT_ID} FROM {_table(Statement)} "  # noqa: S608
    f"WHERE {_STATEMENT_ID} IN ({{0}})"
)
_LAST_STORED_SQL = f"SELECT MAX({_column(Statement, 'stored')}) FROM {_table(Statement)}"  # noqa: S608
_DEFINITIONS_SQL = (
    f"SELECT {_column(Activity, 'iri')}, {_column(Activity, 'definition')} "  # noqa: S608
    f"FROM {_table(Activity)} WHERE {_column(Activity, 'iri')} IN ({{0}})"
)


class _Adapters:
    """Python values to what the database driver takes, as the ORM would convert them
    (the write path binds them in raw SQL: preparing every value through the ORM's fields
    was most of the cost of a batch)."""

    def __init__(self) -> None:
        self._times: dict[str, Any] = {}
        self._native_uuid = connection.features.has_native_uuid_field
        self._sqlite = connection.vendor == "sqlite"
        self._json_field = Statement._meta.get_field("payload")
        self._jsonb: Any = None
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            self._jsonb = Jsonb

    def instant(self, text: str) -> Any:
        value = self._times.get(text)
        if value is None:
            value = connection.ops.adapt_datetimefield_value(parse_timestamp(text))
            self._times[text] = value
        return value

    def uuid(self, value: uuid.UUID | None) -> Any:
        # As UUIDField.get_db_prep_value: the UUID itself, or its hex digits on SQLite.
        if value is None or self._native_uuid:
            return value
        return value.hex

    def json(self, value: Json) -> Any:
        if self._sqlite:
            # Compact text: SQLite keeps JSON as written, and the row size decides how
            # many statements share a page (PostgreSQL's jsonb is binary anyway).
            return _json_bytes(value).decode()
        if self._jsonb is not None:
            # As JSONField would send it, serialised by the faster encoder.
            return self._jsonb(value, dumps=_json_bytes)
        return self._json_field.get_db_prep_value(value, connection)


class OrmStatementStore:
    """StatementStore on the Django ORM (see the module docstring)."""

    # --- writing --------------------------------------------------------------------

    def write_lock(self) -> dt.datetime | None:
        """Serialise statement writers for the rest of the current transaction and
        return the latest `stored`. SQLite's IMMEDIATE transactions hold the write lock
        already; PostgreSQL takes a transaction-scoped advisory lock."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        return self._last_stored()

    def _last_stored(self) -> dt.datetime | None:
        with connection.cursor() as cursor:
            cursor.execute(_LAST_STORED_SQL)
            last = cursor.fetchone()[0]
        if isinstance(last, str):  # SQLite: naive UTC text, as Django writes it
            last = dt.datetime.fromisoformat(last).replace(tzinfo=dt.UTC)
        return cast("dt.datetime | None", last)

    def store_batch(self, batch: list[NewStatement], *, client_id: int | None) -> list[str]:
        ids = [str(new.statement["id"]) for new in batch]
        if not batch:
            return ids
        adapt = _Adapters()
        # Ids as the database holds them (hex text on SQLite, UUIDs on PostgreSQL): raw
        # rows come back in that form and are matched without converting them.
        db_ids = [adapt.uuid(uuid.UUID(value)) for value in ids]
        # No savepoint of its own inside the caller's transaction: the batch is all or
        # nothing either way, and on PostgreSQL each savepoint is a round trip.
        with transaction.atomic(savepoint=False):
            existing: dict[Any, Any] = {}
            voided: set[Any] = set()
            for kind, db_id, payload in _select_in(_KNOWN_SQL, db_ids, VOIDED):
                if kind == 0:
                    existing[db_id] = payload
                else:
                    voided.add(db_id)
            fresh: list[tuple[NewStatement, Any]] = []
            for new, db_id in zip(batch, db_ids, strict=True):
                if db_id in existing:
                    # Communication 2.1.1/2.1.2: the same statement again is accepted
                    # and ignored; other content under a stored id is a conflict.
                    if not same_statement(_json_value(existing[db_id]), new.original):
                        raise StatementConflict(
                            f"Statement {new.statement['id']} is stored already with other content."
                        )
                    continue
                fresh.append((new, db_id))
            if fresh:
                self._insert(fresh, client_id, adapt, voided)
        return ids

    def _insert(
        self,
        fresh: list[tuple[NewStatement, Any]],
        client_id: int | None,
        adapt: _Adapters,
        already_voided: set[Any],
    ) -> None:
        """Insert ``fresh`` statements; ``already_voided``: the ids that a stored voiding
        statement targets (Data 2.3.2: a voiding statement may arrive before its target,
        which the LRS must not reject; the target is voided from the moment it arrives)."""
        fresh_ids = [db_id for _, db_id in fresh]
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[Any, Any, dict[str, str], dict[str, str]]] = []
        targets: list[uuid.UUID] = []
        for new, db_id in fresh:
            statement = new.statement
            index = index_statement(statement)
            if index.voids is not None:
                targets.append(index.voids)
            stored = adapt.instant(statement["stored"])
            rows.append(
                (
                    db_id,
                    stored,
                    adapt.instant(statement["timestamp"]),
                    statement["version"],
                    index.verb_iri,
                    key_hash(index.verb_iri),
                    index.actor_ifi,
                    index.object_type,
                    index.object_iri,
                    adapt.uuid(index.statement_ref),
                    adapt.uuid(index.registration),
                    index.authority_ifi,
                    key_hash(index.authority_ifi),
                    db_id in already_voided and index.voids is None,
                    client_id,
                    adapt.json(statement),
                    None,  # original: see the model
                )
            )
            links.append(
                (
                    db_id,
                    stored,
                    _best(index.agents, _AGENT_RANK),
                    _best(index.activities, _ACTIVITY_RANK),
                )
            )
        # Raw inserts rather than bulk_create: no model instances, no preparing every
        # field through the ORM, which was most of the cost of a batch.
        _STATEMENT_INSERT.run(rows)
        pks = {db_id: pk for pk, db_id in _select_in(_IDS_SQL, fresh_ids)}
        agent_rows = [
            (pks[db_id], ifi, key_hash(ifi), stored, relation)
            for db_id, stored, agents, _ in links
            for ifi, relation in agents.items()
        ]
        activity_rows = [
            (pks[db_id], iri, key_hash(iri), stored, relation)
            for db_id, stored, _, activities in links
            for iri, relation in activities.items()
        ]
        _AGENT_INSERT.run(agent_rows)
        _ACTIVITY_INSERT.run(activity_rows)
        if targets:
            # Data 2.3.2: a voiding statement is never itself voided.
            Statement.objects.filter(statement_id__in=targets).exclude(
                verb_hash=VOIDED_HASH, verb_iri=VOIDED
            ).update(voided=True)
        self._store_attachments(fresh, pks)
        self._merge_definitions([new.statement for new, _ in fresh])

    def _store_attachments(
        self, fresh: list[tuple[NewStatement, Any]], pks: dict[Any, int]
    ) -> None:
        contents = {a.sha2: a for new, _ in fresh for a in new.attachments}
        if not contents:
            return
        Attachment.objects.bulk_create(
            [
                Attachment(
                    sha2=a.sha2,
                    content_type=a.content_type,
                    content=a.content,
                    length=len(a.content),
                )
                for a in contents.values()
            ],
            ignore_conflicts=True,  # stored once per hash, whoever sent it first
        )
        through = Attachment.statements.through
        through.objects.bulk_create(
            [
                through(attachment_id=sha2, statement_id=pks[db_id])
                for new, db_id in fresh
                for sha2 in {a.sha2 for a in new.attachments}
            ],
            ignore_conflicts=True,
        )

    def _merge_definitions(self, statements: list[Json]) -> None:
        """Keep the canonical Activity definitions (Communication 2.5) up to date."""
        received: dict[str, Json] = {}
        for statement in statements:
            for iri, definition in activity_definitions(statement):
                previous = received.get(iri)
                if previous != definition:  # a batch often repeats one definition
                    received[iri] = merge_definitions(previous or {}, definition)
        if not received:
            return
        stored = {
            iri: _json_value(definition)
            for iri, definition in _select_in(_DEFINITIONS_SQL, list(received))
        }
        now = timezone.now()
        created: list[Activity] = []
        changed: list[Activity] = []
        for iri, definition in received.items():
            if iri not in stored:
                created.append(Activity(iri=iri, definition=definition, updated=now))
                continue
            merged = merge_definitions(stored[iri] or {}, definition)
            if merged != stored[iri]:
                changed.append(Activity(iri=iri, definition=merged, updated=now))
        if created:
            Activity.objects.bulk_create(created, ignore_conflicts=True)
        for activity in changed:
            Activity.objects.filter(iri=activity.iri).update(
                definition=activity.definition, updated=now
            )

    # --- reading one ----------------------------------------------------------------

    def get(self, statement_id: uuid.UUID, *, voided: bool) -> Json | None:
        payload: Json | None = (
            Statement.objects.filter(statement_id=statement_id, voided=voided)
            .values_list("payload", flat=True)
            .first()
        )
        return payload

    def fetch_by_ids(self, ids: list[uuid.UUID]) -> list[Json]:
        found = dict(
            Statement.objects.filter(statement_id__in=ids).values_list("statement_id", "payload")
        )
        return [found[i] for i in ids if i in found]

    def attachments_for(self, statement_ids: list[str]) -> list[StoredAttachment]:
        uuids = [uuid.UUID(value) for value in statement_ids]
        rows = (
            Attachment.objects.filter(statements__statement_id__in=uuids)
            .distinct()
            .values_list("sha2", "content_type", "content")
        )
        return [StoredAttachment(sha2, ctype, bytes(content)) for sha2, ctype, content in rows]

    def consistent_through(self) -> dt.datetime:
        # Statements are visible to queries as soon as their transaction commits.
        return timezone.now()

    # --- querying -------------------------------------------------------------------

    def query(self, query: StatementQuery, page_size: int) -> StatementPage:
        limit = min(query.limit or page_size, page_size)
        stored_until = query.stored_until or self._last_stored()
        upper = stored_until
        if query.until is not None and (upper is None or query.until < upper):
            upper = query.until
        rows = self._direct(query, upper, limit + 1)
        if query.agent_ifi or query.verb_iri or query.activity_iri or query.registration:
            seen = {pk for _, pk, _ in rows}
            rows += [row for row in self._via_refs(query, upper, limit + 1) if row[1] not in seen]
            rows.sort(key=lambda row: (row[0], row[1]), reverse=not query.ascending)
        page = rows[:limit]
        next_after = (page[-1][0], page[-1][1]) if len(rows) > limit else None
        return StatementPage(
            statements=[payload for _, _, payload in page],
            next_after=next_after,
            stored_until=stored_until,
        )

    def _window(
        self,
        qs: QuerySet[Any],
        query: StatementQuery,
        upper: dt.datetime | None,
        stored: str,
        pk: str,
    ) -> QuerySet[Any]:
        if query.since is not None:
            qs = qs.filter(**{f"{stored}__gt": query.since})
        if upper is not None:
            qs = qs.filter(**{f"{stored}__lte": upper})
        if query.after is not None:
            at, after_pk = query.after
            if query.ascending:
                qs = qs.filter(**{f"{stored}__gte": at}).filter(
                    Q(**{f"{stored}__gt": at}) | Q(**{f"{pk}__gt": after_pk})
                )
            else:
                qs = qs.filter(**{f"{stored}__lte": at}).filter(
                    Q(**{f"{stored}__lt": at}) | Q(**{f"{pk}__lt": after_pk})
                )
        order = (stored, pk) if query.ascending else (f"-{stored}", f"-{pk}")
        return qs.order_by(*order)

    def _agent_links(self, query: StatementQuery) -> QuerySet[StatementAgent]:
        ifi = query.agent_ifi or ""
        qs = StatementAgent.objects.filter(ifi_hash=key_hash(ifi), ifi=ifi)
        if not query.related_agents:
            qs = qs.filter(relation__in=("actor", "object"))
        return qs

    def _activity_links(self, query: StatementQuery) -> QuerySet[StatementActivity]:
        iri = query.activity_iri or ""
        qs = StatementActivity.objects.filter(iri_hash=key_hash(iri), iri=iri)
        if not query.related_activities:
            qs = qs.filter(relation="object")
        return qs

    def _statement_q(self, query: StatementQuery, prefix: str = "") -> Q:
        """verb and registration, on a Statement reached through ``prefix``."""
        cond = Q()
        if query.verb_iri:
            cond &= Q(**{f"{prefix}verb_hash": key_hash(query.verb_iri)}) & Q(
                **{f"{prefix}verb_iri": query.verb_iri}
            )
        if query.registration is not None:
            cond &= Q(**{f"{prefix}registration": query.registration})
        return cond

    def _authority_q(self, query: StatementQuery, prefix: str = "") -> Q:
        if query.authority_ifi is None:
            return Q()
        return Q(**{f"{prefix}authority_hash": key_hash(query.authority_ifi)}) & Q(
            **{f"{prefix}authority_ifi": query.authority_ifi}
        )

    def _direct(self, query: StatementQuery, upper: dt.datetime | None, count: int) -> list[Row]:
        if query.agent_ifi:
            links: QuerySet[Any] = self._agent_links(query)
            if query.activity_iri:
                links = links.filter(
                    Exists(
                        self._activity_links(query).filter(statement_id=OuterRef("statement_id"))
                    )
                )
        elif query.activity_iri:
            links = self._activity_links(query)
        else:
            qs = Statement.objects.filter(voided=False).filter(
                self._statement_q(query), self._authority_q(query)
            )
            qs = self._window(qs, query, upper, "stored", "id")
            return list(qs.values_list("stored", "id", "payload")[:count])
        links = links.filter(statement__voided=False).filter(
            self._statement_q(query, "statement__"), self._authority_q(query, "statement__")
        )
        links = self._window(links, query, upper, "stored", "statement_id")
        return list(links.values_list("stored", "statement_id", "statement__payload")[:count])

    def _matches(self, query: StatementQuery) -> Q:
        """The non-time filters, on a Statement (the target of a StatementRef)."""
        cond = self._statement_q(query)
        if query.agent_ifi:
            cond &= Q(Exists(self._agent_links(query).filter(statement_id=OuterRef("pk"))))
        if query.activity_iri:
            cond &= Q(Exists(self._activity_links(query).filter(statement_id=OuterRef("pk"))))
        return cond

    def _target_matches(self, query: StatementQuery, depth: int) -> Q:
        cond = self._matches(query)
        if depth > 0:
            deeper = Statement.objects.filter(statement_id=OuterRef("statement_ref")).filter(
                self._target_matches(query, depth - 1)
            )
            cond |= Q(statement_ref__isnull=False) & Q(Exists(deeper))
        return cond

    def _via_refs(self, query: StatementQuery, upper: dt.datetime | None, count: int) -> list[Row]:
        """Statements whose StatementRef target matches the filters (recursively)."""
        targets = Statement.objects.filter(statement_id=OuterRef("statement_ref")).filter(
            self._target_matches(query, REF_DEPTH - 1)
        )
        qs = Statement.objects.filter(statement_ref__isnull=False, voided=False).filter(
            self._authority_q(query), Exists(targets)
        )
        qs = self._window(qs, query, upper, "stored", "id")
        return list(qs.values_list("stored", "id", "payload")[:count])
