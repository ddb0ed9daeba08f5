"""The statement store on the ordinary database (SQLite in WAL mode, or PostgreSQL).

Writes: one transaction per batch, a fixed number of bulk statements whatever its size
(a duplicate check, the statement rows, the agent and activity link rows, voiding, the
attachment contents, the canonical Activity definitions). Writers are serialised (SQLite
has one writer anyway; on PostgreSQL an advisory lock), so `stored`, stamped under the
lock, grows in commit order.

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
from collections.abc import Iterable
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

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


def _best(pairs: Iterable[tuple[str, str]], rank: dict[str, int]) -> dict[str, str]:
    """One relation per identifier: the closest one (actor before object before related)."""
    best: dict[str, str] = {}
    for key, relation in pairs:
        if key and (key not in best or rank[relation] < rank[best[key]]):
            best[key] = relation
    return best


def _insert_sql(model: type[models.Model], fields: list[str]) -> str:
    """INSERT for ``fields`` of ``model``; names come from the model, values are bound."""
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(cast("models.Field[Any, Any]", model._meta.get_field(name)).column) for name in fields
    )
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608


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
_STATEMENT_INSERT = _insert_sql(Statement, _STATEMENT_FIELDS)
_AGENT_INSERT = _insert_sql(StatementAgent, ["statement", "ifi", "ifi_hash", "stored", "relation"])
_ACTIVITY_INSERT = _insert_sql(
    StatementActivity, ["statement", "iri", "iri_hash", "stored", "relation"]
)


class _Adapters:
    """Python values to what the database driver takes, as the ORM would convert them."""

    def __init__(self) -> None:
        self._times: dict[str, Any] = {}
        self._uuid_field = Statement._meta.get_field("statement_id")
        self._json_field = Statement._meta.get_field("payload")

    def instant(self, text: str) -> Any:
        if text not in self._times:
            value = parse_timestamp(text)
            self._times[text] = connection.ops.adapt_datetimefield_value(value)
        return self._times[text]

    def uuid(self, value: uuid.UUID | None) -> Any:
        return None if value is None else self._uuid_field.get_db_prep_value(value, connection)

    def json(self, value: Json) -> Any:
        if connection.vendor == "sqlite":
            # Compact text: SQLite keeps JSON as written, and the row size decides how
            # many statements share a page (PostgreSQL's jsonb is binary anyway).
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
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
        last: dt.datetime | None = Statement.objects.aggregate(last=Max("stored"))["last"]
        return last

    def store_batch(self, batch: list[NewStatement], *, client_id: int | None) -> list[str]:
        ids = [str(new.statement["id"]) for new in batch]
        if not batch:
            return ids
        uuids = [uuid.UUID(value) for value in ids]
        with transaction.atomic():
            existing = dict(
                Statement.objects.filter(statement_id__in=uuids).values_list(
                    "statement_id", "payload"
                )
            )
            fresh: list[tuple[NewStatement, uuid.UUID]] = []
            for new, statement_id in zip(batch, uuids, strict=True):
                if statement_id in existing:
                    # Communication 2.1.1/2.1.2: the same statement again is accepted
                    # and ignored; other content under a stored id is a conflict.
                    if not same_statement(existing[statement_id], new.original):
                        raise StatementConflict(
                            f"Statement {statement_id} is stored already with other content."
                        )
                    continue
                fresh.append((new, statement_id))
            if fresh:
                self._insert(fresh, client_id)
        return ids

    def _insert(self, fresh: list[tuple[NewStatement, uuid.UUID]], client_id: int | None) -> None:
        fresh_ids = [statement_id for _, statement_id in fresh]
        # A voiding statement may arrive before its target (Data 2.3.2: the LRS must not
        # reject it); the target is voided from the moment it arrives.
        already_voided = set(
            Statement.objects.filter(
                statement_ref__in=fresh_ids, verb_hash=VOIDED_HASH, verb_iri=VOIDED
            ).values_list("statement_ref", flat=True)
        )
        adapt = _Adapters()
        rows: list[tuple[Any, ...]] = []
        links: dict[uuid.UUID, tuple[Any, dict[str, str], dict[str, str]]] = {}
        targets: list[uuid.UUID] = []
        for new, statement_id in fresh:
            statement = new.statement
            index = index_statement(statement)
            if index.voids is not None:
                targets.append(index.voids)
            stored = adapt.instant(statement["stored"])
            rows.append(
                (
                    adapt.uuid(statement_id),
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
                    statement_id in already_voided and index.voids is None,
                    client_id,
                    adapt.json(statement),
                    None,  # original: see the model
                )
            )
            links[statement_id] = (
                stored,
                _best(index.agents, _AGENT_RANK),
                _best(index.activities, _ACTIVITY_RANK),
            )
        # executemany rather than bulk_create: the same single statement per table, but
        # without building a model instance and preparing every field through the ORM,
        # which was most of the cost of a batch.
        with connection.cursor() as cursor:
            cursor.executemany(_STATEMENT_INSERT, rows)
            pks = dict(
                Statement.objects.filter(statement_id__in=fresh_ids).values_list(
                    "statement_id", "id"
                )
            )
            agent_rows = [
                (pks[sid], ifi, key_hash(ifi), stored, relation)
                for sid, (stored, agents, _) in links.items()
                for ifi, relation in agents.items()
            ]
            activity_rows = [
                (pks[sid], iri, key_hash(iri), stored, relation)
                for sid, (stored, _, activities) in links.items()
                for iri, relation in activities.items()
            ]
            if agent_rows:
                cursor.executemany(_AGENT_INSERT, agent_rows)
            if activity_rows:
                cursor.executemany(_ACTIVITY_INSERT, activity_rows)
        if targets:
            # Data 2.3.2: a voiding statement is never itself voided.
            Statement.objects.filter(statement_id__in=targets).exclude(
                verb_hash=VOIDED_HASH, verb_iri=VOIDED
            ).update(voided=True)
        self._store_attachments(fresh, pks)
        self._merge_definitions([new.statement for new, _ in fresh])

    def _store_attachments(
        self, fresh: list[tuple[NewStatement, uuid.UUID]], pks: dict[uuid.UUID, int]
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
                through(attachment_id=sha2, statement_id=pks[statement_id])
                for new, statement_id in fresh
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
        stored = dict(
            Activity.objects.filter(iri__in=list(received)).values_list("iri", "definition")
        )
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
