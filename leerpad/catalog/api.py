"""The catalogue over the JSON API (/api/v1/catalog/): read items, upsert one, bulk import,
change a status. Writes need the MANAGE_CATALOG capability and go through `services` and
`importing`, so the API accepts exactly what the form and the import accept."""

from __future__ import annotations

import datetime as dt
from math import ceil
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from leerpad.accounts.api_auth import api_caller
from leerpad.accounts.models import Person
from leerpad.catalog import importing, queries, services
from leerpad.catalog.models import CatalogImport, ContentItem, Kind, Level, Status
from leerpad.catalog.schemas import LANGUAGES, ItemIn
from leerpad.core.access import Capability
from leerpad.core.links import absolute_url

router = Router(tags=["catalogue"])

MAX_PER_PAGE = 100


# --- schemas -------------------------------------------------------------------------------


class Error(Schema):
    detail: str


class TranslationOut(Schema):
    title: str
    summary: str
    body: str | None = None


class AudienceOut(Schema):
    job_roles: list[str]
    locations: list[str]


class SessionOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str | None
    room: str
    seats: int


class ItemOut(Schema):
    id: int
    external_id: str
    kind: str
    status: str
    language: str
    level: str
    duration_minutes: int | None
    url: str
    has_file: bool
    tags: list[str]
    skills: list[str]
    audience: AudienceOut
    review_date: dt.date | None
    version: int
    published_at: dt.datetime | None
    updated_at: dt.datetime
    title: str
    translations: dict[str, TranslationOut]
    sessions: list[SessionOut] | None = None
    page_url: str


class ItemPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ItemOut]


class ItemFilters(Schema):
    kind: Kind | None = None
    status: Status | None = None
    language: str | None = None
    level: Level | None = None
    skill: str | None = None
    q: str | None = None
    updated_since: dt.datetime | None = None
    page: int = 1
    per_page: int = 25


class StatusIn(Schema):
    status: Status


class RowOut(Schema):
    row: int
    external_id: str
    title: str
    action: str
    errors: list[str]
    changes: list[str]


class ImportOut(Schema):
    valid: bool
    applied: bool
    counts: dict[str, int]
    errors: list[str]
    skills: list[str]
    rows: list[RowOut]


# --- helpers -------------------------------------------------------------------------------


def _need(request: HttpRequest, capability: Capability) -> Person:
    return api_caller(
        request, capability, f"You may not do this: it needs the {capability.value} capability."
    )


def _out(request: HttpRequest, item: ContentItem, *, full: bool) -> ItemOut:
    translations = list(item.translations.all())
    return ItemOut(
        id=item.pk,
        external_id=item.external_id,
        kind=item.kind,
        status=item.status,
        language=item.language,
        level=item.level,
        duration_minutes=item.duration_minutes,
        url=item.url,
        has_file=bool(item.file),
        tags=list(item.tags),
        skills=[s.key for s in item.skills.all()],
        audience=AudienceOut(
            job_roles=[r.name for r in item.audience_job_roles.all()],
            locations=[loc.name for loc in item.audience_locations.all()],
        ),
        review_date=item.review_date,
        version=item.version,
        published_at=item.published_at,
        updated_at=item.updated_at,
        title=item.title(),
        translations={
            t.language: TranslationOut(
                title=t.title, summary=t.summary, body=t.body if full else None
            )
            for t in translations
        },
        sessions=[
            SessionOut(
                id=s.pk,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                location=s.location.name if s.location else None,
                room=s.room,
                seats=s.seats,
            )
            for s in item.sessions.all()
        ]
        if full
        else None,
        page_url=absolute_url(reverse("catalog:item", args=[item.pk])),
    )


_PREFETCH = ("translations", "skills", "audience_job_roles", "audience_locations")


def _one(request: HttpRequest, **lookup: Any) -> ContentItem:
    person = _need(request, Capability.LEARN)
    item = (
        queries.visible_items(person)
        .prefetch_related(*_PREFETCH, "sessions__location")
        .filter(**lookup)
        .first()
    )
    if item is None:
        raise HttpError(404, "No such item.")
    return item


def _plan_out(plan: importing.Plan, *, applied: bool) -> ImportOut:
    return ImportOut(
        valid=plan.is_valid,
        applied=applied,
        counts=plan.counts(),
        errors=plan.errors,
        skills=[s.key for s in plan.skills],
        rows=[
            RowOut(
                row=r.number,
                external_id=r.external_id,
                title=r.title,
                action=r.action,
                errors=r.errors,
                changes=r.changes,
            )
            for r in plan.rows
        ],
    )


# --- endpoints -----------------------------------------------------------------------------


