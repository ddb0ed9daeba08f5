"""Pages of the asset library. Everyone with the workspace browses and downloads; the
owner and the catalogue and campaign managers change assets. Files are only served here,
after the permission check, never from guessed /media/ addresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.accounts.queries import people_directory
from leerpad.assets import forms, queries, services
from leerpad.assets.files import content_type_for
from leerpad.assets.models import Asset, AssetUse, AssetVersion, Consent
from leerpad.core import files
from leerpad.core.access import Capability, require

PER_PAGE = 24
PLACE_RESULTS = 8
PEOPLE_RESULTS = 20


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _editable(request: HttpRequest, pk: int) -> Asset:
    asset = get_object_or_404(Asset, pk=pk)
    if not queries.can_edit(request.user, asset):
        raise PermissionDenied
    return asset


@require(Capability.USE_WORKSPACE)
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    form = forms.LibraryFilter(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(queries.library(**filters), PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"asset": a, "version": a.current_version(), "usability": queries.usability_of(a)}
        for a in page.object_list
    ]
    return render(
        request,
        "assets/library.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": bool(filters),
            "tag": filters.get("tag", ""),
            "can_create": queries.can_create(request.user),
        },
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def asset_new(request: HttpRequest) -> HttpResponse:
    if not queries.can_create(request.user):
        raise PermissionDenied
    form = forms.NewAssetForm(
        request.POST or None, request.FILES or None, initial={"owner": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.create_asset(
                form.data_for_service(),
                form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                by=_person(request),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("The asset is in the library."))
            return redirect(asset)
    return render(request, "assets/asset_form.html", {"form": form, "asset": None})


@require(Capability.USE_WORKSPACE)
@require_GET
def asset(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.asset_for_page(pk)
    editable = queries.can_edit(request.user, found)
    search = request.GET.get("place_q", "").strip()
    return render(
        request,
        "assets/asset.html",
        {
            "asset": found,
            "version": found.current_version(),
            "versions": list(found.versions.all()),
            "consents": list(found.consents.all()),
            "counting": queries.counting_ids(found),
            "usability": queries.usability_of(found),
            "uses": queries.uses_of(found),
            "can_edit": editable,
            "place_q": search,
            "places": _places(found, search) if editable and search else None,
        },
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    initial = {
        "title": found.title,
        "description": found.description,
        "kind": found.kind,
        "owner": found.owner_id,
        "tags": ", ".join(t.name for t in found.tags.all()),
        "source": found.source,
        "licence": found.licence,
        "allowed_uses": found.allowed_uses,
        "rights_valid_until": found.rights_valid_until,
    }
    form = forms.AssetForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_asset(found, form.data_for_service())
        except ValidationError as exc:
            form.add_error("allowed_uses", exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(found)
    return render(request, "assets/asset_form.html", {"form": form, "asset": found})


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    form = forms.VersionForm(request.POST or None, request.FILES or None, kind=found.kind)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_version(
                found,
                form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                by=_person(request),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _("Version %(number)s is now the current one.") % {"number": version.number},
            )
            return redirect(found)
    return render(request, "assets/version_form.html", {"form": form, "asset": found})


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    form = forms.ConsentForm(request.POST or None, request.FILES or None)
    uncovered: list[queries.UncoveredUse] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_consent(
                found,
                person=d["person"],
                name=d["name"],
                scopes=list(d["scopes"]),
                given_on=d["given_on"],
                valid_until=d["valid_until"],
                proof=d["proof"] or None,
                note=d["note"],
                by=_person(request),
                uncovered_confirmed=d["confirm_uncovered"],
            )
        except services.UncoveredUses as exc:
            uncovered = exc.uses
            form.add_error("confirm_uncovered", exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if d["confirm_uncovered"]:
                messages.warning(
                    request,
                    _(
                        "The consent is recorded. Take the asset down from the places it "
                        "no longer covers, then remove them below."
                    ),
                )
            else:
                messages.success(request, _("The consent is recorded."))
            return redirect(found)
    return render(
        request,
        "assets/consent_form.html",
        {
            "form": form,
            "asset": found,
            "uncovered": uncovered,
            "chosen": form.chosen_person(),
            "had_proof": bool(request.FILES.get("proof")),
        },
    )


@require(Capability.USE_WORKSPACE)
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The person picker of the consent form (htmx): up to PEOPLE_RESULTS people matching
    a name or e-mail, or, with `pick`, the picker showing the one picked."""
    if "pick" in request.GET:
        # An empty or unknown pick gives the empty picker ("Change" uses that).
        pick = _int_or_none(request.GET.get("pick"))
        chosen = forms.consent_people().filter(pk=pick).first() if pick is not None else None
        return render(request, "assets/_person_picker.html", {"chosen": chosen, "picking": True})
    search = request.GET.get("person_q", "").strip()[:100]
    found: list[Person] = []
    more = False
    if len(search) >= 2:
        # The people directory's search (name words, e-mail), active people only.
        matches = list(people_directory(search=search)[: PEOPLE_RESULTS + 1])
        found, more = matches[:PEOPLE_RESULTS], len(matches) > PEOPLE_RESULTS
    return render(
        request,
        "assets/_person_results.html",
        {"people": found, "more": more, "person_q": search, "limit": PEOPLE_RESULTS},
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("asset", "person"), pk=pk)
    if not queries.can_edit(request.user, consent.asset):
        raise PermissionDenied
    if consent.withdrawn_on is not None:
        messages.info(request, _("This consent was already withdrawn."))
        return redirect(consent.asset)
    form = forms.WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_consent(consent, on=form.cleaned_data["withdrawn_on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The withdrawal is recorded; the record is kept as proof."))
            return redirect(consent.asset)
    return render(request, "assets/consent_withdraw.html", {"form": form, "consent": consent})


