from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from leerpad.core.access import Capability, can, require
from leerpad.core.logging import get_logger
from leerpad.core.navigation import section_by_slug, sections_for
from leerpad.core.panels import collect, panels_for
from leerpad.core.signals import workspace_tiles

log = get_logger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The Learn home: where a person starts, with the sections their roles open."""
    sections = [s for s in sections_for(request) if s.slug != "learn"]
    return render(request, "core/home.html", {"sections": sections, "panels": panels_for(request)})


@require(Capability.USE_WORKSPACE)
def workspace(request: HttpRequest) -> HttpResponse:
    """The LD&M team's workspace: one tile per part (intake, initiatives, voice, sparks,
    assets), each contributed by its app so core does not import them."""
    tiles = collect(workspace_tiles.send(sender=None, request=request))
    return render(request, "core/workspace.html", {"tiles": tiles})


@login_required
def section(request: HttpRequest, slug: str) -> HttpResponse:
    """A section whose app has not landed yet: says what it will be, honestly."""
    found = section_by_slug(slug)
    if found is None or not found.coming:
        raise Http404
    if not can(request.user, found.capability):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return render(request, "core/section_coming.html", {"section": found})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not ready"
        log.error("healthz.database_unreachable", error=str(exc))
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the database may be what failed.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({"request": None}), status=500)
