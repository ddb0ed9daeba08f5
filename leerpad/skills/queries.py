"""Reads of the skills app: search, profiles, gaps, groups, colleagues and opportunities.

The rules that decide what a page may show live here, as plain functions over plain
data where possible, so they can be tested without pages:

- A person's level for a skill is the higher of what Leerpad recorded as evidence and what
  they said themselves; each line also says which of the two it is (`level_source`),
  because a self-assessed level is not a fact and the page must say so.
- A group (team, location, or both) is shown only when it has at least
  `LEERPAD_MIN_GROUP_SIZE` people, and a per-skill count only when the people it compares
  are that many. A group must also not differ from any view with fewer filters (down to
  the whole organisation) by fewer than that many people, or subtracting one view from
  the other would show the answers of a handful of people (`core.guard`).
- Colleagues appear only when they opted in twice: a visible sharing profile, and
  "willing to share" on that skill.

Paths and the catalogue depend on skills, not the other way round, so their models are
imported inside the functions that need them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import get_language

from leerpad.accounts.models import JobRole, Location, Person, Team
from leerpad.core.access import Capability, can
from leerpad.core.guard import guard_subgroup, min_group_size
from leerpad.skills.models import (
    ConversationRequest,
    EscoImport,
    Level,
    Opportunity,
    OpportunityResponse,
    RoleSkill,
    SharingProfile,
    Skill,
    SkillClaim,
    SkillEvidence,
    fold,
)

if TYPE_CHECKING:
    from leerpad.catalog.models import ContentItem
    from leerpad.core.access import AnyUser
    from leerpad.paths.models import Path

MAX_ANCESTORS = 20
ITEMS_PER_GAP = 3
PATHS_PER_GAP = 3


# --- the taxonomy ------------------------------------------------------------------------------


def by_name(skills: QuerySet[Skill], language: str | None = None) -> QuerySet[Skill]:
    """Ordered by the name in `language` (else English, else the key), case-insensitively."""
    lang = (language or get_language() or "en")[:2]
    return skills.order_by(
        Lower(Coalesce(KeyTextTransform(lang, "names"), KeyTextTransform("en", "names"), "key")),
        "key",
    )


def search_skills(q: str = "", *, kind: str = "", source: str = "") -> QuerySet[Skill]:
    """Skills whose key, name or other name in any language contains every word of `q`."""
    skills = Skill.objects.all()
    for word in fold(q).split():
        skills = skills.filter(search_text__contains=word)
    if kind in Skill.Kind.values:
        skills = skills.filter(kind=kind)
    if source in Skill.Source.values:
        skills = skills.filter(source=source)
    return by_name(skills.select_related("broader"))


def find_skill(text: str) -> Skill | None:
    """One skill from what a person typed: its key, or its exact name in any language."""
    text = text.strip()
    if not text:
        return None
    skill = Skill.objects.filter(key=text).first()
    if skill is not None:
        return skill
    folded = fold(text)
    matches = [
        s
        for s in Skill.objects.filter(search_text__contains=folded)[:50]
        if any(fold(str(n)) == folded for n in (s.names or {}).values())
    ]
    return matches[0] if len(matches) == 1 else None


def ancestors(skill: Skill) -> list[Skill]:
    """The broader skills above `skill`, nearest first (bounded: a loop cannot hang a page)."""
    chain: list[Skill] = []
    seen = {skill.pk}
    current = skill.broader
    while current is not None and current.pk not in seen and len(chain) < MAX_ANCESTORS:
        chain.append(current)
        seen.add(current.pk)
        current = current.broader
    return chain


@dataclass(frozen=True)
class PathOffer:
    """A published path that teaches a skill, and the level completing it shows."""

    path: Path
    level: int

    @property
    def title(self) -> str:
        return self.path.current.title() if self.path.current else self.path.key

    @property
    def url(self) -> str:
        from django.urls import NoReverseMatch

        try:
            return self.path.get_absolute_url()
        except NoReverseMatch:
            # The paths pages may not be mounted (yet); the title still says what it is.
            return ""


def teaching_paths(needs: dict[int, int]) -> dict[int, list[PathOffer]]:
    """Per skill id, published paths whose current version teaches it at >= the level given."""
    if not needs:
        return {}
    from leerpad.paths.models import PathSkill, PathVersion

    rows = (
        PathSkill.objects.filter(
            skill_id__in=list(needs),
            version__status=PathVersion.Status.PUBLISHED,
            version__path__current_id=F("version_id"),
            version__path__is_archived=False,
        )
        .select_related("version__path__current")
        .order_by("-level", "version__path__key")
    )
    found: dict[int, list[PathOffer]] = defaultdict(list)
    for row in rows:
        if row.level >= needs[row.skill_id]:
            found[row.skill_id].append(PathOffer(row.version.path, row.level))
    return dict(found)


def teaching_items(
    skill_ids: Iterable[int], *, per_skill: int | None = None
) -> dict[int, list[ContentItem]]:
    """Per skill id, published catalogue items tagged with it (newest first)."""
    ids = list(skill_ids)
    if not ids:
        return {}
    from leerpad.catalog.models import ContentItem, Status

    through = ContentItem.skills.through
    links = (
        through.objects.filter(skill_id__in=ids, contentitem__status=Status.PUBLISHED)
        .order_by("-contentitem__published_at", "-contentitem_id")
        .values_list("skill_id", "contentitem_id")
    )
    wanted: dict[int, list[int]] = defaultdict(list)
    for skill_id, item_id in links:
        if per_skill is None or len(wanted[skill_id]) < per_skill:
            wanted[skill_id].append(item_id)
    all_ids = {i for ids_ in wanted.values() for i in ids_}
    items = ContentItem.objects.filter(pk__in=all_ids).prefetch_related("translations")
    by_id = {item.pk: item for item in items}
    return {sid: [by_id[i] for i in item_ids if i in by_id] for sid, item_ids in wanted.items()}


@dataclass
class SkillPage:
    skill: Skill
    broader: list[Skill]
    narrower: list[Skill]
    items: list[ContentItem]
    paths: list[PathOffer]
    roles: list[RoleSkill]


def skill_page(skill: Skill) -> SkillPage:
    return SkillPage(
        skill=skill,
        broader=ancestors(skill),
        narrower=list(by_name(skill.narrower.all())),
        items=teaching_items([skill.pk]).get(skill.pk, []),
        paths=teaching_paths({skill.pk: 1}).get(skill.pk, []),
        roles=list(
            RoleSkill.objects.filter(skill=skill).select_related("job_role").order_by("job_role")
        ),
    )


def esco_imports(limit: int = 10) -> list[EscoImport]:
    return list(EscoImport.objects.select_related("imported_by")[:limit])


# --- a person's profile and gaps ---------------------------------------------------------------


@dataclass
class SkillLine:
    """One skill on a person's profile, with where each number comes from."""

    skill: Skill
    needed: int | None = None  # the level the person's role asks (None: not in the profile)
    essential: bool = False
    self_level: int | None = None
    willing_to_share: bool = False
    claimed: bool = False
    evidence: list[SkillEvidence] = field(default_factory=list)

    @property
    def evidence_level(self) -> int | None:
        return max((e.level for e in self.evidence), default=None)

    @property
    def level(self) -> int | None:
        """What the person has: the higher of evidence and their own word."""
        levels = [v for v in (self.evidence_level, self.self_level) if v]
        return max(levels) if levels else None

    @property
    def level_source(self) -> str:
        """Evidence when recorded evidence reaches the level, self when only their word does."""
        if self.level is None:
            return ""
        if self.evidence_level is not None and self.evidence_level >= self.level:
            return "evidence"
        return "self"

    @property
    def gap(self) -> int:
        if self.needed is None:
            return 0
        return max(self.needed - (self.level or 0), 0)

    @property
    def in_role(self) -> bool:
        return self.needed is not None

    def level_label(self, value: int | None) -> str:
        return str(Level(value).label) if value else ""


