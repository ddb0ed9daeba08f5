"""Privacy operations: sharing with the coach, the coach's pages, pseudonymous exports,
retention and erasure. Views stay thin: the rules are in consent, exports, retention and
erasure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.analytics.pages import PAGES
from leerpad.core.access import Capability, can, require
from leerpad.core.guard import min_group_size
from leerpad.privacy import consent, erasure, exports, retention
from leerpad.privacy.access import gate
from leerpad.privacy.forms import ErasureForm, ExportForm, PersonSearchForm, RetentionForm
from leerpad.privacy.models import ErasureRecord, ExportRecord, RetentionPolicy

PER_PAGE = 25
RECENT_ACTIVITY = 25
MAX_CANDIDATES = 20


def _me(request: HttpRequest) -> Person:
    return request.user  # type: ignore[return-value]


# --- the person: my data, sharing with my coach ------------------------------------------------


@require(Capability.LEARN)
@require_GET
def my_data_page(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    return render(
        request,
        "privacy/my_data.html",
        {
            "consent": consent.current_consent(person),
            "history": consent.consent_history(person),
            "coach": person.coach if person.coach_id else None,
        },
    )


@require(Capability.LEARN)
@require_POST
def coach_share(request: HttpRequest) -> HttpResponse:
    consent.give_consent(_me(request))
    messages.success(request, _("Your coach can now see your path progress and learning record."))
    return redirect("privacy:my_data_page")


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def coach_withdraw(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    if request.method == "POST":
        if consent.withdraw_consent(person):
            messages.success(request, _("Sharing with your coach has stopped."))
        return redirect("privacy:my_data_page")
    if consent.current_consent(person) is None:
        return redirect("privacy:my_data_page")
    return render(
        request,
        "privacy/coach_withdraw.html",
        {"coach": person.coach if person.coach_id else None},
    )


# --- the coach ----------------------------------------------------------------------------------


@require(Capability.COACH_PEOPLE)
@require_GET
def coachees(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/coachees.html", {"coachees": consent.coachees(_me(request))})


def _coachee_context(person: Person) -> dict[str, object]:
    from leerpad.lrs.queries import StatementFilters, person_ifis, statement_page
    from leerpad.paths.queries import my_paths

    activity = statement_page(
        StatementFilters(actor_ifis=person_ifis(person)), size=RECENT_ACTIVITY
    )
    return {"person": person, "paths": my_paths(person.pk), "activity": activity.object_list}


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])  # POST: the access gate's reason form
def coachee(request: HttpRequest, pk: int) -> HttpResponse:
    """A coachee's path progress and recent learning, for their coach with their consent
    (logged automatically) or for an admin with a typed reason (the access gate)."""
    viewer = _me(request)
    person = get_object_or_404(Person, pk=pk)
    if consent.is_coach_of(viewer, person):
        if consent.current_consent(person) is None:
            return render(request, "privacy/coach_not_shared.html", {"person": person}, status=403)
        consent.record_coach_view(viewer, person)
    elif can(viewer, Capability.ADMINISTER):
        if (response := gate(request, person, "learning_record")) is not None:
            return response
    else:
        raise PermissionDenied
    response = render(request, "privacy/coachee.html", _coachee_context(person))
    add_never_cache_headers(response)
    return response


# --- pseudonymous exports -----------------------------------------------------------------------


@require(Capability.VIEW_ANALYTICS)
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            record = exports.log_export(person, data["start"], data["end"], data["columns"])
            lines = exports.rows(
                data["start"],
                data["end"],
                data["columns"],
                dates_only=not data["exact_times"],
                record=record,
            )
            response = StreamingHttpResponse(
                exports.csv_lines(lines), content_type="text/csv; charset=utf-8"
            )
            name = f"leerpad-events-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            add_never_cache_headers(response)
            # `require` is typed for HttpResponse; a streaming response serves Django as well.
            return response  # type: ignore[return-value]
    else:
        today = timezone.localdate()
        form = ExportForm(initial={"start": today.replace(day=1), "end": today})
    everyone = can(person, Capability.ADMINISTER)
    records = ExportRecord.objects.all() if everyone else ExportRecord.objects.filter(by=person)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/exports.html",
        {
            "form": form,
            "page": page,
            "everyone": everyone,
            "k": min_group_size(),
            # The export is one of the analytics tabs: the tab bar stays in place.
            "analytics_pages": PAGES,
            "analytics_page": "exports",
        },
        status=400 if form.errors else 200,
    )


# --- retention ----------------------------------------------------------------------------------


@require(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def retention_page(request: HttpRequest) -> HttpResponse:
    policy = RetentionPolicy.current()
    form = RetentionForm(
        request.POST or None,
        initial={"months": policy.months, "action": policy.action},
    )
    if request.method == "POST" and form.is_valid():
        months, action = form.cleaned_data["months"], form.cleaned_data["action"]
        if request.POST.get("confirm") == "1":
            retention.set_policy(months, action, _me(request))
            messages.success(request, _("The retention policy is saved. The daily run applies it."))
            return redirect("privacy:retention")
        # First the preview; saving takes a second, explicit step.
        return render(
            request,
            "privacy/retention_confirm.html",
            {"form": form, "preview": retention.preview(months, action)},
        )
    current = retention.preview(policy.months, policy.action)
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "policy": policy,
            "current": current,
            "runs": retention.recent_runs(),
        },
        status=400 if form.errors else 200,
    )


@require(Capability.ADMINISTER)
@require_POST
def retention_run(request: HttpRequest) -> HttpResponse:
    from leerpad.privacy.tasks import apply_retention

    if not RetentionPolicy.current().months:
        messages.error(request, _("No retention period is set: there is nothing to apply."))
    else:
        apply_retention.enqueue(force=True)
        messages.success(request, _("The retention run is queued; it is listed below when done."))
    return redirect("privacy:retention")


# --- erasure ------------------------------------------------------------------------------------


@require(Capability.ADMINISTER)
@require_GET
def erasure_page(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    candidates: list[Person] = []
    if form.is_valid():
        from leerpad.accounts.queries import people_directory

        candidates = list(people_directory(search=form.cleaned_data["q"])[:MAX_CANDIDATES])
    page = Paginator(ErasureRecord.objects.select_related("done_by"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "privacy/erasure.html",
        {"form": form, "candidates": candidates, "page": page},
    )


@require(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def erasure_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    viewer = _me(request)
    if erasure.is_erased(person):
        messages.info(request, _("This person's data was erased before."))
        return redirect("privacy:erasure")
    form = ErasureForm(request.POST or None, person=person)
    own = person.pk == viewer.pk
    if request.method == "POST" and not own and form.is_valid():
        record = erasure.erase(person, form.cleaned_data["requested_by"], viewer)
        messages.success(
            request,
            _("The data is erased. Reference of the record: %(reference)s")
            % {"reference": record.reference},
        )
        return HttpResponseRedirect(reverse("privacy:erasure"))
    return render(
        request,
        "privacy/erasure_person.html",
        {
            "person": person,
            "form": form,
            "own": own,
            "sections": erasure.readable(erasure.preview(person)),
        },
        status=400 if form.errors or (own and request.method == "POST") else 200,
    )
