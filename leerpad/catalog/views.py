"""The catalogue for learners: browse, an item's page, and what people do on it."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from leerpad.accounts.models import Language, Person
from leerpad.catalog import queries, services, tracking
from leerpad.catalog.models import (
    ContentItem,
    Kind,
    Level,
    Registration,
    Session,
    Status,
    TranscriptCue,
)
from leerpad.catalog.schemas import LANGUAGES
from leerpad.catalog.services_files import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS
from leerpad.catalog.signals import item_panels
from leerpad.core import files
from leerpad.core.access import Capability, require
from leerpad.core.panels import collect

ITEMS_PER_PAGE = 12
# What the media view shows in the page; anything else is only ever downloaded, so an
# uploaded HTML file can never run as a page of Leerpad.
INLINE_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS | {".pdf"}


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- browse ----------------------------------------------------------------------------


@require(Capability.LEARN)
def browse(request: HttpRequest) -> HttpResponse:
    """Published items as cards, with filters that update the list in place."""
    filters = {
        "kind": request.GET.get("kind", ""),
        "language": request.GET.get("language", ""),
        "level": request.GET.get("level", ""),
        "skill": request.GET.get("skill", "")[:120],
    }
    items = queries.browse(**filters)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "filtered": any(filters.values()),
        "kinds": Kind.choices,
        "levels": Level.choices,
        "languages": [(code, name) for code, name in Language.choices if code in LANGUAGES],
        "skills": queries.browse_skills(),
        "may_manage": queries.may_manage(request.user),
    }
    template = "catalog/_browse_results.html" if request.htmx else "catalog/browse.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- the item page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Media:
    """How the page plays or shows the item itself."""

    tag: str  # "video", "audio" or "pdf"
    src: str
    external: bool = False


def _suffix(name: str) -> str:
    return Path(urlsplit(name).path).suffix.lower()


def media_for(item: ContentItem) -> Media | None:
    file_suffix = _suffix(item.file.name) if item.file else ""
    local = reverse("catalog:media", args=[item.pk])
    if item.kind in (Kind.VIDEO, Kind.AUDIO):
        playable = VIDEO_EXTENSIONS if item.kind == Kind.VIDEO else AUDIO_EXTENSIONS
        tag = str(item.kind)
        if file_suffix in playable:
            return Media(tag, local)
        if item.url and _suffix(item.url) in playable:
            return Media(tag, item.url, external=True)
    if item.kind == Kind.DOCUMENT and file_suffix == ".pdf":
        return Media("pdf", local)
    return None


def launch_url(item: ContentItem) -> str:
    try:
        return reverse("catalog_launch:launch", args=[item.pk])
    except NoReverseMatch:
        # The launch view ships with the package player; its address is fixed already.
        return f"/catalog/packages/{item.pk}/launch"


def _cues(item: ContentItem, language: str) -> tuple[str, list[TranscriptCue]]:
    """The transcript in `language` when there is one, else in the item's own language."""
    by_language: dict[str, list[TranscriptCue]] = {}
    for cue in item.cues.all():
        by_language.setdefault(cue.language, []).append(cue)
    for candidate in (language, item.language, *sorted(by_language)):
        if by_language.get(candidate):
            return candidate, by_language[candidate]
    return "", []


def _active_cue(cues: list[TranscriptCue], seconds: int | None) -> TranscriptCue | None:
    if seconds is None:
        return None
    ms = seconds * 1000
    started = [c for c in cues if c.start_ms <= ms]
    return started[-1] if started else None


