"""Bulk import of catalogue items: upload, preview, apply. The logic is in `importing`.

The uploaded file is kept in a `CatalogImport` row, so the preview and Apply read the
same bytes, and Apply plans again against the database as it is then.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leerpad.accounts.models import Person
from leerpad.catalog import importing
from leerpad.catalog.forms import ImportForm
from leerpad.catalog.models import CatalogImport
from leerpad.core.access import Capability, require

ROWS_PER_PAGE = 100
RECENT_IMPORTS = 10
_SHOW = {"errors": ("error",), "changes": ("create", "update")}

EXAMPLE_JSON = """{
  "skills": [
    {"key": "customer-conversations",
     "names": {"nl": "Klantgesprekken", "fr": "Conversations clients",
               "en": "Customer conversations"}}
  ],
  "items": [
    {
      "external_id": "example-0001",
      "kind": "video",
      "status": "draft",
      "language": "nl",
      "level": "beginner",
      "duration_minutes": 8,
      "url": "https://video.example/klachten.mp4",
      "tags": ["klantenservice", "klachten"],
      "skills": ["customer-conversations"],
      "review_date": "2027-06-30",
      "translations": {
        "nl": {"title": "Klachten behandelen aan de kassa",
               "summary": "Rustig blijven en oplossen."},
        "fr": {"title": "Traiter les réclamations à la caisse"}
      },
      "transcripts": {
        "nl": "WEBVTT\\n\\n00:00:00.000 --> 00:00:05.000\\nWelkom bij deze video.\\n"
      }
    }
  ]
}
"""

EXAMPLE_CSV = (
    "external_id;kind;status;language;level;duration_minutes;url;tags;skills;"
    "title_nl;summary_nl;title_fr;summary_fr\n"
    "example-0002;link;draft;nl;beginner;5;https://www.example.org/feedback;"
    "feedback|gesprekken;;Feedback geven in vijf minuten;Een korte gids.;"
    "Donner du feedback en cinq minutes;Un petit guide.\n"
)


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


@require(Capability.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a JSON or CSV file; it is only read and checked, nothing changes before Apply."""
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    if posted and form.is_valid():
        file: UploadedFile = form.cleaned_data["file"]
        record = CatalogImport.objects.create(
            filename=(file.name or "import")[:255],
            content=file.read(),
            uploaded_by=_person(request),
            source=CatalogImport.Source.WEB,
        )
        return redirect("catalog:import_preview", pk=record.pk)
    recent = CatalogImport.objects.select_related("uploaded_by").defer("content")
    context: dict[str, Any] = {
        "form": form,
        "recent": recent[:RECENT_IMPORTS],
        "max_size": settings.LEERPAD_CATALOG_IMPORT_MAX_BYTES,
    }
    return render(request, "catalog/import/upload.html", context, status=400 if posted else 200)


@require(Capability.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run of an uploaded file with Apply when it is clean; or what Apply did."""
    record = get_object_or_404(CatalogImport.objects.select_related("uploaded_by"), pk=pk)
    if record.applied_at is not None:
        return render(request, "catalog/import/preview.html", {"record": record, "applied": True})
    if request.method == "POST":
        return _apply(request, record)
    plan = importing.preview(bytes(record.content), record.filename)
    counts = plan.counts()
    show = request.GET.get("show", "")
    show = show if show in _SHOW else ""
    rows = [r for r in plan.rows if r.action in _SHOW[show]] if show else plan.rows
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "record": record,
        "plan": plan,
        "counts": counts,
        "total": len(plan.rows),
        "changes": counts["create"] + counts["update"],
        "page": page,
        "show": show,
        "applied": False,
    }
    return render(request, "catalog/import/preview.html", context)


def _apply(request: HttpRequest, record: CatalogImport) -> HttpResponse:
    try:
        plan = importing.apply(bytes(record.content), record.filename, by=_person(request))
    except importing.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("catalog:import_preview", pk=record.pk)
    except IntegrityError:
        messages.error(
            request,
            _(
                "Someone changed the same items while the import ran, so nothing was "
                "imported. Check the preview and try again."
            ),
        )
        return redirect("catalog:import_preview", pk=record.pk)
    record.applied_at = timezone.now()
    record.counts = plan.counts()
    record.save(update_fields=["applied_at", "counts"])
    messages.success(
        request,
        _("The import was applied: %(create)s new, %(update)s updated, %(unchanged)s unchanged.")
        % record.counts,
    )
    return redirect("catalog:import_preview", pk=record.pk)


@require(Capability.MANAGE_CATALOG)
@require_GET
def example(request: HttpRequest, fmt: str) -> HttpResponse:
    """An example file to start from (JSON or CSV)."""
    if fmt == "json":
        response = HttpResponse(EXAMPLE_JSON, content_type="application/json; charset=utf-8")
    else:
        # The byte-order mark makes Excel read the file as UTF-8.
        response = HttpResponse("\ufeff" + EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leerpad-catalogue-example.{fmt}"'
    return response
