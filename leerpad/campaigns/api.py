"""Segments over the JSON API (mounted at /api/v1/campaigns/): the list with current counts,
one segment with its rules, and the count for rules not saved yet. For people who may
manage campaigns; counts and names follow the same privacy rule as the pages
(`queries.audience`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja import Status as Answer

from leerpad.accounts.api_auth import api_caller
from leerpad.accounts.models import Person
from leerpad.campaigns import queries
from leerpad.campaigns import rules as segment_rules
from leerpad.campaigns.models import Segment
from leerpad.core.access import Capability

router = Router(tags=["campaigns"])

FORBIDDEN = "Segments are for people who manage campaigns."


class Error(Schema):
    detail: str


class RulesError(Schema):
    detail: str
    errors: list[str]


class MemberOut(Schema):
    id: int
    name: str


class AudienceOut(Schema):
    kind: Literal["attribute", "learning"]
    count: int | None  # null: fewer than k
    fewer_than: int | None  # k, when the count is hidden
    members: list[MemberOut] | None  # attribute segments only


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    rules: dict[str, Any]
    audience: AudienceOut | None  # null when the stored rules no longer validate
    created_by: int | None
    updated_at: dt.datetime


class RulesIn(Schema):
    match: str = "all"
    rules: list[dict[str, Any]] = []


def _caller(request: HttpRequest) -> Person:
    return api_caller(request, Capability.MANAGE_CAMPAIGNS, FORBIDDEN)


def _audience_out(audience: queries.Audience | None, *, members: bool) -> AudienceOut | None:
    if audience is None:
        return None
    return AudienceOut(
        kind=audience.kind,
        count=audience.count,
        fewer_than=audience.k if audience.below_k else None,
        members=[MemberOut(id=p.pk, name=str(p)) for p in audience.preview]
        if members and audience.shows_names
        else None,
    )


def _segment_out(segment: Segment, *, members: bool) -> SegmentOut:
    return SegmentOut(
        id=segment.pk,
        name=segment.name,
        description=segment.description,
        rules=segment.rules,
        audience=_audience_out(queries.audience_of(segment, preview=members), members=members),
        created_by=segment.created_by_id,
        updated_at=segment.updated_at,
    )


@router.get("/segments", response={200: list[SegmentOut], 403: Error}, summary="Segments")
def list_segments(request: HttpRequest, offset: int = 0, limit: int = 50) -> list[SegmentOut]:
    """Every segment with its count now (by name; `limit` at most 100)."""
    _caller(request)
    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    page = queries.segments()[offset : offset + limit]
    return [_segment_out(s, members=False) for s in page]


@router.get(
    "/segments/{int:segment_id}",
    response={200: SegmentOut, 403: Error, 404: Error},
    summary="One segment, with up to 20 members for attribute segments",
)
def get_segment(request: HttpRequest, segment_id: int) -> SegmentOut:
    _caller(request)
    return _segment_out(get_object_or_404(Segment, pk=segment_id), members=True)


@router.post(
    "/segments/preview",
    response={200: AudienceOut, 400: RulesError, 403: Error},
    summary="How many people rules select, before saving them",
)
def preview(request: HttpRequest, payload: RulesIn) -> Any:
    """The rules as stored in a segment (`{"match": "all", "rules": [...]}`); rule
    types are listed in docs/campaigns.md. Invalid rules answer 400 with every problem."""
    _caller(request)
    try:
        ruleset = segment_rules.parse(payload.dict())
    except segment_rules.RulesError as exc:
        return Answer(400, RulesError(detail="The rules are not valid.", errors=exc.messages))
    return Answer(200, _audience_out(queries.audience(ruleset), members=True))
