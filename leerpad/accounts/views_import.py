"""Import people from an HR export: upload, preview, apply. The logic is in `people_import`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from leerpad.accounts import people_import as importer
from leerpad.accounts.models import PeopleImport, Person
from leerpad.core.access import Capability, require

ROWS_PER_PAGE = 100
RECENT_IMPORTS = 10
_TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
_SPREADSHEET_EXTENSIONS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")
# Which rows the preview lists: all, or only those that need attention.
_SHOW = {
    "errors": (importer.Action.ERROR,),
    "changes": (importer.Action.CREATE, importer.Action.UPDATE),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HR export (CSV)"),
        error_messages={
            "required": gettext_lazy("Choose the CSV file to import."),
            "empty": gettext_lazy("The file is empty."),
            "invalid": gettext_lazy("No file was received. Choose the file again."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    text = ""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith(_SPREADSHEET_EXTENSIONS):
            raise ValidationError(
                _("This is a spreadsheet, not a CSV file. In Excel, choose Save as → CSV.")
            )
        content_type = (upload.content_type or "").lower()
        if not name.endswith(_TEXT_EXTENSIONS) and not content_type.startswith("text/"):
            raise ValidationError(_("Choose a .csv file (comma- or semicolon-separated)."))
        limit = settings.LEERPAD_IMPORT_MAX_BYTES
        if (upload.size or 0) > limit:
            raise ValidationError(
                _("The file is larger than %(size)s. Split it into smaller files.")
                % {"size": filesizeformat(limit)}
            )
        try:
            self.text = importer.decode(upload.read(limit + 1), max_bytes=limit)
        except importer.InvalidFile as exc:
            raise ValidationError(str(exc)) from None
        return upload


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


@require(Capability.MANAGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload an HR export; it is only read and checked, nothing changes before Apply."""
    posted = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
    if posted and form.is_valid():
        table = importer.parse_text(form.text)
        if table.errors:
            for error in table.errors:
                form.add_error("file", error)
        else:
            upload: UploadedFile = form.cleaned_data["file"]
            record = PeopleImport.objects.create(
                filename=(upload.name or "")[:255],
                content=form.text,
                uploaded_by=_person(request),
            )
            return redirect("accounts:import_preview", pk=record.pk)
    recent = PeopleImport.objects.select_related("uploaded_by").defer("content")
    context: dict[str, Any] = {
        "form": form,
        "recent": recent[:RECENT_IMPORTS],
        "columns": importer.COLUMN_HELP,
        "max_size": settings.LEERPAD_IMPORT_MAX_BYTES,
        "max_rows": importer.MAX_ROWS,
    }
    return render(request, "accounts/people_import.html", context)


@require(Capability.MANAGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def people_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run of an uploaded file, with Apply when it is clean; or what an applied one did."""
    record = get_object_or_404(PeopleImport.objects.select_related("uploaded_by"), pk=pk)
    if request.method == "POST":
        return _apply(request, record)
    if record.status == PeopleImport.Status.APPLIED:
        changed = record.summary.get("changed", [])
        page = Paginator(changed, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        summary = record.summary
        return render(
            request,
            "accounts/people_import_preview.html",
            {
                "record": record,
                "summary": summary,
                "page": page,
                "applied": True,
                "units_title": _("Added to the organisation"),
                "units": _units(
                    summary.get("new_job_roles", []),
                    summary.get("new_locations", []),
                    summary.get("new_teams", []),
                ),
            },
        )
    plan = importer.preview(record.content, by=_person(request))
    counts = plan.counts()
    show = request.GET.get("show", "")
    show = show if show in _SHOW else ""
    rows = [row for row in plan.rows if row.action in _SHOW[show]] if show else list(plan.rows)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "record": record,
        "plan": plan,
        "counts": counts,
        "changes": counts["create"] + counts["update"],
        "page": page,
        "show": show,
        "digest": plan.digest() if plan.is_valid else "",
        "applied": False,
        "units_title": _("To be added to the organisation"),
        "units": _units(plan.new_job_roles, plan.new_locations, plan.new_teams),
    }
    return render(request, "accounts/people_import_preview.html", context)


def _units(
    job_roles: Sequence[str], locations: Sequence[str], teams: Sequence[str]
) -> list[tuple[str, Sequence[str]]]:
    """New org units by kind, leaving out the kinds without any."""
    units = [(_("Job roles"), job_roles), (_("Locations"), locations), (_("Teams"), teams)]
    return [(label, names) for label, names in units if names]


def _apply(request: HttpRequest, record: PeopleImport) -> HttpResponse:
    try:
        plan = importer.apply(
            record, by=_person(request), expected_digest=request.POST.get("digest", "")
        )
    except importer.PlanChanged as exc:
        messages.warning(request, str(exc))
        return redirect("accounts:import_preview", pk=record.pk)
    except importer.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("accounts:import_preview", pk=record.pk)
    except IntegrityError:
        messages.error(
            request,
            _(
                "Someone changed the same people while the import ran, so nothing was "
                "imported. Check the preview and try again."
            ),
        )
        return redirect("accounts:import_preview", pk=record.pk)
    counts = plan.counts()
    messages.success(
        request,
        _("The import was applied: %(create)s new, %(update)s updated, %(unchanged)s unchanged.")
        % counts,
    )
    return redirect("accounts:people")


@require(Capability.MANAGE_PEOPLE)
def people_import_example(request: HttpRequest) -> HttpResponse:
    """An example file to start from; the byte-order mark makes Excel read it as UTF-8."""
    response = HttpResponse(
        "\ufeff" + importer.example_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="leerpad-people-example.csv"'
    return response
