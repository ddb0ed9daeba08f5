"""The daily consent and rights check: warns the asset's owner and the owner of every place
that uses it, 30 days before the asset stops being usable and again when it has.

Idempotent: each (asset, place, kind of warning, last usable day) is recorded in
`WarningSent` and sent once, so a repeated run sends nothing twice; a renewal that moves
the date starts the warnings afresh.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.assets import queries
from leerpad.assets.models import Asset, AssetUse, WarningSent
from leerpad.assets.rules import State, Usability
from leerpad.campaigns import services as campaign_services
from leerpad.core.logging import get_logger

log = get_logger(__name__)

OWNER_PLACE = "asset"


@dataclass(frozen=True)
class Place:
    key: str
    owner: Person | None
    use: AssetUse | None


def _places(asset: Asset) -> list[Place]:
    places = [Place(OWNER_PLACE, asset.owner, None)]
    for use in queries.uses_of(asset):
        owner = (
            use.item.owner
            if use.item is not None
            else use.campaign.created_by
            if use.campaign
            else None
        )
        places.append(Place(use.place_key, owner, use))
    return places


def _place_name(use: AssetUse, language: str) -> str:
    if use.item is not None:
        return use.item.title(language)
    return use.campaign.name if use.campaign is not None else ""


def _notify(
    person: Person, asset: Asset, state: Usability, place: Place, uses: list[AssetUse]
) -> None:
    with translation.override(person.language or settings.LANGUAGE_CODE):
        date = date_format(state.until, "SHORT_DATE_FORMAT") if state.until else ""
        if state.state == State.ENDED:
            title = _("The asset “%(title)s” may not be used any more") % {"title": asset.title}
            why = _("Its consent or rights ended (last day: %(date)s).") % {"date": date}
        else:
            title = _("The asset “%(title)s” may be used until %(date)s") % {
                "title": asset.title,
                "date": date,
            }
            why = _("Its consent or rights end on %(date)s.") % {"date": date}
        if place.use is None:
            names = ", ".join(_place_name(u, person.language) for u in uses)
            where = (
                _("It is used in: %(places)s.") % {"places": names}
                if names
                else _("No catalogue item or campaign uses it.")
            )
        else:
            where = _("“%(place)s” uses it: replace the asset there, or renew the consent.") % {
                "place": _place_name(place.use, person.language)
            }
        campaign_services.notify(
            person,
            title=title,
            body=f"{why} {where}",
            link=asset.get_absolute_url(),
            link_text=_("Open the asset"),
        )


@transaction.atomic
def send_warnings(today: dt.date) -> int:
    """Send the warnings due today; returns how many notifications were created."""
    sent = 0
    for asset, state in queries.needing_attention(today):
        if state.until is None:  # only assets with an end need attention
            continue
        kind = WarningSent.Kind.ENDED if state.state == State.ENDED else WarningSent.Kind.ENDING
        places = _places(asset)
        uses = [p.use for p in places if p.use is not None]
        for place in places:
            try:
                with transaction.atomic():
                    _, created = WarningSent.objects.get_or_create(
                        asset=asset, place=place.key, kind=kind, until=state.until
                    )
            except IntegrityError:  # another run recorded it at the same moment
                created = False
            if not created or place.owner is None or not place.owner.is_active:
                continue
            # The asset's owner already has the summary with every place.
            if place.use is not None and place.owner.pk == asset.owner_id:
                continue
            _notify(place.owner, asset, state, place, uses)
            sent += 1
    if sent:
        log.info("assets.warnings_sent", count=sent, day=today.isoformat())
    return sent
