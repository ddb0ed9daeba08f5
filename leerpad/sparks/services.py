"""Writes for sparks and field visits; each function is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from leerpad.accounts.models import Location, Person
from leerpad.campaigns import services as campaign_services
from leerpad.campaigns.models import Campaign
from leerpad.catalog.models import ContentItem
from leerpad.core.logging import get_logger
from leerpad.sparks.media import Prepared
from leerpad.sparks.models import Comment, FieldVisit, Kind, Spark, Status

log = get_logger(__name__)


def delete_files_on_commit(*names: str) -> None:
    """Remove stored files once the transaction that dropped them has committed (a rolled
    back deletion must keep its files)."""
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: default_storage.delete(name))  # type: ignore[misc]


@transaction.atomic
def send_spark(
    sender: Person,
    *,
    kind: str,
    text: str,
    location: Location | None,
    credit_consent: bool,
    media: Prepared | None = None,
) -> Spark:
    spark = Spark(
        kind=Kind(kind),
        text=text.strip(),
        location=location,
        sender=sender,
        credit_consent=credit_consent,
    )
    saved: list[str] = []
    try:
        if media is not None:
            spark.media.save(media.content.name or "spark", media.content, save=False)
            saved.append(spark.media.name or "")
            spark.media_type = media.media_type
            if media.thumbnail is not None:
                spark.thumbnail.save(
                    media.thumbnail.name or "thumb.jpg", media.thumbnail, save=False
                )
                saved.append(spark.thumbnail.name or "")
        spark.save()
    except Exception:
        # Nothing saved on error: files written before the failure go too.
        for name in saved:
            default_storage.delete(name)
        raise
    log.info("sparks.sent", spark=spark.pk, kind=kind)
    return spark


@transaction.atomic
def move_spark(spark: Spark, status: str) -> Spark:
    spark.status = Status(status)
    spark.moved_at = timezone.now()
    spark.save(update_fields=["status", "moved_at"])
    return spark


@transaction.atomic
def add_comment(spark: Spark, author: Person, text: str) -> Comment:
    return Comment.objects.create(spark=spark, author=author, text=text.strip())


def _became(item: ContentItem | None, campaign: Campaign | None, language: str) -> str:
    names = []
    if item is not None:
        names.append(gettext("the learning content “%(title)s”") % {"title": item.title(language)})
    if campaign is not None:
        names.append(gettext("the campaign “%(name)s”") % {"name": campaign.name})
    return gettext(" and ").join(names)


def announces(
    spark: Spark, *, item: ContentItem | None = None, campaign: Campaign | None = None
) -> bool:
    """Whether linking `item`/`campaign` tells the sender something new (`link_spark`)."""
    new_item = item is not None and item.pk != spark.catalog_item_id
    new_campaign = campaign is not None and campaign.pk != spark.campaign_id
    sender = spark.sender
    return sender is not None and sender.is_active and (new_item or new_campaign)


@transaction.atomic
def link_spark(
    spark: Spark, *, item: ContentItem | None = None, campaign: Campaign | None = None
) -> Spark:
    """Record what the spark became, mark it used and tell the sender (in their language).

    Only what changed is announced: linking the same item again sends nothing.
    """
    if item is None and campaign is None:
        raise ValueError("link a catalogue item, a campaign or both")
    tell = announces(spark, item=item, campaign=campaign)
    new_item = item if item is not None and item.pk != spark.catalog_item_id else None
    new_campaign = campaign if campaign is not None and campaign.pk != spark.campaign_id else None
    if new_item is not None:
        spark.catalog_item = new_item
    if new_campaign is not None:
        spark.campaign = new_campaign
    now = timezone.now()
    spark.status = Status.USED
    spark.moved_at = now
    spark.used_at = spark.used_at or now
    spark.save(update_fields=["catalog_item", "campaign", "status", "moved_at", "used_at"])
    sender = spark.sender
    if tell and sender is not None:
        with translation.override(sender.language or settings.LANGUAGE_CODE):
            became = _became(new_item, new_campaign, sender.language)
            campaign_services.notify(
                sender,
                title=gettext("Your spark started something"),
                body=gettext(
                    "Thank you! Your spark of %(date)s became %(became)s."
                    " The LD&M team took it from the floor to everyone."
                )
                % {"date": spark.created_at.date().isoformat(), "became": became},
                link=reverse("sparks:mine"),
                link_text=gettext("See your sparks"),
            )
    log.info(
        "sparks.linked", spark=spark.pk, item=spark.catalog_item_id, campaign=spark.campaign_id
    )
    return spark


@transaction.atomic
def unlink_spark(spark: Spark, what: str) -> Spark:
    """Undo a link made by mistake ("item" or "campaign"); the sender is not told again.
    The spark stays where it is on the board: the team moves it on if need be."""
    if what == "item":
        spark.catalog_item = None
    elif what == "campaign":
        spark.campaign = None
    else:
        raise ValueError(what)
    if not spark.is_linked:
        spark.used_at = None
    spark.save(update_fields=["catalog_item", "campaign", "used_at"])
    return spark


@transaction.atomic
def plan_visit(
    location: Location,
    date: dt.date,
    team: Iterable[Person],
    purpose: str,
    *,
    by: Person | None,
) -> FieldVisit:
    visit = FieldVisit.objects.create(
        location=location, date=date, purpose=purpose.strip(), created_by=by
    )
    visit.team.set(list(team))
    return visit


@transaction.atomic
def log_visit(
    visit: FieldVisit,
    *,
    what_we_did: str,
    what_we_learned: str,
    sparks: Iterable[Spark],
    team: Iterable[Person] | None = None,
) -> FieldVisit:
    """Record what happened; a logged visit counts as the location's visit, so a day
    still ahead cannot be logged (it would count as visited before it happened)."""
    if visit.date > timezone.localdate():
        raise ValueError(gettext("The day is still ahead: log it afterwards."))
    visit.what_we_did = what_we_did.strip()
    visit.what_we_learned = what_we_learned.strip()
    visit.logged_at = visit.logged_at or timezone.now()
    visit.save(update_fields=["what_we_did", "what_we_learned", "logged_at"])
    visit.sparks.set(list(sparks))
    if team is not None:
        visit.team.set(list(team))
    return visit


@transaction.atomic
def delete_visit(visit: FieldVisit) -> None:
    visit.delete()