def level_for(evidence_level: int | None, self_level: int | None) -> int:
    """The rule on its own: the higher of evidence and self-assessment (0 = nothing)."""
    return max(evidence_level or 0, self_level or 0)


@dataclass
class Profile:
    person: Person
    job_role: JobRole | None
    lines: list[SkillLine]

    @property
    def role_lines(self) -> list[SkillLine]:
        return [line for line in self.lines if line.in_role]

    @property
    def other_lines(self) -> list[SkillLine]:
        return [line for line in self.lines if not line.in_role]

    @property
    def gaps(self) -> list[SkillLine]:
        return sorted(
            (line for line in self.lines if line.gap > 0),
            key=lambda line: (not line.essential, -line.gap, line.skill.name().casefold()),
        )


def profile_for(person: Person) -> Profile:
    """The role's skills, plus skills the person claimed or has evidence for."""
    lines: dict[int, SkillLine] = {}
    role = person.job_role
    if role is not None:
        for rs in RoleSkill.objects.filter(job_role=role).select_related("skill"):
            lines[rs.skill_id] = SkillLine(rs.skill, needed=rs.level, essential=rs.essential)
    for claim in SkillClaim.objects.filter(person=person).select_related("skill"):
        line = lines.setdefault(claim.skill_id, SkillLine(claim.skill))
        line.self_level = claim.self_level
        line.willing_to_share = claim.willing_to_share
        line.claimed = True
    for ev in SkillEvidence.objects.filter(person=person).select_related("skill"):
        lines.setdefault(ev.skill_id, SkillLine(ev.skill)).evidence.append(ev)
    ordered = sorted(
        lines.values(),
        key=lambda line: (
            not line.in_role,
            not line.essential,
            -line.gap,
            line.skill.name().casefold(),
        ),
    )
    return Profile(person=person, job_role=role, lines=ordered)


