"""Helpers for the asset tests: tiny files made on the spot, assets, places."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from leerpad.accounts.models import Person
from leerpad.assets import services
from leerpad.assets.models import Asset, Consent, Kind, Source, Use
from leerpad.campaigns.models import Campaign, Segment
from leerpad.catalog.models import ContentItem, ItemTranslation


def png(name: str = "photo.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 101, 76)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "guide.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% tiny\n", content_type="application/pdf")


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def make_asset(
    owner: Person | None = None,
    *,
    title: str = "Store tour Gent",
    kind: str = Kind.IMAGE,
    uses: tuple[str, ...] = (Use.LEARNING, Use.MARKETING),
    rights_until: dt.date | None = None,
    tags: tuple[str, ...] = (),
    upload: Any = None,
) -> Asset:
    data = services.AssetData(
        title=title,
        description="",
        kind=kind,
        owner=owner,
        tags=list(tags),
        source=Source.OWN,
        licence="",
        allowed_uses=list(uses),
        rights_valid_until=rights_until,
    )
    if upload is None:
        upload = png() if kind == Kind.IMAGE else pdf()
    return services.create_asset(data, upload, by=owner)


def consent(
    asset: Asset,
    *,
    name: str = "Customer in Gent",
    person: Person | None = None,
    scopes: tuple[str, ...] = (Use.LEARNING, Use.MARKETING),
    given: dt.date | None = None,
    until: dt.date | None = None,
) -> Consent:
    return services.add_consent(
        asset,
        person=person,
        name="" if person else name,
        scopes=list(scopes),
        given_on=given or days(-10),
        valid_until=until or days(365),
        by=None,
    )


def item(title: str = "Safety at work", owner: Person | None = None) -> ContentItem:
    found = ContentItem.objects.create(kind="article", language="en", owner=owner)
    ItemTranslation.objects.create(item=found, language="en", title=title)
    ItemTranslation.objects.create(item=found, language="nl", title=f"{title} (nl)")
    return found


def campaign(name: str = "Spring garden", created_by: Person | None = None) -> Campaign:
    segment = Segment.objects.create(name="Everyone")
    key = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:6]}"
    return Campaign.objects.create(key=key, name=name, segment=segment, created_by=created_by)
