"""Sparks pages: sending one (everyone), one's own sparks, the team's triage board and spark
page, the media behind a permission check, and field visits with the locations view."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Location, Person
from leerpad.core import files
from leerpad.core.access import Capability, can, require
from leerpad.sparks import forms, queries, services
from leerpad.sparks.models import FieldVisit, Kind, Spark, Status

PER_PAGE = 20


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require(Capability.LEARN)
def index(request: HttpRequest) -> HttpResponse:
    if can(request.user, Capability.USE_WORKSPACE):
        return redirect("sparks:board")
    return redirect("sparks:send")


# --- Sending (everyone) -------------------------------------------------------------------


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if request.method == "POST":
        form = forms.SparkForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            spark = services.send_spark(
                person,
                kind=data["kind"],
                text=data["text"],
                location=data["location"],
                credit_consent=data["credit_consent"],
                media=form.prepared,
            )
            return redirect("sparks:thanks", spark.pk)
    else:
        initial: dict[str, Any] = {"location": person.location_id, "credit_consent": True}
        if request.GET.get("kind") in Kind.values:
            initial["kind"] = request.GET["kind"]
        form = forms.SparkForm(initial=initial)
    return render(request, "sparks/send.html", {"form": form, "kinds": Kind})


@require(Capability.LEARN)
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    spark = get_object_or_404(queries.sparks_of(_person(request)), pk=pk)
    return render(request, "sparks/thanks.html", {"spark": spark})


@require(Capability.LEARN)
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.sparks_of(_person(request)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "sparks/mine.html", {"page": page})


@require(Capability.LEARN)
@require_GET
def media(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """The photo/video (or its thumbnail): for the sender and the workspace only, so a
    photo from the floor is never a public URL."""
    spark = get_object_or_404(Spark, pk=pk)
    if not queries.may_see_media(request.user, spark):
        raise PermissionDenied
    stored = spark.thumbnail if part == "thumb" else spark.media
    content_type = (
        "image/jpeg" if part == "thumb" else spark.media_type or "application/octet-stream"
    )
    # A streamed file is no HttpResponse to the type checker; `require` is typed for one.
    return cast(HttpResponse, files.serve(request, stored, content_type))


# --- The team's board and spark page ------------------------------------------------------


def _filters(source: Any) -> dict[str, Any]:
    location = _int(source.get("location"))
    kind = source.get("kind") if source.get("kind") in Kind.values else None
    return {"location": location, "kind": kind}


def _board_context(request: HttpRequest, filters: dict[str, Any]) -> dict[str, Any]:
    query = {k: v for k, v in filters.items() if v}
    return {
        "columns": queries.board(**filters),
        "filters": filters,
        "query": query,
        "locations": Location.objects.all(),
        "kinds": Kind.choices,
        "statuses": Status.choices,
    }


@require(Capability.USE_WORKSPACE)
def board(request: HttpRequest) -> HttpResponse:
    filters = _filters(request.GET)
    column = request.GET.get("column")
    if column in Status.values:
        # One column with pages, for when a column holds more than the board shows.
        found = queries.filtered(**filters).filter(status=column)
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        context = _board_context(request, filters)
        context.update(page=page, column=Status(column))
        return render(request, "sparks/column.html", context)
    context = _board_context(request, filters)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "sparks/_board.html", context)
    return render(request, "sparks/board.html", context)


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require(Capability.USE_WORKSPACE)
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    spark = get_object_or_404(Spark, pk=pk)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        services.move_spark(spark, form.cleaned_data["status"])
    else:
        messages.error(request, _("That column does not exist."))
    filters = _filters(request.POST)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "sparks/_board.html", _board_context(request, filters))
    return redirect(_next_or(request, reverse("sparks:board")))


def _pick_context(request: HttpRequest) -> dict[str, Any]:
    item_q = request.GET.get("item_q", "")
    campaign_q = request.GET.get("campaign_q", "")
    return {
        "item_q": item_q,
        "campaign_q": campaign_q,
        "items": queries.pick_items(item_q),
        "campaigns": queries.pick_campaigns(campaign_q),
    }


def _spark_page(
    request: HttpRequest,
    spark: Spark,
    comment_form: forms.CommentForm | None = None,
    link_form: forms.LinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "spark": spark,
        "comments": spark.comments.select_related("author"),
        "comment_form": comment_form or forms.CommentForm(),
        "link_form": link_form or forms.LinkForm(),
        "statuses": Status.choices,
        "visits": spark.visits.select_related("location"),
        **_pick_context(request),
    }
    return render(request, "sparks/spark.html", context, status=status)


@require(Capability.USE_WORKSPACE)
def spark(request: HttpRequest, pk: int) -> HttpResponse:
    return _spark_page(request, get_object_or_404(queries.sparks(), pk=pk))


@require(Capability.USE_WORKSPACE)
@require_GET
def pick(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """htmx: the options matching what was typed in the item or campaign search."""
    get_object_or_404(Spark, pk=pk)
    if what not in ("item", "campaign"):
        raise Http404
    return render(request, f"sparks/_pick_{what}.html", _pick_context(request))


@require(Capability.USE_WORKSPACE)
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    spark = get_object_or_404(queries.sparks(), pk=pk)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        return _spark_page(request, spark, comment_form=form, status=400)
    services.add_comment(spark, _person(request), form.cleaned_data["text"])
    return redirect(spark)


@require(Capability.USE_WORKSPACE)
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    spark = get_object_or_404(queries.sparks(), pk=pk)
    form = forms.LinkForm(request.POST)
    if not form.is_valid():
        return _spark_page(request, spark, link_form=form, status=400)
    item, campaign = form.cleaned_data["item_obj"], form.cleaned_data["campaign_obj"]
    told = services.announces(spark, item=item, campaign=campaign)
    services.link_spark(spark, item=item, campaign=campaign)
    if told:
        messages.success(request, _("Linked. The sender was told what their spark became."))
    else:
        messages.success(request, _("Linked."))
    return redirect(spark)


@require(Capability.USE_WORKSPACE)
@require_POST
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    spark = get_object_or_404(Spark, pk=pk)
    what = request.POST.get("what", "")
    if what in ("item", "campaign"):
        services.unlink_spark(spark, what)
        messages.success(request, _("Link removed."))
    return redirect(spark)


# --- Field visits ------------------------------------------------------------------------


@require(Capability.USE_WORKSPACE)
def visits(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(queries.logged_visits(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "sparks/visits.html",
        {
            "upcoming": queries.upcoming_visits(today),
            "to_log": queries.visits_to_log(today),
            "page": page,
        },
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.VisitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            visit = services.plan_visit(
                data["location"], data["date"], data["team"], data["purpose"], by=_person(request)
            )
            messages.success(request, _("Visit planned."))
            return redirect(visit)
    else:
        initial: dict[str, Any] = {"team": [request.user.pk]}
        location = _int(request.GET.get("location"))
        if location:
            initial["location"] = location
        form = forms.VisitForm(initial=initial)
    return render(request, "sparks/visit_new.html", {"form": form})


def _sparks_around(visit: FieldVisit) -> Any:
    """Sparks to offer when logging: from the visit's location within two weeks of it, and
    the ones already linked."""
    window = dt.timedelta(days=14)
    return (
        Spark.objects.filter(
            Q(
                location=visit.location,
                created_at__date__gte=visit.date - window,
                created_at__date__lte=visit.date + window,
            )
            | Q(visits=visit)
        )
        .distinct()
        .order_by("-created_at")
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.visits(), pk=pk)
    around = _sparks_around(found)
    if request.method == "POST":
        form = forms.VisitLogForm(request.POST, sparks=around)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.log_visit(
                    found,
                    what_we_did=data["what_we_did"],
                    what_we_learned=data["what_we_learned"],
                    sparks=data["sparks"],
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Visit logged."))
                return redirect(found)
    else:
        form = forms.VisitLogForm(
            sparks=around,
            initial={
                "what_we_did": found.what_we_did,
                "what_we_learned": found.what_we_learned,
                "sparks": list(found.sparks.values_list("pk", flat=True)),
            },
        )
    return render(
        request,
        "sparks/visit.html",
        {
            "visit": found,
            "form": form,
            "collected": found.sparks.select_related("location"),
            "is_past": found.date <= timezone.localdate(),
        },
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def visit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(queries.visits(), pk=pk)
    if request.method == "POST":
        services.delete_visit(found)
        messages.success(request, _("Visit deleted."))
        return redirect("sparks:visits")
    return render(request, "sparks/visit_delete.html", {"visit": found})


@require(Capability.USE_WORKSPACE)
def locations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sparks/locations.html",
        {"rows": queries.locations_overview(), "threshold": queries.VISIT_WARNING_DAYS},
    )
