"""The message library's pages (marketers): the list with search and filters, the editor
with a live preview in every language and channel, duplicate, delete, the starter
templates, "save a campaign message as a template", and the picker on the campaign form
that fills a channel's message from a template. Writes go through `library`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.campaigns import library, personalise
from leerpad.campaigns.forms_campaigns import CampaignForm, MessageForm
from leerpad.campaigns.forms_library import LibraryFilterForm, TemplateForm
from leerpad.campaigns.models import ANY_CHANNEL, LANGUAGES, Message, MessageTemplate
from leerpad.core.access import Capability, require

TEMPLATES_PER_PAGE = 20


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


@require(Capability.MANAGE_CAMPAIGNS)
@require_GET
def library_list(request: HttpRequest) -> HttpResponse:
    filters = LibraryFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    found = library.search(data.get("q", ""), data.get("channel", ""), data.get("tag", ""))
    page = Paginator(found, TEMPLATES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "filtered": any(data.get(k) for k in ("q", "channel", "tag")),
        "library_empty": not MessageTemplate.objects.exists(),
    }
    return render(request, "campaigns/library.html", context)


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def library_starters(request: HttpRequest) -> HttpResponse:
    added = library.add_starters(by=_person(request))
    if added:
        messages.success(request, _("Added %(n)s starter templates.") % {"n": added})
    else:
        messages.info(request, _("The starter templates are in the library already."))
    return redirect("campaigns:library")


def _editor(
    request: HttpRequest,
    template: MessageTemplate | None,
    initial: dict[str, Any] | None = None,
    source: Message | None = None,
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = TemplateForm(data, initial=initial or TemplateForm.initial_for(template))
    problems: list[str] = []
    if data is not None and form.is_valid():
        values = form.cleaned_data
        fields = {
            "texts": form.texts(),
            "purpose": values["purpose"],
            "channel": values["channel"],
            "tags": values["tags"],
            "link": values["link"],
        }
        try:
            if template is None:
                saved = library.create_template(values["name"], by=_person(request), **fields)
            else:
                saved = library.update_template(template, values["name"], **fields)
        except library.LibraryError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
            return redirect("campaigns:library_detail", saved.pk)
    context = {
        "form": form,
        "template": template,
        "source": source,
        "problems": problems,
        "tokens": personalise.TOKENS,
    }
    return render(request, "campaigns/library_form.html", context, status=400 if data else 200)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def library_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def library_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, get_object_or_404(MessageTemplate, pk=pk))


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def library_from_message(request: HttpRequest, message_pk: int) -> HttpResponse:
    """ "Save this message as a template": the editor, filled with the campaign's message."""
    message = get_object_or_404(Message.objects.select_related("campaign"), pk=message_pk)
    initial = TemplateForm.initial_from(library.initial_from_message(message))
    return _editor(request, None, initial=initial, source=message)


@require(Capability.MANAGE_CAMPAIGNS)
@require_GET
def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate.objects.select_related("created_by"), pk=pk)
    previews = library.previews(template.texts, template.channel, template.link, _person(request))
    return render(
        request,
        "campaigns/library_detail.html",
        {"template": template, "previews": previews},
    )


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def library_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the editor's texts in every language and channel, or what is wrong with them."""
    # The typed texts as they are: a field with a bad token is what the problems are about.
    texts = TemplateForm.texts_of({k: str(v)[:3000] for k, v in request.POST.items()})
    problems = personalise.problems(texts)
    channel = request.POST.get("channel", "")
    if channel not in [*library.channels_of(ANY_CHANNEL), ANY_CHANNEL]:
        channel = ANY_CHANNEL
    link = request.POST.get("link", "").strip()
    if link and (not link.startswith("/") or link.startswith("//")):
        link = "/"  # only a Leerpad page; the editor's own check explains on save
    previews = [] if problems else library.previews(texts, channel, link, _person(request))
    return render(
        request,
        "campaigns/library_preview.html",
        {"previews": previews, "problems": problems},
    )


@require(Capability.MANAGE_CAMPAIGNS)
@require_POST
def library_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    copy = library.duplicate_template(
        get_object_or_404(MessageTemplate, pk=pk), by=_person(request)
    )
    messages.success(request, _("Copied as “%(name)s”.") % {"name": copy.name})
    return redirect("campaigns:library_edit", copy.pk)


@require(Capability.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def library_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(MessageTemplate, pk=pk)
    if request.method == "POST":
        name = template.name
        library.delete_template(template)
        messages.success(request, _("Template “%(name)s” deleted.") % {"name": name})
        return redirect("campaigns:library")
    return render(request, "campaigns/library_delete.html", {"template": template})


# --- On the campaign form ---------------------------------------------------------------------


@require(Capability.MANAGE_CAMPAIGNS)
@require_GET
def library_picker(request: HttpRequest, channel: str) -> HttpResponse:
    """htmx: the "fill from the library" select for one channel's message."""
    if channel not in Message.Channel.values:
        return HttpResponse(status=400)
    return render(
        request,
        "campaigns/library_picker.html",
        {"channel": channel, "choices": list(library.for_channel(channel))},
    )


@require(Capability.MANAGE_CAMPAIGNS)
@require_GET
def library_fill(request: HttpRequest, channel: str) -> HttpResponse:
    """htmx: one channel's message fields filled from a template.

    The whole campaign form is rendered with only that channel's message replaced, and the
    picker selects `#msg-<channel>` from it, so the fields look exactly as the form draws
    them. Nothing is saved: the marketer sees the texts and saves the campaign (which then
    counts the use), or leaves.
    """
    if channel not in Message.Channel.values:
        return HttpResponse(status=400)
    pick = request.GET.get(f"library-{channel}", "")
    template = get_object_or_404(
        library.for_channel(channel), pk=int(pick) if pick.isdigit() else 0
    )
    initial: dict[str, Any] = {
        "link": template.link or request.GET.get(f"{channel}-link", ""),
        "banner": bool(request.GET.get(f"{channel}-banner")),
    }
    for lang in LANGUAGES:
        for part, text in (template.texts.get(lang) or {}).items():
            initial[f"{lang}_{part}"] = text
    form = MessageForm(channel=channel, initial=initial)
    form.library_template = template  # type: ignore[attr-defined]
    context = {
        "form": CampaignForm(),
        "campaign": None,
        "message_forms": [(channel, str(Message.Channel(channel).label), form)],
        "problems": [],
        "tokens": personalise.TOKENS,
        "languages": LANGUAGES,
    }
    return render(request, "campaigns/campaign_form.html", context)