def role_has_profile(person: Person) -> bool:
    return (
        person.job_role_id is not None
        and RoleSkill.objects.filter(job_role_id=person.job_role_id).exists()
    )


@dataclass
class GapRow:
    line: SkillLine
    paths: list[PathOffer]
    items: list[ContentItem]


def gap_plan(person: Person, *, limit: int | None = None) -> list[GapRow]:
    """The person's gaps, each with the published paths and items that close it."""
    gaps = profile_for(person).gaps
    if limit is not None:
        gaps = gaps[:limit]
    needs = {line.skill.pk: line.needed or 1 for line in gaps}
    paths = teaching_paths(needs)
    items = teaching_items(needs, per_skill=ITEMS_PER_GAP)
    return [
        GapRow(
            line,
            paths.get(line.skill.pk, [])[:PATHS_PER_GAP],
            items.get(line.skill.pk, []),
        )
        for line in gaps
    ]


# --- groups (aggregates only) ------------------------------------------------------------------


def may_view_groups(user: AnyUser) -> bool:
    return any(
        can(user, cap)
        for cap in (Capability.MANAGE_PEOPLE, Capability.VIEW_ANALYTICS, Capability.COACH_PEOPLE)
    )


def coach_only(user: AnyUser) -> bool:
    """Coaches see their own location only; people and analytics roles see any group."""
    return not (can(user, Capability.MANAGE_PEOPLE) or can(user, Capability.VIEW_ANALYTICS))


def group_choices(user: AnyUser) -> tuple[QuerySet[Team], QuerySet[Location]]:
    """The teams and locations the viewer may choose from."""
    if coach_only(user):
        location_id: int | None = getattr(user, "location_id", None)
        if location_id is None:
            return Team.objects.none(), Location.objects.none()
        teams = Team.objects.filter(people__location_id=location_id).distinct()
        return teams, Location.objects.filter(pk=location_id)
    return Team.objects.all(), Location.objects.all()