@require(Capability.LEARN)
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's page: its content in the person's language first, and what to do with it."""
    person = _person(request)
    found = queries.item_for_page(person, pk)
    translations = list(found.translations.all())
    languages = [t.language for t in translations]
    asked = request.GET.get("lang", "")
    translation = found.translation(asked if asked in languages else None)
    shown_language = translation.language if translation else found.language
    start = _int(request.GET.get("t"))
    start = max(start, 0) if start is not None else None
    cue_language, cues = _cues(found, shown_language)
    context: dict[str, Any] = {
        "item": found,
        "translation": translation,
        "shown_language": shown_language,
        "language_names": dict(Language.choices),
        "languages": languages,
        "media": media_for(found),
        "cues": cues,
        "cue_language": cue_language,
        "cue_languages": sorted({c.language for c in found.cues.all()}),
        "active_cue": _active_cue(cues, start),
        "start": start,
        "useful": queries.is_useful(found, person),
        "useful_count": queries.useful_count(found),
        "related": queries.related(found),
        "sessions": queries.session_rows(found, person) if found.kind == Kind.SESSION else [],
        "launch_url": launch_url(found) if found.kind == Kind.PACKAGE else "",
        "may_manage": queries.may_manage(person),
        "audience_roles": list(found.audience_job_roles.all()),
        "audience_locations": list(found.audience_locations.all()),
        # Other apps' words about this item for this person (paths: "step 3 of your path").
        "panels": collect(item_panels.send(sender=ContentItem, request=request, item=found)),
    }
    if found.status == Status.PUBLISHED:
        # L&D previewing a draft is not learning; only published items are recorded.
        arrival = tracking.Arrival.from_query(request.GET)
        tracking.viewed(person, found, language=shown_language, arrival=arrival)
        query = request.GET.get("from_search")
        if query is not None:
            rank = _int(request.GET.get("rank"))
            tracking.selected_from_search(person, found, query=query, rank=rank)
    return render(request, "catalog/item.html", context)


@require(Capability.LEARN)
@require_POST
def useful(request: HttpRequest, pk: int) -> HttpResponse:
    """Toggle "I found this useful"; htmx swaps the button, others come back to the page."""
    person = _person(request)
    found = queries.item_for_page(person, pk)
    wanted = request.POST.get("useful") == "1"
    was = queries.is_useful(found, person)
    services.set_useful(found, person, wanted)
    if wanted != was and found.status == Status.PUBLISHED:
        if wanted:
            tracking.liked(person, found)
        else:
            tracking.unliked(person, found)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "item": found,
            "useful": wanted,
            "useful_count": queries.useful_count(found),
        }
        return render(request, "catalog/_useful.html", context)
    return redirect(found)


@require(Capability.LEARN)
@require_POST
def played(request: HttpRequest, pk: int) -> HttpResponse:
    """player.js reports the first play of a video or audio on a page (its start and length)."""
    person = _person(request)
    found = queries.item_for_page(person, pk)
    if found.kind not in (Kind.VIDEO, Kind.AUDIO):
        return HttpResponse(status=400)
    at = _float(request.POST.get("time")) or 0.0
    length = _float(request.POST.get("length"))
    if found.status == Status.PUBLISHED:
        tracking.played(person, found, at_seconds=max(at, 0.0), length_seconds=length)
    return HttpResponse(status=204)


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    # NaN and infinity are no moments in a recording.
    return number if number == number and abs(number) < 1e7 else None


@require(Capability.LEARN)
@require_GET
def open_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the item's web address, recording that the person launched it."""
    person = _person(request)
    found = queries.item_for_page(person, pk)
    if not found.url.startswith(("http://", "https://")):
        raise Http404
    if found.status == Status.PUBLISHED:
        tracking.launched(person, found)
    return HttpResponseRedirect(found.url)


def _serve(request: HttpRequest, found: ContentItem, *, attachment: bool) -> HttpResponseBase:
    name = Path(found.file.name).name if found.file else ""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return files.serve(request, found.file, content_type, filename=name, attachment=attachment)


@require(Capability.LEARN)
@require_GET
@xframe_options_sameorigin
def media(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's file for the page's player or PDF viewer (byte ranges for seeking)."""
    found = queries.item_for_page(_person(request), pk)
    if not found.file or _suffix(found.file.name) not in INLINE_EXTENSIONS:
        raise Http404
    # A streamed file is no HttpResponse to the type checker; `require` is typed for one.
    return cast(HttpResponse, _serve(request, found, attachment=False))


@require(Capability.LEARN)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's file as a download, recorded as "downloaded"."""
    person = _person(request)
    found = queries.item_for_page(person, pk)
    response = _serve(request, found, attachment=True)
    if found.status == Status.PUBLISHED:
        tracking.downloaded(person, found)
    return cast(HttpResponse, response)


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


@require(Capability.LEARN)
@require_GET
def captions(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The transcript as WebVTT, so the player can show it as captions."""
    found = queries.item_for_page(_person(request), pk)
    cues = [c for c in found.cues.all() if c.language == language]
    if not cues:
        raise Http404
    lines = ["WEBVTT", ""]
    for cue in cues:
        # A blank line ends a cue in WebVTT, and "-->" starts a timing line.
        text = "\n".join(line for line in cue.text.replace("-->", "→").splitlines() if line.strip())
        lines += [f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}", text, ""]
    return HttpResponse("\n".join(lines), content_type="text/vtt; charset=utf-8")


# --- classroom sessions ----------------------------------------------------------------


def _session_for(request: HttpRequest, pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("item"), pk=pk)
    # The same rule as the item's page: who cannot see the item cannot see its dates.
    queries.item_for_page(request.user, session.item_id)
    if session.item.status != Status.PUBLISHED:
        raise Http404
    return session


@require(Capability.LEARN)
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    session = _session_for(request, pk)
    try:
        registration = services.register(session, person)
    except services.CatalogError as exc:
        messages.error(request, str(exc))
    else:
        tracking.registered(person, registration)
        if registration.state == Registration.State.WAITING:
            messages.warning(
                request,
                _(
                    "The session is full: you are on the waiting list. You get a seat as soon "
                    "as one frees up."
                ),
            )
        else:
            messages.success(request, _("You are registered."))
    return redirect(reverse("catalog:item", args=[session.item_id]) + "#sessions")


@require(Capability.LEARN)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    session = _session_for(request, pk)
    cancelled = services.cancel_registration(session, person)
    if cancelled is not None:
        tracking.unregistered(person, session)
        messages.success(request, _("Your registration was cancelled."))
    return redirect(reverse("catalog:item", args=[session.item_id]) + "#sessions")
