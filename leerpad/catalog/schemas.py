"""The shape of a catalogue item at the edge: bulk import (JSON, CSV), API and demo content.

One pydantic model validates every way content comes in, so the web import, the command
line and the JSON API accept exactly the same items and give the same error messages.
See docs/catalog-import.md for the format as users read it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from leerpad.catalog.models import Kind, Level, Status

LANGUAGES = ("nl", "fr", "en")

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Strict(BaseModel):
    # Unknown fields are errors: a typo in a column name must not silently lose data.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TranslationIn(_Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    summary: Text = ""
    body: Text = ""


class AudienceIn(_Strict):
    job_roles: list[Name] = Field(default_factory=list)
    locations: list[Name] = Field(default_factory=list)


class SessionIn(_Strict):
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: Name | None = None
    room: Annotated[str, StringConstraints(max_length=300)] = ""
    seats: int = Field(default=12, ge=1, le=10_000)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2027-01-14T09:00:00+01:00")
        return value


class SkillIn(_Strict):
    key: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]{0,119}$")
    ]
    names: dict[str, Name]

    @field_validator("names")
    @classmethod
    def _languages(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"unknown language(s) {', '.join(unknown)}: use nl, fr or en")
        if not value:
            raise ValueError("give at least one name")
        return value


class ItemIn(_Strict):
    # Required by the bulk import (its upsert key); items made in the UI may have none.
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    kind: Kind
    status: Status = Status.DRAFT
    language: str | None = None
    level: Level | None = None
    duration_minutes: int | None = Field(default=None, ge=0, le=100_000)
    url: Annotated[str, StringConstraints(max_length=1000)] = ""
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]] = Field(
        default_factory=list
    )
    skills: list[str] = Field(default_factory=list)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    review_date: dt.date | None = None
    translations: dict[str, TranslationIn]
    transcripts: dict[str, str] = Field(default_factory=dict)
    sessions: list[SessionIn] = Field(default_factory=list)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGES:
            raise ValueError("use nl, fr or en")
        return value

    @field_validator("translations", "transcripts")
    @classmethod
    def _per_language(cls, value: dict[str, object]) -> dict[str, object]:
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"unknown language(s) {', '.join(unknown)}: use nl, fr or en")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("a web address starts with http:// or https://")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        # Tags are matched case-insensitively; keep one of each.
        return list(dict.fromkeys(t.lower() for t in value if t))

    @field_validator("translations")
    @classmethod
    def _some_translation(cls, value: dict[str, TranslationIn]) -> dict[str, TranslationIn]:
        if not value:
            raise ValueError("give a title in at least one language")
        return value

    def original_language(self) -> str:
        if self.language:
            return self.language
        return next(iter(self.translations), "nl")


class CatalogIn(_Strict):
    skills: list[SkillIn] = Field(default_factory=list)
    items: list[ItemIn] = Field(default_factory=list)