def _members(team_id: int | None, location_id: int | None) -> QuerySet[Person]:
    people = Person.objects.filter(is_active=True)
    if team_id is not None:
        people = people.filter(team_id=team_id)
    if location_id is not None:
        people = people.filter(location_id=location_id)
    return people


@dataclass
class GroupRow:
    skill: Skill
    compared: int  # people in the group whose role needs the skill
    with_gap: int | None  # None: suppressed, fewer than k people compared
    level: int  # the highest level any of their roles asks

    @property
    def suppressed(self) -> bool:
        return self.with_gap is None


@dataclass
class GroupReport:
    k: int
    size: int | None = None  # None when the group is too small to show at all
    too_small: bool = False
    # "group": the group itself is under k; "difference": it differs from the whole team
    # or location by fewer than k people.
    reason: str = ""
    rows: list[GroupRow] = field(default_factory=list)
    people_with_profile: int = 0


def group_gaps(*, team_id: int | None, location_id: int | None) -> GroupReport:
    """How many people of a group lack each skill their roles need, if the group is big enough."""
    k = min_group_size()
    members = _members(team_id, location_id)
    size = members.count()
    # Every view with fewer of these filters, down to everyone: two views must never differ
    # by fewer than k people, or subtracting them singles those people out.
    wider = {(team_id, None), (None, location_id), (None, None)} - {(team_id, location_id)}
    decision = guard_subgroup(size, *(_members(t, loc).count() for t, loc in wider), k=k)
    if not decision:
        return GroupReport(k=k, too_small=True, reason=decision.reason)
    people = list(members.values_list("pk", "job_role_id"))
    role_ids = {role for _pk, role in people if role is not None}
    needs: dict[int, dict[int, int]] = defaultdict(dict)  # role -> skill -> level
    for role_id, skill_id, level in RoleSkill.objects.filter(job_role_id__in=role_ids).values_list(
        "job_role_id", "skill_id", "level"
    ):
        needs[role_id][skill_id] = level
    skill_ids = {sid for per_role in needs.values() for sid in per_role}
    person_ids = [pk for pk, _role in people]
    own = _levels(person_ids, skill_ids)
    compared: dict[int, int] = defaultdict(int)
    with_gap: dict[int, int] = defaultdict(int)
    top_level: dict[int, int] = defaultdict(int)
    with_profile = 0
    for pk, role_id in people:
        role_needs = needs.get(role_id) if role_id is not None else None
        if not role_needs:
            continue
        with_profile += 1
        for skill_id, level in role_needs.items():
            compared[skill_id] += 1
            top_level[skill_id] = max(top_level[skill_id], level)
            if own.get((pk, skill_id), 0) < level:
                with_gap[skill_id] += 1
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=skill_ids)}
    rows = [
        GroupRow(
            skill=skills[sid],
            compared=n,
            with_gap=with_gap[sid] if n >= k else None,
            level=top_level[sid],
        )
        for sid, n in compared.items()
    ]
    rows.sort(key=lambda r: (r.suppressed, -(r.with_gap or 0), r.skill.name().casefold()))
    return GroupReport(k=k, size=size, rows=rows, people_with_profile=with_profile)


