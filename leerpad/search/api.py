"""Search over the JSON API: the same service as the search page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from leerpad.accounts.api_auth import api_caller
from leerpad.catalog.extraction import html_to_text
from leerpad.core.access import Capability, can
from leerpad.search import service

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    kind: list[str] = []
    languages: list[str] = []
    level: list[str] = []
    duration: list[str] = []
    skills: list[str] = []
    locations: list[str] = []
    page: int = 1
    per_page: int = 10
    all_statuses: bool = False


class MomentOut(Schema):
    seconds: int
    text: str


class HitOut(Schema):
    id: int
    external_id: str
    rank: int
    kind: str
    title: str
    snippet: str
    language: str
    url: str
    moment: MomentOut | None = None


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    suggestion: str
    hits: list[HitOut]
    facets: dict[str, dict[str, int]]


@router.get("/", response=SearchOut, summary="Search the catalogue")
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    person = api_caller(request, Capability.LEARN, "You may not search the catalogue.")
    if not 1 <= params.per_page <= 100:
        raise HttpError(400, "per_page must be between 1 and 100.")
    statuses: tuple[str, ...] = ("published",)
    if params.all_statuses:
        if not can(person, Capability.MANAGE_CATALOG):
            raise HttpError(403, "Only L&D may search drafts and archived items.")
        statuses = ("draft", "review", "published", "archived")
    filters = {
        "kind": params.kind,
        "languages": params.languages,
        "level": params.level,
        "duration": params.duration,
        "skills": params.skills,
        "locations": params.locations,
    }
    found = service.search(
        params.q,
        person=person,
        filters=filters,
        page=params.page,
        per_page=params.per_page,
        statuses=statuses,
    )
    return SearchOut(
        query=found.query,
        total=found.total,
        page=found.page,
        pages=found.pages,
        suggestion=found.suggestion,
        facets=found.facets,
        hits=[
            HitOut(
                id=r.item.pk,
                external_id=r.item.external_id,
                rank=r.rank,
                kind=r.item.kind,
                title=html_to_text(r.title),
                snippet=html_to_text(r.snippet),
                language=r.language,
                url=request.build_absolute_uri(r.item.get_absolute_url()),
                moment=MomentOut(seconds=r.moment.seconds, text=html_to_text(r.moment.text))
                if r.moment
                else None,
            )
            for r in found.results
        ],
    )
