"""Privacy pages: the public explanation, "who looked at my data", and the admins' log."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, require
from leerpad.core.guard import min_group_size
from leerpad.privacy import content, queries
from leerpad.privacy.export import export_person
from leerpad.privacy.forms import AccessFilterForm
from leerpad.privacy.models import REASON_MIN_LENGTH, RetentionPolicy

RECORDS_PER_PAGE = 25
MY_RECORD_PAGE = 30


def retention_months() -> int | None:
    """The retention period the admins set (`RetentionPolicy`), else None (kept)."""
    return RetentionPolicy.current().months


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    # Public on purpose: staff representatives may not have an account.
    k = min_group_size()
    months = retention_months()
    return render(
        request,
        "privacy/about.html",
        {
            "k": k,
            "retention_months": months,
            "purposes": content.purposes(k, months, RetentionPolicy.current().action),
            "reason_min_length": REASON_MIN_LENGTH,
        },
    )


@require(Capability.LEARN)
@require_GET
def my_access(request: HttpRequest) -> HttpResponse:
    person: Person = request.user  # type: ignore[assignment]
    page = Paginator(queries.records_about(person), RECORDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "privacy/my_access.html", {"page": page})


@require(Capability.ADMINISTER)
@require_GET
def all_access(request: HttpRequest) -> HttpResponse:
    form = AccessFilterForm(request.GET or None)
    q = what = ""
    if form.is_valid():
        q, what = form.cleaned_data["q"], form.cleaned_data["what"]
    page = Paginator(queries.all_records(q, what), RECORDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = "privacy/_all_rows.html" if request.htmx else "privacy/all_access.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "form": form})


@require(Capability.LEARN)
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything Leerpad keeps about the signed-in person, as a JSON download."""
    person: Person = request.user  # type: ignore[assignment]
    document = export_person(person)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="leerpad-my-data-{day}.json"'
    add_never_cache_headers(response)
    return response


@require(Capability.LEARN)
@require_GET
def my_record(request: HttpRequest) -> HttpResponse:
    """The person's own learning record, newest first: what Leerpad and outside tools
    recorded about them, readable, page by page. Their own data, so no access record."""
    from leerpad.lrs.queries import Cursor, StatementFilters, person_ifis, statement_page

    person = request.user
    if not isinstance(person, Person):  # pragma: no cover - `require` ensures a Person
        raise TypeError("a signed-in person is required")
    filters = StatementFilters(actor_ifis=person_ifis(person))
    page = statement_page(filters, Cursor.parse(request.GET.get("page")), size=MY_RECORD_PAGE)
    response = render(request, "privacy/my_record.html", {"page": page})
    add_never_cache_headers(response)
    return response