def _levels(person_ids: Sequence[int], skill_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(person, skill) -> level, by the same rule as a person's own profile."""
    skill_list = list(skill_ids)
    levels: dict[tuple[int, int], int] = {}
    evidence = (
        SkillEvidence.objects.filter(person_id__in=person_ids, skill_id__in=skill_list)
        .values("person_id", "skill_id")
        .annotate(top=Max("level"))
    )
    for row in evidence:
        levels[(row["person_id"], row["skill_id"])] = row["top"]
    claims = SkillClaim.objects.filter(
        person_id__in=person_ids, skill_id__in=skill_list, self_level__isnull=False
    ).values_list("person_id", "skill_id", "self_level")
    for person_id, skill_id, self_level in claims:
        key = (person_id, skill_id)
        levels[key] = level_for(levels.get(key), self_level)
    return levels


# --- colleagues who share --------------------------------------------------------------------


def _sharing(skill_id: int | None = None) -> QuerySet[SkillClaim]:
    claims = SkillClaim.objects.filter(
        willing_to_share=True,
        person__is_active=True,
        person__sharing_profile__visible=True,
    )
    if skill_id is not None:
        claims = claims.filter(skill_id=skill_id)
    return claims


def shared_skills(viewer: Person) -> QuerySet[Skill]:
    """Skills at least one visible colleague (not the viewer) is willing to share."""
    others = _sharing().exclude(person=viewer).filter(skill=OuterRef("pk"))
    return by_name(Skill.objects.filter(Exists(others)))


@dataclass
class Colleague:
    person: Person
    note: str
    skills: list[Skill]


def colleagues_sharing(viewer: Person, skill: Skill | None = None) -> list[Colleague]:
    """Colleagues who opted in to be found for `skill` (or for any skill): nobody else."""
    claims = (
        _sharing(skill.pk if skill else None)
        .exclude(person=viewer)
        .select_related("person__location", "person__job_role", "person__sharing_profile", "skill")
        .order_by("person__first_name", "person__last_name", "person_id")
    )
    found: dict[int, Colleague] = {}
    for claim in claims:
        person = claim.person
        entry = found.get(person.pk)
        if entry is None:
            entry = found[person.pk] = Colleague(person, person.sharing_profile.note, [])
        entry.skills.append(claim.skill)
    if skill is not None:
        # Show everything else they share too: they chose to.
        extra = _sharing().filter(person_id__in=list(found)).exclude(skill=skill)
        for claim in extra.select_related("skill"):
            found[claim.person_id].skills.append(claim.skill)
    return list(found.values())


def sharing_profile(person: Person) -> SharingProfile | None:
    return SharingProfile.objects.filter(person=person).first()


def conversations_received(person: Person) -> list[ConversationRequest]:
    """Requests to the person, open ones first, newest first within each."""
    found = ConversationRequest.objects.filter(colleague=person).select_related(
        "requester", "skill"
    )
    return _open_first(found)


def conversations_asked(person: Person) -> list[ConversationRequest]:
    found = ConversationRequest.objects.filter(requester=person).select_related(
        "colleague", "skill"
    )
    return _open_first(found)


def _open_first(requests: QuerySet[ConversationRequest]) -> list[ConversationRequest]:
    # sorted() is stable, so the newest-first order of the query stays within each group.
    return sorted(requests, key=lambda r: r.status != ConversationRequest.Status.OPEN)


# --- opportunities -----------------------------------------------------------------------------


def may_post_opportunities(user: AnyUser) -> bool:
    return any(
        can(user, cap)
        for cap in (Capability.COACH_PEOPLE, Capability.MANAGE_PATHS, Capability.MANAGE_PEOPLE)
    )


def open_opportunities(
    *, skill_id: int | None = None, location_id: int | None = None
) -> QuerySet[Opportunity]:
    today = timezone.localdate()
    found = Opportunity.objects.filter(status=Opportunity.Status.OPEN).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )
    if skill_id is not None:
        found = found.filter(skills__id=skill_id)
    if location_id is not None:
        found = found.filter(location_id=location_id)
    return (
        found.select_related("location", "posted_by")
        .prefetch_related("skills")
        .annotate(answers=Count("responses", distinct=True))
        .order_by("closes_on", "-created_at")
    )


def posted_by(person: Person) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(posted_by=person)
        .select_related("location")
        .annotate(answers=Count("responses"))
    )


def gap_skill_ids(person: Person) -> set[int]:
    return {line.skill.pk for line in profile_for(person).gaps}


def answered_ids(person: Person) -> set[int]:
    return set(
        OpportunityResponse.objects.filter(person=person).values_list("opportunity_id", flat=True)
    )
