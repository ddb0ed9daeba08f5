"""Statement and document stores; settings choose the implementation."""

from __future__ import annotations

from functools import cache
from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from leerpad.lrs.backends.base import DocumentStore, StatementStore


@cache
def statement_store() -> StatementStore:
    path = getattr(
        settings, "LEERPAD_LRS_STATEMENT_STORE", "leerpad.lrs.backends.orm.OrmStatementStore"
    )
    return cast(StatementStore, import_string(path)())


@cache
def document_store() -> DocumentStore:
    path = getattr(
        settings,
        "LEERPAD_LRS_DOCUMENT_STORE",
        "leerpad.lrs.backends.orm_documents.OrmDocumentStore",
    )
    return cast(DocumentStore, import_string(path)())
