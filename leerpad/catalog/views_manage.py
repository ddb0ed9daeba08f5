"""The catalogue for L&D: the list of every item, bulk status changes, the item form,
version history and deletion. Every write goes through `services`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Language, Person
from leerpad.catalog import queries, services, services_files
from leerpad.catalog.forms import BulkForm, ItemForm, SessionFormSet, session_initial
from leerpad.catalog.models import ContentItem, Kind, Registration, Status
from leerpad.catalog.schemas import LANGUAGES
from leerpad.core.access import Capability, require

ITEMS_PER_PAGE = 25


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _sorts() -> list[tuple[str, str]]:
    labels = {
        "updated": _("Last changed"),
        "title": _("Title"),
        "review": _("Review date"),
        "status": _("Status"),
        "kind": _("Kind"),
    }
    return [(key, labels[key]) for key in queries.MANAGE_SORTS]


@require(Capability.MANAGE_CATALOG)
def manage(request: HttpRequest) -> HttpResponse:
    """Every item, whatever its status: filter, sort, select rows and change their status."""
    try:
        owner_id = int(request.GET.get("owner", "") or 0) or None
    except ValueError:
        owner_id = None
    filters: dict[str, Any] = {
        "status": request.GET.get("status", ""),
        "kind": request.GET.get("kind", ""),
        "language": request.GET.get("language", ""),
        "owner_id": owner_id,
        "overdue": request.GET.get("overdue") == "1",
        "search": request.GET.get("q", "").strip()[:100],
        "sort": request.GET.get("sort", "updated"),
    }
    if filters["sort"] not in queries.MANAGE_SORTS:
        filters["sort"] = "updated"
    items = queries.manage_list(**filters)
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "languages": [(code, name) for code, name in Language.choices if code in LANGUAGES],
        "owners": queries.owners(),
        "sorts": _sorts(),
        "here": request.get_full_path(),
    }
    template = "catalog/manage/_rows.html" if request.htmx else "catalog/manage/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("catalog:manage")


@require(Capability.MANAGE_CATALOG)
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Publish, send to review, archive or return to draft the selected items: all or none."""
    form = BulkForm(request.POST)
    back = _back(request)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect(back)
    ids: list[int] = form.cleaned_data["ids"]
    items = list(ContentItem.objects.filter(pk__in=ids).prefetch_related("translations"))
    if len(items) != len(set(ids)):
        messages.error(
            request, _("Some of the selected items no longer exist. Nothing was changed.")
        )
        return redirect(back)
    action: str = form.cleaned_data["action"]
    status = BulkForm.ACTIONS[action]
    if action == "archive" and not form.cleaned_data["confirmed"]:
        return render(request, "catalog/manage/bulk_confirm.html", {"items": items, "next": back})
    try:
        moved = services.set_status(items, status, by=_person(request))
    except services.CatalogError as exc:
        messages.error(request, _("Nothing was changed: %(error)s") % {"error": exc})
        return redirect(back)
    label = Status(status).label
    if moved:
        messages.success(
            request,
            ngettext(
                "%(count)s item is now “%(status)s”.",
                "%(count)s items are now “%(status)s”.",
                moved,
            )
            % {"count": moved, "status": label},
        )
    else:
        messages.info(
            request, _("The selected items were already “%(status)s”.") % {"status": label}
        )
    return redirect(back)


class _Refused(Exception):
    """Undo the item's save: a file that came with it was refused."""


def _save(
    request: HttpRequest, form: ItemForm, item: ContentItem | None, spec: Any
) -> ContentItem | None:
    """Save the item and the files that came with it in one transaction, or nothing."""
    person = _person(request)
    data = form.cleaned_data
    upload: UploadedFile | None = data.get("file")
    transcript: UploadedFile | None = data.get("transcript")
    steps: list[tuple[str, Callable[[ContentItem], object]]] = []
    if upload is not None:
        steps.append(("file", lambda saved: services_files.upload_file(saved, upload, person)))
    if transcript is not None:
        language = data.get("transcript_language") or ""
        steps.append(
            (
                "transcript",
                lambda saved: services_files.attach_transcript(saved, language, transcript),
            )
        )
    try:
        with transaction.atomic():
            saved = services.save_item(item, spec, by=person, note=data.get("note") or "")
            for field, step in steps:
                try:
                    step(saved)
                except services.CatalogError as exc:
                    form.add_error(field, str(exc))
                    raise _Refused from exc
    except _Refused:
        return None
    except services.CatalogError as exc:
        form.add_error(None, str(exc))
        return None
    return saved


@require(Capability.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit an item; nothing is saved unless the whole item is valid."""
    item = (
        get_object_or_404(
            ContentItem.objects.prefetch_related(
                "translations", "skills", "audience_job_roles", "audience_locations"
            ),
            pk=pk,
        )
        if pk is not None
        else None
    )
    posted = request.method == "POST"
    form = ItemForm(request.POST if posted else None, request.FILES if posted else None, item=item)
    sessions = SessionFormSet(
        request.POST if posted else None, prefix="sessions", initial=session_initial(item)
    )
    if posted and form.is_valid() and sessions.is_valid():
        dates = [spec for spec in (f.spec() for f in sessions.forms) if spec is not None]
        spec = form.spec(dates)
        if spec is not None:
            saved = _save(request, form, item, spec)
            if saved is not None:
                messages.success(
                    request,
                    _("“%(title)s” was saved.") % {"title": saved.title()}
                    if item is not None
                    else _("“%(title)s” was created.") % {"title": saved.title()},
                )
                return redirect("catalog:edit", pk=saved.pk)
    context: dict[str, Any] = {
        "item": item,
        "form": form,
        "sessions": sessions,
        "file_name": Path(item.file.name).name if item is not None and item.file else "",
    }
    return render(request, "catalog/manage/edit.html", context, status=400 if posted else 200)


@require(Capability.MANAGE_CATALOG)
@require_GET
def extraction(request: HttpRequest, pk: int) -> HttpResponse:
    """The state of the file's text extraction; the page asks again while it runs."""
    item = get_object_or_404(ContentItem, pk=pk)
    return render(request, "catalog/manage/_extraction.html", {"item": item})


@require(Capability.MANAGE_CATALOG)
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ContentItem.objects.prefetch_related("translations"), pk=pk)
    return render(
        request,
        "catalog/manage/history.html",
        {"item": item, "rows": queries.history(item)},
    )


@require(Capability.MANAGE_CATALOG)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ContentItem.objects.prefetch_related("translations"), pk=pk)
    if request.method == "POST":
        title = item.title()
        services.delete_item(item)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
        return redirect("catalog:manage")
    context = {
        "item": item,
        "registrations": Registration.objects.filter(session__item=item)
        .exclude(state=Registration.State.CANCELLED)
        .count(),
        "versions": item.versions.count(),
    }
    return render(request, "catalog/manage/delete.html", context)
