"""Writes for the asset library. Each function is one transaction; uploads are checked
here too (`files.check_upload`), so nothing is stored for a file the library refuses."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.assets import files, queries
from leerpad.assets.models import Asset, AssetUse, AssetVersion, Consent, Tag, Use
from leerpad.assets.rules import allows
from leerpad.core.logging import get_logger

log = get_logger(__name__)

MAX_TAGS = 12
TAG_PATTERN = re.compile(r"^[\w][\w &+-]{0,39}$")


class UseError(ValueError):
    """A place cannot use the asset; the message says why (shown to the person)."""


class UncoveredUses(ValidationError):
    """A new consent would not cover places that already use the asset; saving it needs
    an explicit confirmation (those places must then take the asset down)."""

    def __init__(self, uses: list[queries.UncoveredUse]) -> None:
        super().__init__(
            _(
                "This consent does not cover how the asset is already used. Confirm that "
                "those places will take it down, or keep that use in the consent."
            ),
            code="uncovered_uses",
        )
        self.uses = uses


@dataclass(frozen=True)
class AssetData:
    title: str
    description: str
    kind: str
    owner: Person | None
    tags: list[str]
    source: str
    licence: str
    allowed_uses: list[str]
    rights_valid_until: dt.date | None


def parse_tags(text: str) -> list[str]:
    """Tags from "safety, garden centre, Gent": trimmed, lower case, each once.

    Raises ValidationError naming a tag that is too long or has odd characters.
    """
    tags: list[str] = []
    for raw in text.split(","):
        tag = " ".join(raw.split()).lower()
        if not tag:
            continue
        if not TAG_PATTERN.match(tag):
            raise ValidationError(
                _("“%(tag)s” is not a tag: up to 40 letters, digits, spaces or - + &.")
                % {"tag": tag[:60]}
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("At most %(count)s tags.") % {"count": MAX_TAGS})
    return tags


def _set_tags(asset: Asset, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in names]
    asset.tags.set(tags)


def _clean_uses(uses: list[str]) -> list[str]:
    return [u for u in Use.values if u in set(uses)]


def _store_version(
    asset: Asset, upload: UploadedFile, note: str, by: Person | None
) -> AssetVersion:
    checked = files.check_upload(upload, asset.kind)
    content: File[Any] = upload
    thumb = None
    if asset.kind == "image":
        # Stored without EXIF (GPS, camera, time) and XMP, upright; see files.clean_image.
        content, checked, thumb = files.clean_image(upload, checked)
    number = (asset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AssetVersion(
        asset=asset,
        number=number,
        original_name=(upload.name or "file")[-255:],
        size=checked.size,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        note=note.strip()[:300],
        uploaded_by=by,
    )
    version.file.save(content.name or upload.name or "file", content, save=False)
    try:
        if thumb is not None:
            version.thumbnail.save("thumb.png", thumb, save=False)
        version.save()
    except Exception:
        # The row is rolled back with the transaction; the files must not stay behind.
        version.file.delete(save=False)
        if version.thumbnail:
            version.thumbnail.delete(save=False)
        raise
    return version


@transaction.atomic
def create_asset(
    data: AssetData, upload: UploadedFile, *, note: str = "", by: Person | None
) -> Asset:
    asset = Asset.objects.create(
        title=data.title.strip(),
        description=data.description.strip(),
        kind=data.kind,
        owner=data.owner,
        source=data.source,
        licence=data.licence.strip(),
        allowed_uses=_clean_uses(data.allowed_uses),
        rights_valid_until=data.rights_valid_until,
        created_by=by,
    )
    _set_tags(asset, data.tags)
    _store_version(asset, upload, note, by)
    log.info("assets.created", asset=asset.pk, kind=asset.kind)
    return asset


@transaction.atomic
def update_asset(asset: Asset, data: AssetData) -> Asset:
    """Change the facts of an asset; its kind stays (its versions were checked for it).

    The rights may not drop a use that places rely on (a catalogue item needs internal
    learning, a campaign internal marketing): `add_use` checks this when a place is added,
    and the daily check only watches dates, so an edit must not break it silently.
    """
    allowed = set(_clean_uses(data.allowed_uses))
    relied_on = []
    if Use.LEARNING not in allowed and asset.uses.filter(item__isnull=False).exists():
        relied_on.append(Use.LEARNING)
    if Use.MARKETING not in allowed and asset.uses.filter(campaign__isnull=False).exists():
        relied_on.append(Use.MARKETING)
    if relied_on:
        raise ValidationError(
            _("Places use this asset for %(uses)s: remove those places first, or keep that use.")
            % {"uses": ", ".join(str(use.label).lower() for use in relied_on)}
        )
    asset.title = data.title.strip()
    asset.description = data.description.strip()
    asset.owner = data.owner
    asset.source = data.source
    asset.licence = data.licence.strip()
    asset.allowed_uses = _clean_uses(data.allowed_uses)
    asset.rights_valid_until = data.rights_valid_until
    asset.updated_at = timezone.now()
    asset.save()
    _set_tags(asset, data.tags)
    return asset


@transaction.atomic
def add_version(
    asset: Asset, upload: UploadedFile, *, note: str = "", by: Person | None
) -> AssetVersion:
    # Lock the asset: two uploads at once get numbers one after the other.
    Asset.objects.select_for_update().filter(pk=asset.pk).first()
    version = _store_version(asset, upload, note, by)
    Asset.objects.filter(pk=asset.pk).update(updated_at=timezone.now())
    return version


@transaction.atomic
def add_consent(
    asset: Asset,
    *,
    person: Person | None,
    name: str,
    scopes: list[str],
    given_on: dt.date,
    valid_until: dt.date,
    proof: UploadedFile | None = None,
    note: str = "",
    by: Person | None,
    uncovered_confirmed: bool = False,
) -> Consent:
    """Record a person's consent; a later record of the same person replaces theirs.

    Raises UncoveredUses when the new record would count but not cover a use the asset
    already has (a catalogue item, a campaign), unless `uncovered_confirmed`.
    """
    name = " ".join(name.split())
    if person is None and not name:
        raise ValidationError(_("Choose the person, or type the name of someone outside Leerpad."))
    if valid_until < given_on:
        raise ValidationError(_("Consent cannot end before it was given."))
    scopes = _clean_uses(scopes)
    if not scopes:
        raise ValidationError(_("Tick at least one use the person agreed to."))
    # Lock the asset: a place added meanwhile is counted in the check below.
    Asset.objects.select_for_update().filter(pk=asset.pk).first()
    subject = Consent(person=person, name="" if person is not None else name).subject
    uncovered = queries.uncovered_uses(asset, subject=subject, scopes=scopes, given_on=given_on)
    if uncovered and not uncovered_confirmed:
        raise UncoveredUses(uncovered)
    consent = Consent(
        asset=asset,
        person=person,
        name="" if person is not None else name[:200],
        scopes=scopes,
        given_on=given_on,
        valid_until=valid_until,
        note=note.strip()[:300],
        recorded_by=by,
    )
    if proof is not None:
        stored = files.clean_proof(proof)
        consent.proof.save(stored.name or "proof", stored, save=False)
    consent.save()
    Asset.objects.filter(pk=asset.pk).update(updated_at=timezone.now())
    if uncovered:
        log.info("assets.consent_uncovers", asset=asset.pk, places=len(uncovered))
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, on: dt.date) -> Consent:
    """Record that the person withdrew their consent (the record is kept)."""
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    if on > timezone.localdate():
        raise ValidationError(_("A withdrawal is recorded when it happened, not ahead."))
    if consent.pk not in queries.counting_ids(consent.asset):
        # Only the latest record counts: a withdrawal on a replaced one would leave the
        # asset usable while the person said no.
        raise ValidationError(
            _("A later consent of this person replaced this one: withdraw the latest one.")
        )
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    Asset.objects.filter(pk=consent.asset_id).update(updated_at=timezone.now())
    log.info("assets.consent_withdrawn", asset=consent.asset_id, consent=consent.pk)
    return consent


def _check_use(asset: Asset, use: Use) -> None:
    state = queries.usability_of(asset)
    if not state.usable_now:
        raise UseError(
            _("“%(title)s” may not be used any more: its consent or rights have ended.")
            % {"title": asset.title}
        )
    by_rights, by_consent = allows(use.value, asset.allowed_uses, queries.consent_terms(asset))
    if not by_rights:
        raise UseError(
            _("The rights of “%(title)s” do not allow %(use)s.")
            % {"title": asset.title, "use": str(use.label).lower()}
        )
    if not by_consent:
        raise UseError(
            _("Not everyone who appears in “%(title)s” agreed to %(use)s.")
            % {"title": asset.title, "use": str(use.label).lower()}
        )


@transaction.atomic
def add_use(
    asset: Asset,
    *,
    item_id: int | None = None,
    campaign_id: int | None = None,
    by: Person | None,
) -> AssetUse:
    """Record that a catalogue item (learning) or a campaign (marketing) uses the asset.

    Raises UseError when the rights or a consent do not cover that use, or it ended.
    """
    from leerpad.campaigns.models import Campaign
    from leerpad.catalog.models import ContentItem

    if (item_id is None) == (campaign_id is None):
        raise UseError(_("Choose one catalogue item or one campaign."))
    if item_id is not None:
        if not ContentItem.objects.filter(pk=item_id).exists():
            raise UseError(_("That catalogue item does not exist."))
        _check_use(asset, Use.LEARNING)
        use, created = AssetUse.objects.get_or_create(
            asset=asset, item_id=item_id, defaults={"added_by": by}
        )
    else:
        if campaign_id is None or not Campaign.objects.filter(pk=campaign_id).exists():
            raise UseError(_("That campaign does not exist."))
        _check_use(asset, Use.MARKETING)
        use, created = AssetUse.objects.get_or_create(
            asset=asset, campaign_id=campaign_id, defaults={"added_by": by}
        )
    if not created:
        raise UseError(_("This place already uses the asset."))
    return use


@transaction.atomic
def remove_use(use: AssetUse) -> None:
    use.delete()
