"""Catalogue items and campaigns for the link and credit tests."""

from __future__ import annotations

from leerpad.campaigns.models import Campaign, Segment
from leerpad.catalog.models import ContentItem, ItemTranslation, Kind, Status


def item(title: str = "Zaden ruilen aan de kassa", **fields: object) -> ContentItem:
    made = ContentItem.objects.create(kind=Kind.VIDEO, status=Status.PUBLISHED, **fields)
    ItemTranslation.objects.create(item=made, language="nl", title=title)
    ItemTranslation.objects.create(item=made, language="fr", title=f"FR {title}")
    return made


def campaign(name: str = "Lentecampagne") -> Campaign:
    segment = Segment.objects.create(name="Everyone", rules={"match": "all", "rules": []})
    return Campaign.objects.create(key=name.lower().replace(" ", "-"), name=name, segment=segment)