def _serve(
    request: HttpRequest, field: Any, name: str, content_type: str, *, attachment: bool
) -> HttpResponse:
    # A streamed file is no HttpResponse to the type checker; `require` is typed for one.
    return cast(
        HttpResponse,
        files.serve(request, field, content_type, filename=name, attachment=attachment),
    )


@require(Capability.USE_WORKSPACE)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(AssetVersion, pk=pk)
    return _serve(
        request, version.file, version.original_name, version.content_type, attachment=True
    )


@require(Capability.USE_WORKSPACE)
@require_GET
def thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(AssetVersion, pk=pk)
    return _serve(request, version.thumbnail, "thumb.png", "image/png", attachment=False)


@require(Capability.USE_WORKSPACE)
@require_GET
def consent_proof(request: HttpRequest, pk: int) -> HttpResponse:
    """A consent's proof names a person: only those who may change the asset see it."""
    consent = get_object_or_404(Consent.objects.select_related("asset"), pk=pk)
    if not queries.can_edit(request.user, consent.asset):
        raise PermissionDenied
    name = Path(consent.proof.name).name if consent.proof else ""
    return _serve(request, consent.proof, name, content_type_for(name), attachment=True)


def _places(asset: Asset, search: str) -> dict[str, list[Any]]:
    """Catalogue items and campaigns matching `search` that do not use the asset yet."""
    from leerpad.campaigns.models import Campaign
    from leerpad.catalog.models import ContentItem

    items = (
        ContentItem.objects.filter(
            Q(translations__title__icontains=search) | Q(external_id__icontains=search)
        )
        .exclude(asset_uses__asset=asset)
        .distinct()
        .prefetch_related("translations")[:PLACE_RESULTS]
    )
    campaigns = Campaign.objects.filter(name__icontains=search).exclude(asset_uses__asset=asset)[
        :PLACE_RESULTS
    ]
    return {"items": list(items), "campaigns": list(campaigns)}


@require(Capability.USE_WORKSPACE)
@require_GET
def places(request: HttpRequest, pk: int) -> HttpResponse:
    """The searchable list of places (htmx partial of the asset page)."""
    found = _editable(request, pk)
    search = request.GET.get("place_q", "").strip()
    return render(
        request,
        "assets/_places.html",
        {"asset": found, "place_q": search, "places": _places(found, search) if search else None},
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require(Capability.USE_WORKSPACE)
@require_POST
def use_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    try:
        services.add_use(
            found,
            item_id=_int_or_none(request.POST.get("item")),
            campaign_id=_int_or_none(request.POST.get("campaign")),
            by=_person(request),
        )
    except services.UseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The place is linked to the asset."))
    return redirect(found)


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def use_remove(request: HttpRequest, pk: int) -> HttpResponse:
    use = get_object_or_404(AssetUse.objects.select_related("asset", "item", "campaign"), pk=pk)
    if not queries.can_edit(request.user, use.asset):
        raise PermissionDenied
    if request.method == "POST":
        services.remove_use(use)
        messages.success(request, _("The place no longer uses the asset."))
        return redirect(use.asset)
    return render(request, "assets/use_remove.html", {"use": use})