@router.get("/items", response=ItemPage, summary="List catalogue items")
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> ItemPage:
    """Published items (L&D sees every status and may filter on it), newest change first.
    Translations come without their body; ask for one item to get it."""
    person = _need(request, Capability.LEARN)
    if not 1 <= filters.per_page <= MAX_PER_PAGE:
        raise HttpError(400, f"per_page must be between 1 and {MAX_PER_PAGE}.")
    if filters.page < 1:
        raise HttpError(400, "page starts at 1.")
    if filters.language and filters.language not in LANGUAGES:
        raise HttpError(400, "language must be nl, fr or en.")
    items = queries.visible_items(person)
    if filters.status:
        if not queries.may_manage(person) and filters.status != Status.PUBLISHED:
            raise HttpError(403, "Only L&D may list items that are not published.")
        items = items.filter(status=filters.status)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.level:
        items = items.filter(level=filters.level)
    if filters.language:
        items = items.filter(translations__language=filters.language)
    if filters.skill:
        items = items.filter(skills__key=filters.skill)
    if filters.q:
        for word in filters.q.split()[:5]:
            items = items.filter(
                Q(translations__title__icontains=word) | Q(external_id__icontains=word)
            )
    if filters.updated_since:
        items = items.filter(updated_at__gte=filters.updated_since)
    items = items.distinct().order_by("-updated_at", "-id")
    count = items.count()
    start = (filters.page - 1) * filters.per_page
    page = items.prefetch_related(*_PREFETCH)[start : start + filters.per_page]
    return ItemPage(
        count=count,
        page=filters.page,
        pages=max(ceil(count / filters.per_page), 1),
        items=[_out(request, item, full=False) for item in page],
    )


@router.get(
    "/items/by-external-id/{path:external_id}",
    response=ItemOut,
    summary="One item by its external id",
)
def get_by_external_id(request: HttpRequest, external_id: str) -> ItemOut:
    return _out(request, _one(request, external_id=external_id), full=True)


@router.get("/items/{int:item_id}", response=ItemOut, summary="One item")
def get_item(request: HttpRequest, item_id: int) -> ItemOut:
    return _out(request, _one(request, pk=item_id), full=True)


@router.put(
    "/items/by-external-id/{path:external_id}",
    response={200: ItemOut, 201: ItemOut, 400: Error, 403: Error},
    summary="Create or update one item by its external id",
)
def upsert_item(request: HttpRequest, external_id: str, payload: ItemIn) -> Answer[ItemOut]:
    """The body is the whole item, as one item of the bulk import (docs/catalog-import.md).
    Translations left out are removed; transcripts and session dates left out are kept."""
    person = _need(request, Capability.MANAGE_CATALOG)
    if payload.external_id and payload.external_id != external_id:
        raise HttpError(400, "external_id in the body differs from the one in the address.")
    spec = payload.model_copy(update={"external_id": external_id})
    existing = ContentItem.objects.filter(external_id=external_id).first()
    try:
        saved = services.save_item(existing, spec, by=person, note="API")
    except services.CatalogError as exc:
        raise HttpError(400, str(exc)) from None
    except IntegrityError:
        raise HttpError(
            409, "Another request changed this item at the same time; try again."
        ) from None
    item = ContentItem.objects.prefetch_related(*_PREFETCH, "sessions__location").get(pk=saved.pk)
    return Answer(201 if existing is None else 200, _out(request, item, full=True))


@router.post(
    "/items/{int:item_id}/status",
    response={200: ItemOut, 400: Error, 403: Error, 404: Error},
    summary="Publish, send to review, archive or return an item to draft",
)
def set_item_status(request: HttpRequest, item_id: int, payload: StatusIn) -> ItemOut:
    person = _need(request, Capability.MANAGE_CATALOG)
    item = ContentItem.objects.prefetch_related("translations").filter(pk=item_id).first()
    if item is None:
        raise HttpError(404, "No such item.")
    try:
        services.set_status([item], payload.status, by=person)
    except services.CatalogError as exc:
        raise HttpError(400, str(exc)) from None
    fresh = ContentItem.objects.prefetch_related(*_PREFETCH, "sessions__location").get(pk=item_id)
    return _out(request, fresh, full=True)


@router.post(
    "/import",
    response={200: ImportOut, 400: ImportOut, 403: Error},
    summary="Bulk import (JSON or CSV), all rows or none",
    openapi_extra={
        "requestBody": {
            "description": (
                'The file: JSON (`{"skills": [...], "items": [...]}`) or CSV as the body, '
                "or a multipart upload in the field `file`. Format: docs/catalog-import.md."
            ),
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
)
def import_items(request: HttpRequest, dry_run: bool = False) -> Answer[ImportOut]:
    """With `?dry_run=true` only reports what would happen. Answers 400, with every row's
    errors, when the file has any error; nothing is applied then."""
    person = _need(request, Capability.MANAGE_CATALOG)
    limit = int(settings.LEERPAD_CATALOG_IMPORT_MAX_BYTES)
    upload = request.FILES.get("file") if request.content_type == "multipart/form-data" else None
    if upload is not None:
        data, filename = upload.read(limit + 1), upload.name or "import"
    else:
        # Read the stream, not request.body: an import may be larger than Django's
        # limit for request bodies kept in memory (DATA_UPLOAD_MAX_MEMORY_SIZE).
        data = request.read(limit + 1)
        filename = "import.csv" if "csv" in (request.content_type or "") else "import.json"
    if dry_run:
        plan = importing.preview(data, filename)
        return Answer(200 if plan.is_valid else 400, _plan_out(plan, applied=False))
    try:
        plan = importing.apply(data, filename, by=person)
    except importing.ImportRefused as exc:
        return Answer(400, _plan_out(exc.plan, applied=False))
    CatalogImport.objects.create(
        filename=filename[:255],
        content=data,
        source=CatalogImport.Source.API,
        uploaded_by=person,
        applied_at=timezone.now(),
        counts=plan.counts(),
    )
    return Answer(200, _plan_out(plan, applied=True))
