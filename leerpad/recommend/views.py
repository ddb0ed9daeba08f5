"""Recommendation pages: everything for you with all reasons, and "not for me" with undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, require
from leerpad.recommend import queries, services
from leerpad.recommend.forms import DismissForm
from leerpad.recommend.models import Dismissal
from leerpad.recommend.recommender import Key

PER_PAGE = 10
DISMISSED_PER_PAGE = 20


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _safe_next(request: HttpRequest) -> str:
    """The page the form was on, when it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(_safe_next(request) or fallback)


def _layout(value: str | None) -> str:
    return value if value in {"panel", "page", "row"} else "panel"


def _title(dismissal: Dismissal) -> str:
    if dismissal.item is not None:
        return dismissal.item.title()
    if dismissal.path is not None:
        return str(dismissal.path)
    return ""


def _key(dismissal: Dismissal) -> Key:
    if dismissal.item_id is not None:
        return ("item", dismissal.item_id)
    return ("path", dismissal.path_id)  # type: ignore[return-value]


@require(Capability.LEARN)
@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    """All recommendations, diversified, each with every reason it has."""
    person = _person(request)
    found = queries.for_person(person)
    page = Paginator(found.recommended, PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "dismiss_reasons": Dismissal.Reason.choices,
        "dismissed_count": Dismissal.objects.filter(person=person).count(),
    }
    return render(request, "recommend/for_you.html", context)


@require(Capability.LEARN)
@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    """ "Not for me": htmx swaps the card for a notice with Undo; others go back."""
    form = DismissForm(request.POST)
    layout = _layout(request.POST.get("layout"))
    if not form.is_valid():
        message = " ".join(str(e) for e in form.non_field_errors()) or _(
            "That could not be hidden. Reload the page and try again."
        )
        if _htmx(request):
            # 200, so htmx swaps the notice in where the card was.
            return render(request, "recommend/_notice.html", {"message": message})
        messages.error(request, message)
        return _back(request, "recommend:for_you")
    dismissal = services.dismiss(
        _person(request),
        item=form.cleaned_data.get("item"),
        path=form.cleaned_data.get("path"),
        reason=form.cleaned_data["reason"],
    )
    if _htmx(request):
        context = {
            "dismissal": dismissal,
            "title": _title(dismissal),
            "dom_id": f"rec-{_key(dismissal)[0]}-{_key(dismissal)[1]}",
            "layout": layout,
            "next": _safe_next(request),
        }
        return render(request, "recommend/_dismissed.html", context)
    messages.success(
        request, _("“%(title)s” is hidden from your suggestions.") % {"title": _title(dismissal)}
    )
    return _back(request, "recommend:for_you")


@require(Capability.LEARN)
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a "not for me": the card (or row) comes back in place."""
    person = _person(request)
    dismissal = get_object_or_404(
        Dismissal.objects.select_related("item", "path__current"), pk=pk, person_id=person.pk
    )
    title, key = _title(dismissal), _key(dismissal)
    services.undo_dismissal(dismissal)
    layout = _layout(request.POST.get("layout"))
    if _htmx(request):
        if layout != "row":
            suggestion = queries.explain(person, key)
            if suggestion is not None:
                context = {
                    "s": suggestion,
                    "layout": layout,
                    "dismiss_reasons": Dismissal.Reason.choices,
                    "next": _safe_next(request),
                }
                return render(request, "recommend/_card.html", context)
        return render(
            request,
            "recommend/_undone.html",
            {"title": title, "layout": layout, "dom_id": f"rec-{key[0]}-{key[1]}"},
        )
    messages.success(request, _("“%(title)s” can be suggested to you again.") % {"title": title})
    return _back(request, "recommend:dismissed")


@require(Capability.LEARN)
@require_GET
def dismissed(request: HttpRequest) -> HttpResponse:
    """What the person marked "not for me", to look back on and undo."""
    rows = queries.dismissals_of(_person(request))
    page = Paginator(rows, DISMISSED_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "recommend/dismissed.html", {"page": page})
