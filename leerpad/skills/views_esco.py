"""ESCO import on the web: upload, preview (a rolled-back run), then Apply.

The uploaded files are kept in the media storage with an `EscoImport` row, so the preview
and Apply read the same files, and Apply imports against the database as it is then.
The full ESCO download (about 14,000 skills per language) is better imported with
`leerpad skills import-esco`; the page suits a language pack or a curated subset.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leerpad.core.access import Capability, require
from leerpad.skills import esco, queries, services
from leerpad.skills.forms import ESCO_UPLOAD_MAX_BYTES, EscoUploadForm
from leerpad.skills.models import EscoImport
from leerpad.skills.views import person_of


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = EscoUploadForm(request.POST, request.FILES) if posted else EscoUploadForm()
    if posted and form.is_valid():
        record = services.store_esco_upload(
            form.cleaned_data["uploads"],
            languages=form.cleaned_data["languages"],
            occupations=form.cleaned_data["occupations"],
            by=person_of(request),
        )
        return redirect("skills:esco_preview", pk=record.pk)
    context: dict[str, Any] = {
        "form": form,
        "recent": queries.esco_imports(),
        "max_size": ESCO_UPLOAD_MAX_BYTES,
    }
    return render(request, "skills/esco_upload.html", context, status=400 if posted else 200)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What Apply would do (GET), or Apply (POST); after Apply, what it did."""
    record = get_object_or_404(EscoImport.objects.select_related("imported_by"), pk=pk)
    if record.status == EscoImport.Status.APPLIED:
        return render(
            request, "skills/esco_preview.html", {"record": record, "summary": record.summary}
        )
    if request.method == "POST":
        return _apply(request, record)
    error = ""
    summary: dict[str, Any] = {}
    try:
        summary = services.preview_esco(record).as_dict()
    except esco.EscoError as exc:
        error = str(exc)
        record.status = EscoImport.Status.REFUSED
        record.summary = {"error": error}
        record.save(update_fields=["status", "summary"])
    context = {"record": record, "summary": summary, "error": error, "preview": True}
    return render(request, "skills/esco_preview.html", context)


def _apply(request: HttpRequest, record: EscoImport) -> HttpResponse:
    try:
        summary = services.apply_esco(record, person_of(request))
    except (esco.EscoError, services.SkillsError) as exc:
        messages.error(request, _("Nothing was imported: %(error)s") % {"error": exc})
        return redirect("skills:esco_preview", pk=record.pk)
    except IntegrityError:
        messages.error(
            request,
            _(
                "Someone changed the same skills while the import ran, so nothing was "
                "imported. Check the preview and try again."
            ),
        )
        return redirect("skills:esco_preview", pk=record.pk)
    messages.success(
        request,
        _(
            "The import was applied: %(created)s new skills, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % summary.as_dict(),
    )
    return redirect("skills:esco_preview", pk=record.pk)
