"""Skills over the JSON API (/api/v1/skills/): the taxonomy, and the caller's own profile.

Everyone signed in may read the taxonomy and their own profile and set their own claims;
nobody reads another person's profile here. Writes go through `services`, so the API
obeys the same rules as the pages.
"""

from __future__ import annotations

import datetime as dt
from math import ceil

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from leerpad.accounts.api_auth import person_of
from leerpad.skills import queries, services
from leerpad.skills.models import Level, Skill, SkillClaim

router = Router(tags=["skills"])

MAX_PER_PAGE = 100


class SkillOut(Schema):
    key: str
    names: dict[str, str]
    alt_names: dict[str, list[str]]
    descriptions: dict[str, str]
    kind: str
    source: str
    uri: str
    broader: str | None


class SkillPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SkillOut]


class SkillFilters(Schema):
    q: str = ""
    kind: str = ""
    source: str = ""
    page: int = 1
    per_page: int = 25


class EvidenceOut(Schema):
    source: str
    label: str
    level: int
    url: str
    achieved_at: dt.datetime


class LineOut(Schema):
    skill: str
    name: str
    needed: int | None
    essential: bool
    self_level: int | None
    evidence_level: int | None
    level: int | None
    level_source: str  # "evidence", "self" or "" (nothing yet)
    gap: int
    willing_to_share: bool
    evidence: list[EvidenceOut]


class ProfileOut(Schema):
    job_role: str | None
    skills: list[LineOut]
    gaps: list[LineOut]


class ClaimIn(Schema):
    self_level: Level | None = None
    willing_to_share: bool = False


class ClaimOut(Schema):
    skill: str
    self_level: int | None
    willing_to_share: bool
    updated_at: dt.datetime


def _skill(skill: Skill) -> SkillOut:
    return SkillOut(
        key=skill.key,
        names=skill.names or {},
        alt_names=skill.alt_names or {},
        descriptions=skill.descriptions or {},
        kind=skill.kind,
        source=skill.source,
        uri=skill.uri,
        broader=skill.broader.key if skill.broader else None,
    )


def _line(line: queries.SkillLine) -> LineOut:
    return LineOut(
        skill=line.skill.key,
        name=line.skill.name(),
        needed=line.needed,
        essential=line.essential,
        self_level=line.self_level,
        evidence_level=line.evidence_level,
        level=line.level,
        level_source=line.level_source,
        gap=line.gap,
        willing_to_share=line.willing_to_share,
        evidence=[
            EvidenceOut(
                source=e.source,
                label=e.label,
                level=e.level,
                url=e.url,
                achieved_at=e.achieved_at,
            )
            for e in line.evidence
        ],
    )


@router.get("/", response=SkillPage, summary="Search the skills")
def list_skills(request: HttpRequest, filters: Query[SkillFilters]) -> SkillPage:
    """Skills whose key, name or other name (any language) contains every word of `q`."""
    per_page = min(max(filters.per_page, 1), MAX_PER_PAGE)
    skills = queries.search_skills(filters.q, kind=filters.kind, source=filters.source)
    count = skills.count()
    pages = max(ceil(count / per_page), 1)
    page = min(max(filters.page, 1), pages)
    start = (page - 1) * per_page
    return SkillPage(
        count=count,
        page=page,
        pages=pages,
        results=[_skill(s) for s in skills[start : start + per_page]],
    )


@router.get("/me", response=ProfileOut, summary="My skill profile and gaps")
def my_profile(request: HttpRequest) -> ProfileOut:
    profile = queries.profile_for(person_of(request))
    return ProfileOut(
        job_role=profile.job_role.name if profile.job_role else None,
        skills=[_line(line) for line in profile.lines],
        gaps=[_line(line) for line in profile.gaps],
    )


@router.put("/me/claims/{key}", response=ClaimOut, summary="Set my level for a skill")
def put_claim(request: HttpRequest, key: str, body: ClaimIn) -> ClaimOut:
    """My own level (1 to 4, or null) and whether colleagues may ask me about it."""
    skill = get_object_or_404(Skill, key=key)
    claim: SkillClaim = services.set_claim(
        person_of(request),
        skill,
        self_level=int(body.self_level) if body.self_level is not None else None,
        willing_to_share=body.willing_to_share,
    )
    return ClaimOut(
        skill=skill.key,
        self_level=claim.self_level,
        willing_to_share=claim.willing_to_share,
        updated_at=claim.updated_at,
    )
