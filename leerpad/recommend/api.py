"""Recommendations over the JSON API (mounted at /api/v1/recommendations/): the caller's
suggestions with their reasons, and "not for me" (and its undo). Everything acts as the
caller (token or session), through the same `queries` and `services` as the pages."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from leerpad.accounts.api_auth import api_caller
from leerpad.catalog.models import ContentItem, Status
from leerpad.core.links import absolute_url
from leerpad.paths.models import Path
from leerpad.recommend import queries, services
from leerpad.recommend.models import Dismissal

router = Router(tags=["recommendations"])

Target = Literal["item", "path"]


class ReasonOut(Schema):
    code: str
    text: str
    detail: str


class SuggestionOut(Schema):
    target: Target
    id: int
    title: str
    kind: str
    url: str
    minutes: int | None
    reasons: list[ReasonOut]


class ForYouOut(Schema):
    recommended: list[SuggestionOut]
    new: list[SuggestionOut]
    popular: list[SuggestionOut]


class DismissIn(Schema):
    target: Target
    id: int
    reason: Literal["not_relevant", "know_it", "not_now"] = "not_relevant"


class Done(Schema):
    ok: bool


def _out(suggestion: queries.Suggestion) -> SuggestionOut:
    c = suggestion.candidate
    return SuggestionOut(
        target=suggestion.target,  # type: ignore[arg-type]
        id=suggestion.id,
        title=c.title,
        kind=c.kind,
        url=absolute_url(c.url),
        minutes=c.minutes,
        reasons=[ReasonOut(code=r.code, text=r.text, detail=r.detail) for r in suggestion.reasons],
    )


def _targets(body: DismissIn) -> tuple[ContentItem | None, Path | None]:
    if body.target == "item":
        item = ContentItem.objects.filter(pk=body.id, status=Status.PUBLISHED).first()
        if item is None:
            raise HttpError(404, "No such item.")
        return item, None
    path = Path.objects.filter(pk=body.id).first()
    if path is None:
        raise HttpError(404, "No such path.")
    return None, path


@router.get("/", response=ForYouOut, summary="My recommendations, each with its reasons")
def for_me(request: HttpRequest, limit: int = 10) -> ForYouOut:
    person = api_caller(request)
    found = queries.for_person(person, limit=max(1, min(limit, queries.PAGE_SIZE)))
    return ForYouOut(
        recommended=[_out(s) for s in found.recommended],
        new=[_out(s) for s in found.new],
        popular=[_out(s) for s in found.popular],
    )


@router.post("/dismissals", response=Done, summary="Not for me: never suggest this again")
def dismiss(request: HttpRequest, body: DismissIn) -> Done:
    person = api_caller(request)
    item, path = _targets(body)
    services.dismiss(person, item=item, path=path, reason=body.reason)
    return Done(ok=True)


@router.delete("/dismissals", response=Done, summary="Undo a 'not for me'")
def undo(request: HttpRequest, target: Target, id: int) -> Done:
    person = api_caller(request)
    field = "item_id" if target == "item" else "path_id"
    dismissal = Dismissal.objects.filter(person=person, **{field: id}).first()
    if dismissal is None:
        raise HttpError(404, "No such 'not for me'.")
    services.undo_dismissal(dismissal)
    return Done(ok=True)
