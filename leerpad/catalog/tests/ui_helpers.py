"""Catalogue content for the page, API and tracking tests, made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.catalog import services
from leerpad.catalog.models import ContentItem
from leerpad.catalog.schemas import ItemIn, SkillIn
from leerpad.lrs.models import Statement
from leerpad.skills.models import Skill

VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
Welkom bij deze korte video over klachten.

00:00:04.000 --> 00:00:09.500
Luister eerst, zonder te onderbreken.

00:01:05.000 --> 00:01:10.000
Bedank de klant.
"""


def make_skills() -> dict[str, Skill]:
    return services.upsert_skills(
        [
            SkillIn(
                key="customer-conversations",
                names={
                    "nl": "Klantgesprekken",
                    "fr": "Conversations clients",
                    "en": "Customer conversations",
                },
            ),
            SkillIn(key="safety", names={"nl": "Veiligheid", "en": "Safety"}),
        ]
    )


def make_item(
    title: str = "Klachten behandelen",
    *,
    kind: str = "article",
    status: str = "published",
    by: Person | None = None,
    translations: dict[str, dict[str, str]] | None = None,
    **fields: Any,
) -> ContentItem:
    spec = ItemIn.model_validate(
        {
            "kind": kind,
            "status": status,
            "translations": translations or {"nl": {"title": title}},
            **fields,
        }
    )
    return services.save_item(None, spec, by=by)


def session_dates(
    days: int = 14, seats: int = 2, location: str | None = None
) -> list[dict[str, Any]]:
    start = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return [
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "location": location,
            "room": "Zaal 1",
            "seats": seats,
        }
    ]


def statements(verb: str) -> list[dict[str, Any]]:
    return [s.payload for s in Statement.objects.filter(verb_iri=verb).order_by("id")]
