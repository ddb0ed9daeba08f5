"""Campaign pages for marketers: the list, create/edit with messages per channel and a
live preview, launch with the respect-rule counts, pause and cancel, the per-campaign
delivery log (with retry), and the calendar of what goes out when. Writes go through
`services`; planning and sending live in `planning` and `outbox`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.campaigns import library, personalise, planning, services
from leerpad.campaigns.forms_campaigns import CampaignForm, MessageForm
from leerpad.campaigns.models import LANGUAGES, Campaign, Delivery, Message
from leerpad.campaigns.personalise import Rendered
from leerpad.core.access import Capability, require

CAMPAIGNS_PER_PAGE = 20
DELIVERIES_PER_PAGE = 50
CALENDAR_DAYS = 28


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


@require(Capability.MANAGE_CAMPAIGNS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.select_related("segment")
        .order_by("-created_at", "-pk")
        .annotate(
            queued=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.QUEUED)),
            sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            clicked=Count("deliveries", filter=Q(deliveries__clicked_at__isnull=False)),
            next_send=Min(
                "deliveries__next_attempt_at", filter=Q(deliveries__status=Delivery.Status.QUEUED)
            ),
        )
    )
    page = Paginator(campaigns, CAMPAIGNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "campaigns/campaigns.html", {"page": page})


def _message_forms(
    campaign: Campaign | None, data: Any = None
) -> list[tuple[str, str, MessageForm]]:
    existing = {m.channel: m for m in campaign.messages.all()} if campaign else {}
    return [
        (
            value,
            str(label),
            MessageForm(data, channel=value, initial=MessageForm.initial_for(existing.get(value))),
        )
        for value, label in Message.Channel.choices
    ]


def _editor(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    if campaign is not None and campaign.status not in (
        Campaign.Status.DRAFT,
        Campaign.Status.PAUSED,
    ):
        messages.info(request, _("Pause the campaign before changing it."))
        return redirect("campaigns:campaign_log", campaign.pk)
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign)
    message_forms = _message_forms(campaign, data)
    # Messages filled from the message library: counted as uses once the campaign saves.
    picks = library.carry_picks([(c, mf) for c, _l, mf in message_forms], data)
    problems: list[str] = []
    if data is not None:
        valid = form.is_valid() and all(mf.is_valid() for _c, _l, mf in message_forms)
        if valid:
            try:
                with transaction.atomic():
                    saved = services.save_campaign(form.save(commit=False), by=_person(request))
                    for channel, label, mf in message_forms:
                        if mf.is_empty():
                            saved.messages.filter(channel=channel).delete()
                            continue
                        try:
                            services.save_message(
                                saved,
                                channel,
                                mf.texts(),
                                link=mf.cleaned_data["link"],
                                banner=mf.cleaned_data["banner"],
                            )
                        except services.CampaignError as exc:
                            raise services.CampaignError(
                                [f"{label}: {m}" for m in exc.messages]
                            ) from exc
                        library.record_use(picks.get(channel))
            except services.CampaignError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("Campaign “%(name)s” saved.") % {"name": saved.name})
                return redirect("campaigns:campaign_log", saved.pk)
    context = {
        "form": form,
        "campaign": campaign,
        "message_forms": message_forms,
        "problems": problems,
        "tokens": personalise.TOKENS,
        "languages": LANGUAGES,
    }
    return render(request, "campaigns/campaign_form.html", context, status=400 if data else 200)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, get_object_or_404(Campaign, pk=pk))


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def message_preview(request: HttpRequest, channel: str, language: str) -> HttpResponse:
    """htmx: one channel's message in one language as it would look, with the signed-in
    marketer's own values for the tokens (or the token errors)."""
    if channel not in Message.Channel.values or language not in LANGUAGES:
        return HttpResponse(status=400)
    mf = MessageForm(request.POST, channel=channel)
    mf.is_valid()
    texts = mf.texts() if hasattr(mf, "cleaned_data") else {}
    problems = personalise.problems(texts)
    rendered = None
    if not problems:
        person = _person(request)
        campaign = Campaign(name="preview", goal=Campaign.Goal.VISIT)
        goal_path = request.POST.get("goal_path")
        if goal_path and goal_path.isdigit():
            campaign.goal_path_id = int(goal_path)
        values = personalise.values_for(person, campaign, language)
        parts = texts.get(language, {})
        filled = {p: personalise.formatter.fill(parts.get(p, ""), values) for p in parts}
        rendered = Rendered(
            language=language,
            link=mf.cleaned_data.get("link") or "/",
            unsubscribe="#",
            **filled,
        )
    return render(
        request,
        "campaigns/_preview.html",
        {"rendered": rendered, "channel": channel, "problems": problems},
    )


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("segment"), pk=pk)
    if request.method == "POST":
        try:
            launched = services.launch(campaign)
        except services.CampaignError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
            return redirect("campaigns:campaign_launch", pk)
        messages.success(
            request,
            _("Launched: %(n)s messages planned.") % {"n": launched.messages},
        )
        return redirect("campaigns:campaign_log", pk)
    problems = services.check_campaign(campaign)
    if not campaign.messages.exists():
        problems.append(_("Write at least one message first."))
    counts = None if problems else services.launch_preview(campaign)
    return render(
        request,
        "campaigns/campaign_launch.html",
        {"campaign": campaign, "counts": counts, "problems": problems},
    )


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def campaign_pause(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    services.pause(campaign)
    messages.success(request, _("Paused. Planned messages wait until you launch it again."))
    return redirect("campaigns:campaign_log", pk)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    if request.method == "POST":
        skipped = services.cancel(campaign)
        messages.success(
            request, _("Cancelled; %(n)s planned messages will not be sent.") % {"n": skipped}
        )
        return redirect("campaigns:campaign_log", pk)
    waiting = campaign.deliveries.filter(status=Delivery.Status.QUEUED).count()
    return render(
        request, "campaigns/campaign_cancel.html", {"campaign": campaign, "waiting": waiting}
    )


@require(Capability.MANAGE_CAMPAIGNS)
def campaign_log(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("segment"), pk=pk)
    status = request.GET.get("status", "")
    rows = campaign.deliveries.select_related("person", "message").order_by("-scheduled_for", "-pk")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    totals = dict(
        campaign.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    context = {
        "campaign": campaign,
        "page": page,
        "status": status,
        "statuses": [
            (value, label, totals.get(value, 0)) for value, label in Delivery.Status.choices
        ],
        "clicked": campaign.deliveries.filter(clicked_at__isnull=False).count(),
        "messages_of": list(campaign.messages.all()),
    }
    return render(request, "campaigns/campaign_log.html", context)


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def delivery_retry(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_pk, campaign_id=pk)
    if services.retry(delivery):
        messages.success(request, _("Queued again; the outbox sends it within minutes."))
    else:
        messages.info(request, _("Only failed messages can be retried."))
    return redirect("campaigns:campaign_log", pk)


@require(Capability.MANAGE_CAMPAIGNS)
def calendar(request: HttpRequest) -> HttpResponse:
    """The next four weeks by day: planned messages per campaign, and the weekly sends the
    scheduler will plan (counted when planned, a day before)."""
    now = timezone.now()
    end = now + dt.timedelta(days=CALENDAR_DAYS)
    days: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    planned = (
        Delivery.objects.filter(
            status=Delivery.Status.QUEUED, next_attempt_at__gte=now - dt.timedelta(hours=1)
        )
        .filter(next_attempt_at__lt=end)
        .values("campaign_id", "campaign__name", "campaign__status", "channel", "next_attempt_at")
    )
    grouped: dict[tuple[dt.date, int, str], dict[str, Any]] = {}
    for row in planned:
        day = timezone.localtime(row["next_attempt_at"]).date()
        key = (day, row["campaign_id"], row["channel"])
        entry = grouped.setdefault(
            key,
            {
                "campaign_id": row["campaign_id"],
                "name": row["campaign__name"],
                "channel": Message.Channel(row["channel"]).label,
                "count": 0,
                "first": row["next_attempt_at"],
                "paused": row["campaign__status"] != Campaign.Status.RUNNING,
            },
        )
        entry["count"] += 1
        entry["first"] = min(entry["first"], row["next_attempt_at"])
    for (day, _cid, _ch), entry in grouped.items():
        days[day].append(entry)
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.RUNNING, schedule=Campaign.Schedule.WEEKLY
    ):
        at = planning.next_weekly(campaign, now)
        while at < end:
            day = timezone.localtime(at).date()
            if not any(e["campaign_id"] == campaign.pk for e in days[day]):
                days[day].append(
                    {"campaign_id": campaign.pk, "name": campaign.name, "first": at, "weekly": True}
                )
            at += dt.timedelta(days=7)
    rows = sorted(
        (day, sorted(entries, key=lambda e: e["first"])) for day, entries in days.items() if entries
    )
    return render(request, "campaigns/calendar.html", {"rows": rows})
