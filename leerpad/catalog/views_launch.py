"""Playing e-learning packages: the player page, the package's own files, what a SCORM
package reports, and the cmi5 fetch URL. Thin: `services_launch` does the work.

Who may play: whoever may see the item (as in `queries.visible_items`: published items
for everyone, every item for the people who manage the catalogue).
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from leerpad.accounts.models import Person
from leerpad.catalog import services_launch
from leerpad.catalog.models import ContentItem, Extraction, Kind, Package, Status
from leerpad.core.access import Capability, can, require
from leerpad.core.logging import get_logger
from leerpad.lrs.services import XapiValidationError

log = get_logger(__name__)

TEMPLATE = "catalog/launch.html"
SCORM = (Package.Standard.SCORM12, Package.Standard.SCORM2004)
# Types the MIME database may not know, or knows differently per machine; with nosniff
# on, a script or style sheet served with the wrong type would not run.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".vtt": "text/vtt",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".xml": "application/xml",
}
FETCH_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


def _visible_item(request: HttpRequest, item_id: int) -> ContentItem:
    # The rule of `queries.visible_items`: published items, or every item for L&D.
    item = get_object_or_404(ContentItem.objects.prefetch_related("translations"), pk=item_id)
    if item.status != Status.PUBLISHED and not can(request.user, Capability.MANAGE_CATALOG):
        raise Http404
    return item


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def launch(request: HttpRequest, item_id: int) -> HttpResponse:
    """The player page. SCORM plays at once; cmi5 and Tin Can start with a POST (a launch
    creates credentials and records "launched", which a GET must not do)."""
    person: Person = request.user  # type: ignore[assignment]
    item = _visible_item(request, item_id)
    package = Package.objects.filter(item=item).first()
    context: dict[str, Any] = {"item": item, "title": item.title(), "package": package}
    if package is None:
        if item.kind != Kind.PACKAGE:
            raise Http404
        return _not_ready(request, item, context)
    if package.standard in SCORM:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        context.update(
            mode="scorm",
            frame_src=services_launch.launch_page_url(package),
            scorm_config={
                "version": "1.2" if package.standard == Package.Standard.SCORM12 else "2004",
                "reportUrl": reverse("catalog_launch:scorm", args=[item.pk]),
                "csrfToken": get_token(request),
                "initial": services_launch.scorm_initial_data(item, person),
                "messages": {
                    "saving": _("Saving your progress…"),
                    "saved": _("Your progress is saved."),
                    "saveFailed": _(
                        "Your progress could not be saved. Check your connection and "
                        "keep this page open; it will try again at the next step."
                    ),
                    "finished": _("You can close this course; your progress is saved."),
                },
            },
        )
        return render(request, TEMPLATE, context)
    if request.method == "POST":
        started = services_launch.launch_xapi(item, person)
        if started.own_window:
            return redirect(started.url)
        context.update(mode="frame", frame_src=started.url)
        return render(request, TEMPLATE, context)
    context.update(mode="start")
    return render(request, TEMPLATE, context)


def _not_ready(request: HttpRequest, item: ContentItem, context: dict[str, Any]) -> HttpResponse:
    if item.extraction in (Extraction.PENDING, Extraction.RUNNING):
        message = _("The package is being prepared. Try again in a minute.")
        status = 200
    elif item.extraction == Extraction.FAILED:
        message = _("This package could not be prepared: %(error)s") % {
            "error": item.extraction_error
        }
        status = 404
    else:
        message = _("This item has no e-learning package yet.")
        status = 404
    context.update(mode="not_ready", message=message)
    return render(request, TEMPLATE, context, status=status)


def _package_file(package: Package, path: str) -> Path | None:
    """The file at `path` inside the unpacked package, or None: never outside it."""
    if ".." in path.replace("\\", "/").split("/"):
        return None  # browsers never send dot segments; whoever does is probing
    root = (Path(settings.MEDIA_ROOT) / package.folder).resolve()
    try:
        target = (root / path).resolve()
    except (ValueError, OSError):  # NUL bytes, paths the OS refuses
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


@xframe_options_sameorigin
@require(Capability.LEARN)
@require_safe
def package_file(request: HttpRequest, item_id: int, path: str) -> HttpResponse:
    """A file of an unpacked package, served by Leerpad itself (no static or media server
    needed), to the package's own frame on this site."""
    item = _visible_item(request, item_id)
    package = get_object_or_404(Package, item=item)
    target = _package_file(package, path)
    if target is None:
        raise Http404
    content_type = (
        CONTENT_TYPES.get(target.suffix.lower())
        or mimetypes.guess_type(target.name)[0]
        or "application/octet-stream"
    )
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    # `require` is typed for HttpResponse; a FileResponse streams (HttpResponseBase).
    return response  # type: ignore[return-value]


@require(Capability.LEARN)
@require_POST
def scorm_report(request: HttpRequest, item_id: int) -> HttpResponse:
    """What the SCORM API of the player page posts at Initialize, Commit and Finish."""
    person: Person = request.user  # type: ignore[assignment]
    item = _visible_item(request, item_id)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse({"error": _("Expected a JSON object.")}, status=400)
    try:
        ids = services_launch.record_scorm_event(
            item, person, str(payload.get("event", "")), payload.get("cmi")
        )
    except services_launch.LaunchError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except XapiValidationError as exc:
        log.warning("catalog.scorm_statement_refused", item_id=item.pk, error=str(exc))
        return JsonResponse(
            {"error": _("The package reported data Leerpad cannot record.")}, status=400
        )
    return JsonResponse({"statements": len(ids)})


@csrf_exempt
def cmi5_fetch(request: HttpRequest, item_id: int, token: str) -> HttpResponse:
    """cmi5 8.2: POST once for the auth-token; later calls get error-code 1, as JSON with
    status 200 (the spec's choice). No login: the URL is the secret, and the AU may run
    on another origin (hence CORS)."""
    response: HttpResponse
    if request.method == "OPTIONS":
        response = HttpResponse(status=200)
    elif request.method != "POST":
        response = JsonResponse(
            {"error-code": "2", "error-text": _("The fetch URL only answers POST.")}, status=405
        )
        response["Allow"] = "POST, OPTIONS"
    elif not Package.objects.filter(item_id=item_id, standard=Package.Standard.CMI5).exists():
        response = JsonResponse(
            {"error-code": "2", "error-text": _("This item has no cmi5 package.")}
        )
    else:
        try:
            response = JsonResponse({"auth-token": services_launch.redeem_fetch_token(token)})
        except services_launch.FetchError as exc:
            response = JsonResponse({"error-code": exc.code, "error-text": exc.text})
    response["Cache-Control"] = "no-store"
    for name, value in FETCH_CORS.items():
        response[name] = value
    return response
