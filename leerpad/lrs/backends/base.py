"""The storage interface of the LRS.

The endpoints speak only to these two protocols. The default implementations use the
ordinary database (`orm.py`, `orm_documents.py`); the scale tier can add a column-store
implementation of `StatementStore` without touching the endpoints.

Validation happens before the store is called: a store receives statements that are
valid xAPI, already completed by the LRS (id, stored, authority, version, timestamp).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class StatementQuery:
    """GET /statements filters (Communication 2.1.3), already parsed and validated."""

    agent_ifi: str | None = None
    verb_iri: str | None = None
    activity_iri: str | None = None
    registration: uuid.UUID | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0  # 0 = the server's maximum page size
    ascending: bool = False
    # Paging: the position after which the next page starts (from a `more` link), and
    # the upper bound of `stored` fixed when the first page was asked, so that paging
    # stays consistent while new statements arrive.
    after: tuple[dt.datetime, int] | None = None
    stored_until: dt.datetime | None = None
    # statements/read/mine: only statements whose authority is this client's.
    authority_ifi: str | None = None


@dataclass
class StatementPage:
    statements: list[dict[str, Any]]
    # Where the next page starts, or None when this was the last page.
    next_after: tuple[dt.datetime, int] | None
    stored_until: dt.datetime | None = None


@dataclass
class StoredAttachment:
    sha2: str
    content_type: str
    content: bytes


@dataclass
class NewStatement:
    """A validated, completed statement ready to be stored."""

    statement: dict[str, Any]  # as it will be returned (format=exact)
    original: dict[str, Any]  # as it was received, for the "same id, same content" check
    attachments: list[StoredAttachment] = field(default_factory=list)


class StatementConflict(Exception):
    """A statement id exists already with other content (answer 409)."""


class StatementStore(Protocol):
    def store_batch(self, batch: list[NewStatement], *, client_id: int | None) -> list[str]:
        """Store all statements of a batch, or none (one transaction).

        Statements whose id is already stored with the same content are skipped (their
        id is still returned); an id stored with other content raises StatementConflict.
        Voiding statements mark their target voided. Returns the ids in batch order.
        """
        ...

    def get(self, statement_id: uuid.UUID, *, voided: bool) -> dict[str, Any] | None:
        """One statement: voided=False finds only non-voided ones, True only voided ones."""
        ...

    def fetch_by_ids(self, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        """Statements by id, in the order asked (missing ids are left out)."""
        ...

    def query(self, query: StatementQuery, page_size: int) -> StatementPage:
        """Non-voided statements matching the filters, newest `stored` first unless
        ascending, including statements that target a matching statement through a
        StatementRef (Communication 2.1.3, "Filter Conditions for StatementRefs")."""
        ...

    def attachments_for(self, statement_ids: list[str]) -> list[StoredAttachment]:
        """The attachment contents referenced by these statements (for attachments=true)."""
        ...

    def consistent_through(self) -> dt.datetime:
        """The instant up to which every stored statement is visible to queries."""
        ...


@dataclass
class StoredDocument:
    document_id: str
    content_type: str
    content: bytes
    etag: str
    updated: dt.datetime


@dataclass(frozen=True)
class DocumentKey:
    """Identifies a document: kind plus the parts that kind uses ("" when not used)."""

    kind: str  # "state" | "activity_profile" | "agent_profile"
    activity_iri: str = ""
    agent_ifi: str = ""
    registration: str = ""


class DocumentStore(Protocol):
    def get(self, key: DocumentKey, document_id: str) -> StoredDocument | None: ...

    def list_ids(self, key: DocumentKey, *, since: dt.datetime | None) -> list[str]: ...

    def put(
        self,
        key: DocumentKey,
        document_id: str,
        content_type: str,
        content: bytes,
        *,
        merge_json: bool,
    ) -> StoredDocument:
        """Create or replace; with merge_json, merge a JSON object into the stored one."""
        ...

    def delete(self, key: DocumentKey, document_id: str | None) -> int:
        """Delete one document, or all for the key when document_id is None."""
        ...
