"""The records pages (/records/): the statement browser and the LRS clients.

Statements are personal data: only admins browse them (`Capability.BROWSE_RECORDS`), and
showing one person's statements (filtering on them, or opening one) first asks for a
reason, which that person can read under "Who looked at my data" (`privacy.access.gate`).
Only admins create, revoke and reactivate clients (`Capability.ADMINISTER`). Reads are in
`queries`, writes in `services_clients`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.lrs import queries, services_clients
from leerpad.lrs.forms import ClientForm, StatementFilterForm
from leerpad.lrs.models import Client
from leerpad.privacy.access import gate


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    # A history restore wants the whole page, not the table alone.
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _reason_first(request: HttpRequest, person: Person | None) -> HttpResponse | None:
    """The reason page before one person's record is shown (see `privacy.access.gate`)."""
    if person is None:
        return None
    response = gate(request, person, "learning_record")
    if response is not None and _is_partial(request):
        # The filter table cannot hold the reason form: load the whole page instead.
        redirect_page = HttpResponse(status=204)
        redirect_page["HX-Redirect"] = request.get_full_path()
        return redirect_page
    return response


@require(Capability.BROWSE_RECORDS)
@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest) -> HttpResponse:
    """Every statement in the store, newest first, with filters (htmx updates the table).

    POST only carries the reason form of the privacy gate; the filters are GET.
    """
    form = StatementFilterForm(request.GET)
    page: queries.StatementPage | None = None
    valid = form.is_valid()
    if valid and (answer := _reason_first(request, form.actor_match.person)) is not None:
        return answer
    if valid and not form.actor_unmatched():
        cursor = queries.Cursor.parse(request.GET.get("page"))
        page = queries.statement_page(form.filters(), cursor, size=queries.PAGE_SIZE)
    filtered = any(
        value for name, value in request.GET.items() if name != "page" and name in form.fields
    )
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "filtered": filtered,
        "known_verbs": queries.KNOWN_VERBS,
        "count_cap": queries.COUNT_CAP,
    }
    template = "lrs/_statement_rows.html" if _is_partial(request) else "lrs/statements.html"
    response = render(request, template, context)
    # The same URL answers a whole page or the table alone: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require(Capability.BROWSE_RECORDS)
@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest, statement_id: uuid.UUID) -> HttpResponse:
    detail = queries.statement_detail(statement_id)
    if detail is None:
        raise Http404
    if (answer := _reason_first(request, detail.row.person)) is not None:
        return answer
    return render(
        request,
        "lrs/statement.html",
        {"detail": detail, "row": detail.row, "statement": detail.row.statement},
    )


@require(Capability.BROWSE_RECORDS)
def clients(request: HttpRequest) -> HttpResponse:
    """Every client with what it sent; admins also manage them here."""
    rows, built_in = queries.clients_with_counts()
    launches, launch_statements = queries.launch_credentials()
    return render(
        request,
        "lrs/clients.html",
        {
            "rows": rows,
            "built_in_count": built_in,
            "launches": launches,
            "launch_statements": launch_statements,
            "built_in": queries.BUILT_IN,
            "may_manage": can(request.user, Capability.ADMINISTER),
        },
    )


@require(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        by: Person = request.user  # type: ignore[assignment]
        try:
            created = services_clients.create_client(
                form.cleaned_data["name"], form.cleaned_data["scopes"], by=by
            )
        except services_clients.ClientError as exc:
            form.add_error(None, str(exc))
        else:
            # The secret is in this answer only: never in a redirect, a session or a cache.
            response = render(
                request,
                "lrs/client_created.html",
                {
                    "client": created.client,
                    "secret": created.secret,
                    "endpoint": request.build_absolute_uri("/xapi/"),
                },
            )
            add_never_cache_headers(response)
            return response
    return render(request, "lrs/client_form.html", {"form": form})


@require(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    client = get_object_or_404(Client, pk=pk)
    if request.method == "POST":
        by: Person = request.user  # type: ignore[assignment]
        try:
            services_clients.revoke_client(client.key, by=by)
        except services_clients.ClientError:
            messages.warning(request, _("%(name)s was revoked already.") % {"name": client.name})
        else:
            messages.success(
                request,
                _("%(name)s is revoked: its key no longer works.") % {"name": client.name},
            )
        return redirect("records:clients")
    if not client.is_active:
        messages.warning(request, _("%(name)s was revoked already.") % {"name": client.name})
        return redirect("records:clients")
    sent = queries.statements_sent_by(client)
    return render(request, "lrs/client_revoke.html", {"client": client, "sent": sent})


@require(Capability.ADMINISTER)
@require_POST
def client_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    by: Person = request.user  # type: ignore[assignment]
    try:
        services_clients.reactivate_client(client.key, by=by)
    except services_clients.ClientError:
        messages.warning(request, _("%(name)s is active already.") % {"name": client.name})
    else:
        messages.success(
            request,
            _("%(name)s is active again: its key and secret work.") % {"name": client.name},
        )
    return redirect("records:clients")
