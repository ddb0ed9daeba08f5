"""The SWOT board, the pros/cons list and the one-page brief of an initiative.

Anyone with the workspace adds cards and pros/cons and votes; the author changes their
own card; the initiative's owner (and portfolio managers) move, merge and delete. Adding
and voting answer htmx requests with the changed part only; without JavaScript the same
forms post and come back to the board.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.core.access import Capability, require
from leerpad.core.texts import in_language
from leerpad.initiatives import figures, forms, queries, services
from leerpad.initiatives.models import ProCon, SwotCard
from leerpad.initiatives.views import base_context, editable, initiative_or_404, person_of


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _board_context(request: HttpRequest, pk: int) -> dict[str, object]:
    initiative = initiative_or_404(pk)
    cards = list(queries.swot_cards(initiative, request.user))
    may_edit = queries.may_edit(request.user, initiative)
    quadrants = [
        {
            "code": code,
            "label": label,
            "cards": [
                (card, may_edit or card.author_id == request.user.pk)
                for card in cards
                if card.quadrant == code
            ],
        }
        for code, label in SwotCard.Quadrant.choices
    ]
    return {
        **base_context(request, initiative, "swot"),
        "quadrants": quadrants,
        "form": forms.CardForm(),
        "quadrant_choices": SwotCard.Quadrant.choices,
    }


@require(Capability.USE_WORKSPACE)
def swot(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "initiatives/swot.html", _board_context(request, pk))


@require(Capability.USE_WORKSPACE)
@require_POST
def card_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    form = forms.CardForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.add_card(
            initiative, data["quadrant"], data["text"], data["detail"], author=person_of(request)
        )
        if _htmx(request):
            return render(request, "initiatives/_board.html", _board_context(request, pk))
        messages.success(request, _("Card added."))
        return redirect("initiatives:swot", initiative.pk)
    context = _board_context(request, pk)
    context["form"] = form
    template = "initiatives/_board.html" if _htmx(request) else "initiatives/swot.html"
    # htmx swaps only 2xx answers by default: the board with its errors comes back as 200.
    return render(request, template, context, status=200 if _htmx(request) else 400)


def _card(request: HttpRequest, pk: int, cid: int) -> SwotCard:
    initiative = initiative_or_404(pk)
    try:
        return queries.swot_card(initiative, cid, request.user)
    except SwotCard.DoesNotExist:
        # A card of another initiative (or a deleted one) is not on this board.
        raise Http404 from None


@require(Capability.USE_WORKSPACE)
@require_POST
def card_vote(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    card = _card(request, pk, cid)
    voted = services.toggle_vote(card, person_of(request))
    if _htmx(request):
        card = _card(request, pk, cid)
        may_change = queries.may_change_card(request.user, card, card.initiative)
        return render(
            request,
            "initiatives/_card.html",
            {"card": card, "may_change": may_change, "initiative": card.initiative},
        )
    messages.success(request, _("Vote counted.") if voted else _("Vote taken back."))
    return redirect("initiatives:swot", pk)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def card_edit(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    card = _card(request, pk, cid)
    initiative = card.initiative
    if not queries.may_change_card(request.user, card, initiative):
        raise PermissionDenied
    may_edit = queries.may_edit(request.user, initiative)
    form = forms.CardEditForm(request.POST or None, instance=card)
    merge = forms.MergeForm(card=card) if may_edit else None
    if request.method == "POST" and form.is_valid():
        services.update_card(card, form.cleaned_data["text"], form.cleaned_data["detail"])
        messages.success(request, _("Card saved."))
        return redirect("initiatives:swot", pk)
    context = base_context(request, initiative, "swot")
    context.update(
        {
            "form": form,
            "card": card,
            "merge": merge,
            "quadrant_choices": SwotCard.Quadrant.choices,
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/card_form.html", context, status=status)


@require(Capability.USE_WORKSPACE)
@require_POST
def card_move(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    editable(request, pk)
    card = _card(request, pk, cid)
    quadrant = request.POST.get("quadrant", "")
    if quadrant not in SwotCard.Quadrant.values:
        return HttpResponse(status=400)
    services.move_card(card, quadrant)
    messages.success(request, _("Card moved."))
    return redirect("initiatives:swot", pk)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def card_delete(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    initiative = editable(request, pk)
    card = _card(request, pk, cid)
    if request.method == "POST":
        services.delete_card(card)
        messages.success(request, _("Card deleted."))
        return redirect("initiatives:swot", pk)
    return render(
        request,
        "initiatives/confirm.html",
        {
            **base_context(request, initiative, "swot"),
            "question": _("Delete the card “%(text)s”?") % {"text": card.text},
            "explain": _("Its votes are deleted with it."),
            "action": _("Delete"),
            "back": "initiatives:swot",
        },
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def card_merge(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """Asks which card (GET with ?target=) and for confirmation; POST merges."""
    initiative = editable(request, pk)
    card = _card(request, pk, cid)
    form = forms.MergeForm(request.POST or request.GET or None, card=card)
    if not form.is_bound or not form.is_valid():
        messages.error(request, _("Choose another card of the board to merge with."))
        return redirect("initiatives:card_edit", pk, cid)
    target = get_object_or_404(SwotCard, pk=form.cleaned_data["target"], initiative=initiative)
    if request.method == "POST":
        services.merge_cards(card, target)
        messages.success(request, _("Cards merged."))
        return redirect("initiatives:swot", pk)
    return render(
        request,
        "initiatives/confirm.html",
        {
            **base_context(request, initiative, "swot"),
            "question": _("Merge “%(source)s” into “%(target)s”?")
            % {"source": card.text, "target": target.text},
            "explain": _(
                "The first card's text is added to the detail of the second, its votes move "
                "along (one per person), and the first card is deleted."
            ),
            "action": _("Merge"),
            "back": "initiatives:swot",
            "hidden": {"target": target.pk},
        },
    )


# --- pros and cons ----------------------------------------------------------------------


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def pros_cons(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    form = forms.ProConForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_procon(
            initiative, data["side"], data["text"], data["weight"], author=person_of(request)
        )
        messages.success(request, _("Added."))
        return redirect("initiatives:pros_cons", initiative.pk)
    context = base_context(request, initiative, "pros_cons")
    found = queries.pros_cons(initiative)
    context.update(
        {
            "form": form,
            "list": found,
            "sides": [
                (ProCon.Side.PRO.value, _("Pros"), found.pros, found.pro_sum),
                (ProCon.Side.CON.value, _("Cons"), found.cons, found.con_sum),
            ],
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/pros_cons.html", context, status=status)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def procon_delete(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    row = get_object_or_404(ProCon, pk=rid, initiative=initiative)
    if not queries.may_change_card(request.user, row, initiative):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_procon(row)
        messages.success(request, _("Deleted."))
        return redirect("initiatives:pros_cons", initiative.pk)
    return render(
        request,
        "initiatives/confirm.html",
        {
            **base_context(request, initiative, "pros_cons"),
            "question": _("Delete “%(text)s”?") % {"text": row.text},
            "explain": "",
            "action": _("Delete"),
            "back": "initiatives:pros_cons",
        },
    )


# --- the brief --------------------------------------------------------------------------


@require(Capability.USE_WORKSPACE)
def brief(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = initiative_or_404(pk)
    language = (get_language() or "en")[:2]
    story = [
        (label, in_language(texts, language), language in texts or not texts)
        for label, texts in (
            (forms.STORY_PARTS["why"], initiative.story_why),
            (forms.STORY_PARTS["for_whom"], initiative.story_for_whom),
            (forms.STORY_PARTS["changes"], initiative.story_changes),
        )
    ]
    rows = queries.stakeholders(initiative)
    top = queries.top_cards(initiative, request.user)
    context = base_context(request, initiative, "brief")
    context.update(
        {
            "story": story,
            "has_story": any(text for _label, text, _own in story),
            "path_figures": figures.path_figures(initiative),
            "campaign_figures": figures.campaign_figures(initiative),
            "buy_in": [row for row in queries.buy_in_summary(rows) if row[2]],
            "stakeholder_count": len(rows),
            "open_count": sum(1 for s in rows if queries.is_open(s)),
            "top_cards": [(label, top[code]) for code, label in SwotCard.Quadrant.choices],
            "pros_cons": queries.pros_cons(initiative),
        }
    )
    return render(request, "initiatives/brief.html", context)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = editable(request, pk)
    form = forms.StoryForm(request.POST or None, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        services.save_story(
            initiative, form.part("why"), form.part("for_whom"), form.part("changes")
        )
        messages.success(request, _("The story is saved."))
        return redirect("initiatives:brief", initiative.pk)
    context = base_context(request, initiative, "brief")
    context.update({"form": form, "parts": forms.STORY_PARTS, "languages": forms.LANGUAGE_NAMES})
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/story_form.html", context, status=status)
