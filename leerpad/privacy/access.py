"""Call this before showing one person's data to someone else.

    from leerpad.privacy.access import gate, reason_required

    @require(Capability.ADMINISTER)
    @reason_required("learning_record", lambda request, pk: get_object_or_404(Person, pk=pk))
    def person_records(request, pk): ...

or, inside a view that already has the person:

    if (response := gate(request, subject, "quiz_answers")) is not None:
        return response

People looking at their own data pass straight through. Anyone else first gets a page asking
why; the typed reason is recorded (`services.record_access`) and the person can read it on
"Who looked at my data". One reason covers that person's `what` for GRANT_MINUTES, so
paging through their record does not ask again. The gate records and asks; it does not decide
who may look at all: the view keeps its own permission check (admin, or coach with consent).
Use it on GET views; a POST to the view itself would be taken for the reason form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from leerpad.accounts.models import Person
from leerpad.privacy import services
from leerpad.privacy.forms import ReasonForm
from leerpad.privacy.models import WHAT_LABELS

GRANT_MINUTES = 30
SESSION_KEY = "privacy_grants"
FORM_MARKER = "privacy_reason_for"

R = TypeVar("R", bound=HttpResponse)


def _grant_key(subject: Person, what: str) -> str:
    return f"{subject.pk}:{what}"


def _granted(request: HttpRequest, subject: Person, what: str) -> bool:
    grants: dict[str, str] = request.session.get(SESSION_KEY, {})
    until = grants.get(_grant_key(subject, what))
    return until is not None and dt.datetime.fromisoformat(until) > timezone.now()


def _grant(request: HttpRequest, subject: Person, what: str) -> None:
    now = timezone.now()
    grants: dict[str, str] = {
        key: until
        for key, until in request.session.get(SESSION_KEY, {}).items()
        if dt.datetime.fromisoformat(until) > now
    }
    grants[_grant_key(subject, what)] = (now + dt.timedelta(minutes=GRANT_MINUTES)).isoformat()
    request.session[SESSION_KEY] = grants


def gate(request: HttpRequest, subject: Person, what: str) -> HttpResponse | None:
    """None when the viewer may go on; otherwise the response to send (the reason page, or a
    redirect back to the same page once the reason is recorded)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    viewer: Person = request.user
    if viewer.pk == subject.pk or _granted(request, subject, what):
        return None
    form = ReasonForm()
    if request.method == "POST" and request.POST.get(FORM_MARKER) == _grant_key(subject, what):
        form = ReasonForm(request.POST)
        if form.is_valid():
            services.record_access(viewer, subject, what, form.cleaned_data["reason"])
            _grant(request, subject, what)
            target = request.get_full_path()
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return HttpResponseRedirect(target)
    return render(
        request,
        "privacy/reason.html",
        {
            "form": form,
            "subject": subject,
            "what_label": WHAT_LABELS.get(what, what),
            "marker": FORM_MARKER,
            "marker_value": _grant_key(subject, what),
            "minutes": GRANT_MINUTES,
        },
        status=200 if not form.errors else 400,
    )


def reason_required(
    what: str, subject: Callable[..., Person]
) -> Callable[[Callable[..., R]], Callable[..., HttpResponse]]:
    """View decorator around `gate`; `subject(request, **view_kwargs)` finds the person."""

    def decorator(view: Callable[..., R]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = gate(request, subject(request, *args, **kwargs), what)
            if response is not None:
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
