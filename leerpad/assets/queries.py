"""Reads for the asset library: who may change an asset, how long it may be used, the
library list with its filters, and the warnings a place shows for the assets it uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from leerpad.assets.models import Asset, AssetUse, AssetVersion, Consent, Use
from leerpad.assets.rules import (
    WARN_DAYS,
    ConsentTerm,
    State,
    Usability,
    counting,
    usability,
)
from leerpad.core.access import Capability, can

if TYPE_CHECKING:
    from leerpad.core.access import AnyUser


def can_create(user: AnyUser) -> bool:
    return can(user, Capability.MANAGE_CATALOG) or can(user, Capability.MANAGE_CAMPAIGNS)


def can_edit(user: AnyUser, asset: Asset) -> bool:
    if not can(user, Capability.USE_WORKSPACE):
        return False
    return can_create(user) or (asset.owner_id is not None and asset.owner_id == user.pk)


def consent_terms(asset: Asset) -> list[ConsentTerm]:
    return [
        ConsentTerm(
            subject=c.subject,
            given_on=c.given_on,
            valid_until=c.valid_until,
            withdrawn_on=c.withdrawn_on,
            scopes=frozenset(c.scopes),
            order=c.pk,
        )
        for c in asset.consents.all()
    ]


def counting_ids(asset: Asset) -> set[int]:
    """The consent records that count (each person's latest); the others are kept as proof
    but replaced, so withdrawing one of them would change nothing."""
    return {term.order for term in counting(consent_terms(asset))}


def usability_of(asset: Asset, today: dt.date | None = None) -> Usability:
    return usability(
        asset.rights_valid_until,
        consent_terms(asset),
        today or timezone.localdate(),
        asset.consent_unverifiable_on,
    )


# Which use a place relies on: a catalogue item is learning, a campaign is marketing.
PLACE_USE = {"item": Use.LEARNING.value, "campaign": Use.MARKETING.value}
# The order of a record not saved yet: it gets the highest id, so it wins a tie.
_NEW_RECORD = 2**62


@dataclass(frozen=True)
class UncoveredUse:
    """A place that uses the asset for a use a new consent would not cover."""

    use: AssetUse
    scope: str  # Use value: "learning" or "marketing"

    @property
    def scope_label(self) -> str:
        return str(Use(self.scope).label)


def uncovered_uses(
    asset: Asset, *, subject: str, scopes: Collection[str], given_on: dt.date
) -> list[UncoveredUse]:
    """The places already using the asset that a new consent (not saved yet) would leave
    uncovered: it becomes the counting record of `subject` (a renewal replaces the
    person's earlier one) but no longer includes the use the place relies on.

    A record that would not count (an older date than the person's latest) changes
    nothing and leaves nothing uncovered.
    """
    new = ConsentTerm(
        subject=subject,
        given_on=given_on,
        valid_until=given_on,
        scopes=frozenset(scopes),
        order=_NEW_RECORD,
    )
    if new not in counting([*consent_terms(asset), new]):
        return []
    missing = {use for use in PLACE_USE.values() if use not in new.scopes}
    if not missing:
        return []
    found = []
    for use in uses_of(asset):
        scope = PLACE_USE["item"] if use.item_id else PLACE_USE["campaign"]
        if scope in missing:
            found.append(UncoveredUse(use, scope))
    return found


def _with_details(qs: QuerySet[Asset]) -> QuerySet[Asset]:
    return qs.select_related("owner").prefetch_related(
        "tags",
        "consents",
        Prefetch("versions", queryset=AssetVersion.objects.order_by("-number")),
    )


def _attention_candidates(today: dt.date) -> QuerySet[Asset]:
    """Assets that may end within WARN_DAYS (a superset: the rules decide)."""
    soon = today + dt.timedelta(days=WARN_DAYS)
    return Asset.objects.filter(
        Q(rights_valid_until__lte=soon)
        | Q(consent_unverifiable_on__isnull=False)
        | Q(consents__valid_until__lte=soon)
        | Q(consents__withdrawn_on__isnull=False)
    ).distinct()


def needing_attention(today: dt.date | None = None) -> list[tuple[Asset, Usability]]:
    """Assets whose consent or rights end within WARN_DAYS or have ended, soonest first."""
    today = today or timezone.localdate()
    found = []
    for asset in _with_details(_attention_candidates(today)):
        state = usability_of(asset, today)
        if state.state != State.OK:
            found.append((asset, state))
    return sorted(found, key=lambda pair: (pair[1].until or dt.date.max, pair[0].pk))


def library(
    *, q: str = "", kind: str = "", tag: str = "", attention: bool = False
) -> QuerySet[Asset]:
    qs = Asset.objects.all()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(tags__name__icontains=q)).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(tags__name=tag)
    if attention:
        qs = qs.filter(pk__in=[a.pk for a, _ in needing_attention()])
    qs = qs.annotate(use_count=Count("uses", distinct=True)).order_by("-updated_at", "-id")
    return _with_details(qs)


def asset_for_page(pk: int) -> Asset:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Asset.objects.select_related("owner").prefetch_related(
            "tags",
            Prefetch("consents", queryset=Consent.objects.select_related("person", "recorded_by")),
            Prefetch(
                "versions",
                queryset=AssetVersion.objects.select_related("uploaded_by").order_by("-number"),
            ),
        ),
        pk=pk,
    )


def uses_of(asset: Asset) -> list[AssetUse]:
    return list(
        asset.uses.select_related("item", "campaign", "added_by").prefetch_related(
            "item__translations"
        )
    )


@dataclass(frozen=True)
class Warning:
    asset: Asset
    usability: Usability


def warnings_for(place: Any, today: dt.date | None = None) -> list[Warning]:
    """For a catalogue item or a campaign: the assets it uses whose consent or rights end
    within WARN_DAYS, or have ended."""
    from leerpad.campaigns.models import Campaign
    from leerpad.catalog.models import ContentItem

    if isinstance(place, ContentItem):
        uses = AssetUse.objects.filter(item=place)
    elif isinstance(place, Campaign):
        uses = AssetUse.objects.filter(campaign=place)
    else:
        return []
    today = today or timezone.localdate()
    assets = _with_details(Asset.objects.filter(pk__in=uses.values("asset_id")))
    found = []
    for asset in assets:
        state = usability_of(asset, today)
        if state.state != State.OK:
            found.append(Warning(asset, state))
    return sorted(found, key=lambda w: (w.usability.until or dt.date.max, w.asset.pk))


@dataclass(frozen=True)
class TileCounts:
    assets: int
    ending: int
    ended: int
    places: int


def tile_counts(today: dt.date | None = None) -> TileCounts:
    attention = needing_attention(today)
    ids = [a.pk for a, _ in attention]
    return TileCounts(
        assets=Asset.objects.count(),
        ending=sum(1 for _, s in attention if s.state == State.ENDING),
        ended=sum(1 for _, s in attention if s.state == State.ENDED),
        places=AssetUse.objects.filter(asset_id__in=ids).count(),
    )
