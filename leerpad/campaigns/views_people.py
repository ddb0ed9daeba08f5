"""Pages for everyone who gets campaign messages: the tracked link, one-click unsubscribe
(both without login: they are opened from a mail or chat), the message preferences and
the in-app notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.campaigns import forms_campaigns, links, services
from leerpad.campaigns.models import Delivery, Message, Notification, Preference

NOTIFICATIONS_PER_PAGE = 20


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


@require_http_methods(["GET", "HEAD"])
def go(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link: record the visit for the message's recipient, then go on."""
    pk = links.delivery_of(token)
    delivery = (
        Delivery.objects.select_related("campaign__goal_path", "campaign__goal_session__item")
        .select_related("message", "person")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if delivery is None:
        raise Http404(_("This link is not valid (any more)."))
    if request.method == "HEAD":  # link checkers and previews: no visit to record
        return HttpResponse(status=200)
    return redirect(services.follow_link(delivery))


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = links.unsubscribe_of(token)
    pref = (
        Preference.objects.select_related("person").filter(unsubscribe_token=found[0]).first()
        if found
        else None
    )
    if found is None or pref is None or found[1] not in Message.Channel.values:
        raise Http404(_("This link is not valid (any more)."))
    channel_label = Message.Channel(found[1]).label
    if request.method == "POST":
        services.unsubscribe(found[0], found[1])
        return render(
            request, "campaigns/unsubscribed.html", {"channel": channel_label, "done": True}
        )
    return render(
        request,
        "campaigns/unsubscribed.html",
        {"channel": channel_label, "done": found[1] in pref.opted_out, "token": token},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    pref = services.preference_of(person)
    if request.method == "POST":
        form = forms_campaigns.PreferenceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_preferences(
                    person,
                    opted_out=[c for c in Message.Channel.values if c not in data["channels"]],
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                    time_zone=data["time_zone"],
                )
            except services.CampaignError as exc:
                for problem in exc.messages:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Your message preferences are saved."))
                return redirect("campaigns:preferences")
        return render(request, "campaigns/preferences.html", {"form": form}, status=400)
    form = forms_campaigns.PreferenceForm(
        initial={
            "channels": [c for c in Message.Channel.values if c not in pref.opted_out],
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
            "time_zone": pref.time_zone,
        }
    )
    return render(request, "campaigns/preferences.html", {"form": form})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(person=_person(request))
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "campaigns/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is not None:
        get_object_or_404(Notification, pk=pk, person=_person(request))
    services.mark_read(_person(request), pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("campaigns:notifications")
