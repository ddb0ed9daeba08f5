"""State, activity profile and agent profile documents in the ordinary database.

One `Document` row per document. Rows are found through SHA-256 digests of their key
(`key_hash` for one document, `context_hash` for the set that list and delete-all act
on), so the raw IRIs can be any length on every database.

Concurrency: writes run in a transaction; `get` locks the row (SELECT ... FOR UPDATE) when
called inside one, so a caller that checks If-Match / If-None-Match and then writes, all
in one `transaction.atomic()`, cannot lose a concurrent update. Two writers creating the
same document at once meet at the unique `key_hash`: the loser's insert is retried as an
update of the winner's row. On SQLite, Leerpad opens transactions IMMEDIATE, which
serialises writers outright.

ETags are the lower-case hexadecimal SHA-1 of the stored bytes (xAPI Communication 3.1
asks exactly this), kept without the quotes HTTP puts around them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from leerpad.lrs.backends.base import DocumentKey, StoredDocument
from leerpad.lrs.models import Document

JSON_MEDIA_TYPE = "application/json"


def content_etag(content: bytes) -> str:
    """The entity tag of document content: SHA-1 hex, as xAPI 1.0.3 and 2.0 require."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def media_type(content_type: str) -> str:
    """The media type of a Content-Type value, without parameters, lower case."""
    return content_type.split(";", 1)[0].strip().lower()


def json_object(content: bytes) -> dict[str, Any] | None:
    """The content as a JSON object, or None when it is not one."""
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def merge_json_objects(stored: bytes, posted: bytes) -> bytes:
    """Top-level merge of two JSON object documents (Communication 2.2, JSON Procedure).

    Every property of the posted object replaces the stored one whole, even when both are
    objects. Raises ValueError when either document is not a JSON object.
    """
    old, new = json_object(stored), json_object(posted)
    if old is None or new is None:
        raise ValueError("Both documents must be JSON objects to be merged.")
    old.update(new)
    return json.dumps(old, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _digest(*parts: str) -> str:
    # A separator that cannot occur in IRIs, IFIs or UUIDs keeps ("a", "bc") != ("ab", "c").
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def context_hash(key: DocumentKey) -> str:
    return _digest(key.kind, key.activity_iri, key.agent_ifi)


def key_hash(key: DocumentKey, document_id: str) -> str:
    return _digest(key.kind, key.activity_iri, key.agent_ifi, key.registration, document_id)


def _stored(row: Document) -> StoredDocument:
    return StoredDocument(
        document_id=row.document_id,
        content_type=row.content_type,
        content=bytes(row.content),
        etag=row.etag,
        updated=row.updated,
    )


def _one(key: DocumentKey, document_id: str, *, lock: bool = True) -> QuerySet[Document]:
    rows = Document.objects.filter(key_hash=key_hash(key, document_id))
    if not lock:
        return rows
    # Locks are only possible (and only useful) inside a transaction; SQLite ignores them.
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return rows


def _context(key: DocumentKey) -> QuerySet[Document]:
    rows = Document.objects.filter(context_hash=context_hash(key))
    # An empty registration means "any registration" for the set (Communication 2.3.s4/s5).
    if key.registration:
        rows = rows.filter(registration=key.registration)
    return rows


class OrmDocumentStore:
    """`DocumentStore` on the Django ORM (SQLite or PostgreSQL)."""

    def get(self, key: DocumentKey, document_id: str) -> StoredDocument | None:
        row = _one(key, document_id).first()
        return _stored(row) if row is not None else None

    def list_ids(self, key: DocumentKey, *, since: dt.datetime | None) -> list[str]:
        rows = _context(key)
        if since is not None:
            rows = rows.filter(updated__gt=since)
        return list(rows.order_by("updated", "id").values_list("document_id", flat=True))

    def put(
        self,
        key: DocumentKey,
        document_id: str,
        content_type: str,
        content: bytes,
        *,
        merge_json: bool,
    ) -> StoredDocument:
        """Create or replace a document; with merge_json, merge into the stored JSON object.

        Raises ValueError when a merge is asked and the stored document or the new content
        is not a JSON object with Content-Type application/json; nothing is written then.
        """
        posted_type, posted = content_type, content
        with transaction.atomic():
            for _attempt in range(2):
                row = _one(key, document_id).first()
                if row is not None and merge_json:
                    if media_type(row.content_type) != JSON_MEDIA_TYPE:
                        raise ValueError("The stored document is not application/json.")
                    if media_type(posted_type) != JSON_MEDIA_TYPE:
                        raise ValueError("The posted document is not application/json.")
                    content = merge_json_objects(bytes(row.content), posted)
                    content_type = JSON_MEDIA_TYPE
                now = timezone.now()
                if row is not None:
                    row.content_type = content_type
                    row.content = content
                    row.etag = content_etag(content)
                    row.updated = now
                    row.save(update_fields=["content_type", "content", "etag", "updated"])
                    return _stored(row)
                try:
                    # A savepoint, so that losing the race to a concurrent creator leaves
                    # the outer transaction usable for the retry as an update.
                    with transaction.atomic():
                        row = Document.objects.create(
                            kind=key.kind,
                            activity_iri=key.activity_iri,
                            agent_ifi=key.agent_ifi,
                            registration=key.registration,
                            document_id=document_id,
                            context_hash=context_hash(key),
                            key_hash=key_hash(key, document_id),
                            content_type=content_type,
                            content=content,
                            etag=content_etag(content),
                            updated=now,
                        )
                    return _stored(row)
                except IntegrityError:
                    continue
        raise IntegrityError("The document could be neither created nor updated.")

    def delete(self, key: DocumentKey, document_id: str | None) -> int:
        rows = _context(key) if document_id is None else _one(key, document_id, lock=False)
        with transaction.atomic():
            deleted, _ = rows.delete()
        return deleted
