"""Loading what the recommender reads, with a fixed number of queries per request.

- `load_catalogue`: every published item and path as a `Candidate` (skills, tags, TF-IDF
  vectors of titles and summaries per language, audience), with the activity IRIs that
  stand for each, in about a dozen queries whatever the size of the catalogue.
- `load_profile`: one person's history (completions index, the catalogue statements
  they made in the LRS, "useful" votes), role gaps, dismissals and exclusions.
- `load_community`: what colleagues did, as counts: transitions between things taken in
  sequence (cached, see `behaviour`), and completions at the location and in the role.

Everything here is read-only; the scoring itself is in `recommender.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leerpad.accounts.models import Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import (
    ContentItem,
    ItemTranslation,
    Kind,
    Package,
    Rating,
    Registration,
    Session,
    Status,
)
from leerpad.core.logging import get_logger
from leerpad.lrs.models import Statement, key_hash
from leerpad.paths import tracking as paths_tracking
from leerpad.paths.models import Completion, Enrolment, Path, PathSkill, PathVersion, Step
from leerpad.recommend.models import Dismissal
from leerpad.recommend.recommender import (
    POPULAR_DAYS,
    Candidate,
    Community,
    Gap,
    Key,
    Profile,
    Took,
    count_transitions,
    tfidf,
)
from leerpad.search import analysis
from leerpad.skills.models import RoleSkill, SkillClaim, SkillEvidence

log = get_logger(__name__)

# What a person does with an item on Leerpad's own pages that says "I took this".
OPENED_VERBS = (
    catalog_tracking.VIEWED,
    catalog_tracking.PLAYED,
    catalog_tracking.LAUNCHED,
    catalog_tracking.DOWNLOADED,
)
BEHAVIOUR_TTL = 10 * 60  # seconds; new completions change the cache key before that
HISTORY_DAYS = 365  # how far back a person's own page visits count
MEANING_SEEDS = 5
TEXT_LIMIT = 1000  # characters of a summary that count for likeness


def tokens(text: str, language: str) -> list[str]:
    """Stems of the words of `text` (the search app's folding, stop words and stemmers)."""
    lang = language if language in analysis.LANGUAGES else "en"
    return [analysis.stem(word, lang) for word, _start, _end in analysis.words(text, lang)]


def _pick(texts: Mapping[str, str], language: str, original: str = "") -> str:
    return (
        texts.get(language)
        or texts.get(original)
        or texts.get("en")
        or next((t for t in texts.values() if t), "")
    )


def path_url(key: str) -> str:
    try:
        return reverse("paths:path", args=[key])
    except NoReverseMatch:
        # The path pages ship with the paths app; their address is fixed already.
        return f"/paths/{key}/"


# --- the catalogue --------------------------------------------------------------------


@dataclass
class Catalogue:
    features: dict[Key, Candidate]
    offered: set[Key]  # what may be suggested now (sessions need a date to come)
    by_iri: dict[str, Key]


def load_catalogue(language: str, now: dt.datetime) -> Catalogue:
    """Published items and paths as candidates, their titles in `language`."""
    published = Q(contentitem__status=Status.PUBLISHED)
    items = list(
        ContentItem.objects.filter(status=Status.PUBLISHED).values_list(
            "id", "kind", "language", "tags", "published_at", "duration_minutes"
        )
    )
    titles: dict[int, dict[str, str]] = {}
    summaries: dict[int, dict[str, str]] = {}
    for item_id, lang, title, summary in ItemTranslation.objects.filter(
        item__status=Status.PUBLISHED
    ).values_list("item_id", "language", "title", "summary"):
        titles.setdefault(item_id, {})[lang] = title
        summaries.setdefault(item_id, {})[lang] = summary
    skills = _pairs(
        ContentItem.skills.through.objects.filter(published), "contentitem_id", "skill_id"
    )
    roles = _pairs(
        ContentItem.audience_job_roles.through.objects.filter(published),
        "contentitem_id",
        "jobrole_id",
    )
    locations = _pairs(
        ContentItem.audience_locations.through.objects.filter(published),
        "contentitem_id",
        "location_id",
    )
    packages = dict(
        Package.objects.filter(item__status=Status.PUBLISHED)
        .exclude(activity_id="")
        .values_list("item_id", "activity_id")
    )
    upcoming = set(
        Session.objects.filter(item__status=Status.PUBLISHED, starts_at__gt=now).values_list(
            "item_id", flat=True
        )
    )
    kind_labels = {value: str(label) for value, label in Kind.choices}
    # One reverse() for all items: the page address, and the activity IRI built on it
    # exactly as `catalog.tracking.activity_id` does.
    placeholder = "987654321"
    page_of = reverse("catalog:item", args=[int(placeholder)])
    site = settings.SITE_URL.rstrip("/")

    features: dict[Key, Candidate] = {}
    offered: set[Key] = set()
    by_iri: dict[str, Key] = {}
    docs: dict[str, dict[Key, list[str]]] = {}
    for item_id, kind, original, tags, published_at, minutes in items:
        key: Key = ("item", item_id)
        texts = titles.get(item_id, {})
        for lang, title in texts.items():
            # Titles and summaries, not the body: what the item is about, quickly.
            words = f"{title} {summaries.get(item_id, {}).get(lang, '')[:TEXT_LIMIT]}"
            docs.setdefault(lang, {})[key] = tokens(words, lang)
        features[key] = Candidate(
            key=key,
            kind=kind,
            title=_pick(texts, language, original) or f"#{item_id}",
            skills=frozenset(skills.get(item_id, ())),
            tags=frozenset(str(t).casefold() for t in (tags or []) if str(t).strip()),
            published_at=published_at,
            roles=frozenset(roles.get(item_id, ())),
            locations=frozenset(locations.get(item_id, ())),
            languages=frozenset(texts),
            summary=_pick(summaries.get(item_id, {}), language, original),
            url=page_of.replace(placeholder, str(item_id)),
            minutes=minutes,
            kind_label=kind_labels.get(kind, kind),
        )
        if kind != Kind.SESSION or item_id in upcoming:
            offered.add(key)
        by_iri[site + page_of.replace(placeholder, str(item_id))] = key
        if item_id in packages:
            by_iri[packages[item_id]] = key

    _add_paths(features, offered, by_iri, docs, language)
    vectors = {lang: tfidf(lang_docs) for lang, lang_docs in docs.items()}
    for key, candidate in list(features.items()):
        text = {lang: v[key] for lang, v in vectors.items() if v.get(key)}
        features[key] = replace(candidate, text=text)
    return Catalogue(features, offered, by_iri)


def _pairs(rows: Any, left: str, right: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for a, b in rows.values_list(left, right):
        found.setdefault(a, []).append(b)
    return found


def _add_paths(
    features: dict[Key, Candidate],
    offered: set[Key],
    by_iri: dict[str, Key],
    docs: dict[str, dict[Key, list[str]]],
    language: str,
) -> None:
    paths = list(
        Path.objects.filter(
            is_archived=False, current__status=PathVersion.Status.PUBLISHED
        ).values_list(
            "id",
            "key",
            "current_id",
            "current__titles",
            "current__summaries",
            "current__published_at",
        )
    )
    versions = [p[2] for p in paths]
    levels: dict[int, dict[int, int]] = {}
    for version_id, skill_id, level in PathSkill.objects.filter(
        version_id__in=versions
    ).values_list("version_id", "skill_id", "level"):
        levels.setdefault(version_id, {})[skill_id] = level
    roles = _pairs(
        PathVersion.audience_roles.through.objects.filter(pathversion_id__in=versions),
        "pathversion_id",
        "jobrole_id",
    )
    locations = _pairs(
        PathVersion.audience_locations.through.objects.filter(pathversion_id__in=versions),
        "pathversion_id",
        "location_id",
    )
    step_counts = dict(
        Step.objects.filter(version_id__in=versions)
        .values("version_id")
        .annotate(m=Count("id"))
        .values_list("version_id", "m")
    )
    label = _("Learning path")
    for path_id, path_key, version_id, titles, summaries, published_at in paths:
        key: Key = ("path", path_id)
        steps = step_counts.get(version_id, 0)
        titles = titles or {}
        summaries = summaries or {}
        for lang, title in titles.items():
            summary = str(summaries.get(lang, ""))[:TEXT_LIMIT]
            docs.setdefault(lang, {})[key] = tokens(f"{title} {summary}", lang)
        features[key] = Candidate(
            key=key,
            kind="path",
            title=_pick(titles, language) or path_key,
            skills=frozenset(levels.get(version_id, {})),
            skill_levels=levels.get(version_id, {}),
            published_at=published_at,
            roles=frozenset(roles.get(version_id, ())),
            locations=frozenset(locations.get(version_id, ())),
            languages=frozenset(lang for lang, text in titles.items() if text),
            summary=_pick(summaries, language),
            url=path_url(path_key),
            minutes=None,
            kind_label=(
                ngettext("Learning path · %(count)d step", "Learning path · %(count)d steps", steps)
                % {"count": steps}
                if steps
                else label
            ),
        )
        offered.add(key)
        by_iri[paths_tracking.path_iri(path_key)] = key


# --- one person -----------------------------------------------------------------------


def actor_prefix() -> str:
    """The start of the actor IFI of every Leerpad person (see `lrs.agents`)."""
    return f"account:{settings.SITE_URL}|"


def _first(events: Iterable[Took]) -> list[Took]:
    """One event per thing and way (the first), in time order."""
    first: dict[tuple[Key, str], Took] = {}
    for event in events:
        current = first.get((event.key, event.how))
        if current is None or event.at < current.at:
            first[(event.key, event.how)] = event
    return sorted(first.values(), key=lambda t: (t.at, t.key, t.how))


def history_of(person_id: int, by_iri: Mapping[str, Key], now: dt.datetime) -> list[Took]:
    """What the person completed, opened and found useful, oldest first."""
    events: list[Took] = []
    for iri, at in Completion.objects.filter(person_id=person_id).values_list(
        "activity_iri", "completed_at"
    ):
        if iri in by_iri:
            events.append(Took(by_iri[iri], at, "completed"))
    opened = Statement.objects.filter(
        actor_ifi=f"{actor_prefix()}{person_id}",
        stored__gte=now - dt.timedelta(days=HISTORY_DAYS),
        verb_iri__in=OPENED_VERBS,
        voided=False,
    ).values_list("object_iri", "timestamp")
    for iri, at in opened:
        if iri in by_iri:
            events.append(Took(by_iri[iri], at, "opened"))
    for item_id, at in Rating.objects.filter(person_id=person_id).values_list(
        "item_id", "created_at"
    ):
        events.append(Took(("item", item_id), at, "useful"))
    return _first(events)


@dataclass(frozen=True)
class RoleLine:
    skill_id: int
    names: Mapping[str, str]
    key: str
    level: int
    essential: bool


def gaps_from(
    lines: Sequence[RoleLine],
    levels: Iterable[tuple[int, int | None]],
    language: str,
) -> list[Gap]:
    """The role's skills the person lacks: their level (the best of evidence and their
    own claim) is below the level the role needs."""
    have: dict[int, int] = {}
    for skill_id, level in levels:
        if level is not None:
            have[skill_id] = max(have.get(skill_id, 0), level)
    gaps = []
    for line in lines:
        current = have.get(line.skill_id, 0)
        if current < line.level:
            name = _pick(dict(line.names), language) or line.key
            gaps.append(Gap(line.skill_id, name, line.level, current, line.essential))
    return gaps


def role_lines(role_ids: Iterable[int]) -> dict[int, list[RoleLine]]:
    found: dict[int, list[RoleLine]] = {}
    for role_id, skill_id, names, key, level, essential in RoleSkill.objects.filter(
        job_role_id__in=list(role_ids)
    ).values_list("job_role_id", "skill_id", "skill__names", "skill__key", "level", "essential"):
        found.setdefault(role_id, []).append(RoleLine(skill_id, names or {}, key, level, essential))
    return found


def load_profile(person: Person, catalogue: Catalogue, language: str, now: dt.datetime) -> Profile:
    person_id = person.pk
    lines = (
        role_lines([person.job_role_id]).get(person.job_role_id, []) if person.job_role_id else []
    )
    levels: list[tuple[int, int | None]] = []
    if lines:
        wanted = [line.skill_id for line in lines]
        levels += list(
            SkillEvidence.objects.filter(person_id=person_id, skill_id__in=wanted).values_list(
                "skill_id", "level"
            )
        )
        levels += list(
            SkillClaim.objects.filter(person_id=person_id, skill_id__in=wanted).values_list(
                "skill_id", "self_level"
            )
        )
    dismissed: dict[Key, str] = {}
    for item_id, path_id, reason in Dismissal.objects.filter(person_id=person_id).values_list(
        "item_id", "path_id", "reason"
    ):
        dismissed[("item", item_id) if item_id else ("path", path_id)] = reason
    excluded: set[Key] = {
        ("path", path_id)
        for path_id in Enrolment.objects.filter(person_id=person_id).values_list(
            "path_id", flat=True
        )
    }
    excluded |= {
        ("item", item_id)
        for item_id in Step.objects.filter(
            version__enrolments__person_id=person_id,
            version__enrolments__status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED],
            item__isnull=False,
        ).values_list("item_id", flat=True)
    }
    excluded |= {
        ("item", item_id)
        for item_id in Registration.objects.filter(
            person_id=person_id,
            state__in=[Registration.State.REGISTERED, Registration.State.WAITING],
            session__starts_at__gt=now,
        ).values_list("session__item_id", flat=True)
    }
    return Profile(
        person_id=person_id,
        role_id=person.job_role_id,
        role_name=person.job_role.name if person.job_role else "",
        location_id=person.location_id,
        location_name=person.location.name if person.location else "",
        language=language,
        history=history_of(person_id, catalogue.by_iri, now),
        gaps=gaps_from(lines, levels, language),
        dismissed=dismissed,
        excluded=frozenset(excluded),
    )


# --- the community --------------------------------------------------------------------


def all_events(by_iri: Mapping[str, Key], *, opened: bool = True) -> dict[int, list[Took]]:
    """Everyone's first completion (and, with `opened`, first opening) of each thing, per
    person, in time order: one aggregate query on the completions index and one on the
    LRS's indexed verb column."""
    events: dict[int, list[Took]] = {}
    for person_id, iri, at in (
        Completion.objects.values("person_id", "activity_iri")
        .annotate(at=Min("completed_at"))
        .values_list("person_id", "activity_iri", "at")
    ):
        if iri in by_iri:
            events.setdefault(person_id, []).append(Took(by_iri[iri], at, "completed"))
    if not opened:
        return {person_id: _first(found) for person_id, found in events.items()}
    prefix = actor_prefix()
    rows = (
        Statement.objects.filter(
            verb_hash__in=[key_hash(v) for v in OPENED_VERBS],
            verb_iri__in=OPENED_VERBS,
            voided=False,
            actor_ifi__startswith=prefix,
        )
        .values("actor_ifi", "object_iri")
        .annotate(at=Min("timestamp"))
        .values_list("actor_ifi", "object_iri", "at")
    )
    for actor, iri, at in rows:
        pk = actor[len(prefix) :]
        if iri in by_iri and pk.isdigit():
            events.setdefault(int(pk), []).append(Took(by_iri[iri], at, "opened"))
    return {person_id: _first(found) for person_id, found in events.items()}


def sequence_of(events: Sequence[Took]) -> list[Key]:
    """What the person completed, each thing once, in the order they first completed it.

    Only completions: page visits are browsing, and sequences of them predict what
    people complete next less well (measured on the demo history, see
    docs/recommendations.md)."""
    seen: set[Key] = set()
    sequence: list[Key] = []
    for event in events:
        if event.how == "completed" and event.key not in seen:
            seen.add(event.key)
            sequence.append(event.key)
    return sequence


@dataclass
class Behaviour:
    next_after: dict[Key, dict[Key, int]] = field(default_factory=dict)
    support: dict[Key, int] = field(default_factory=dict)
    overall: dict[Key, int] = field(default_factory=dict)


def behaviour_from(events: Mapping[int, Sequence[Took]]) -> Behaviour:
    next_after, support = count_transitions(sequence_of(e) for e in events.values())
    overall: dict[Key, int] = {}
    for found in events.values():
        for key in {e.key for e in found if e.how == "completed"}:
            overall[key] = overall.get(key, 0) + 1
    return Behaviour(next_after, support, overall)


def behaviour(catalogue: Catalogue) -> Behaviour:
    """Transitions and overall counts, cached for some minutes and keyed on the last
    completion, so a new completion (or a voided one) is reflected at once."""
    state = Completion.objects.aggregate(last=Max("id"), n=Count("id"))
    key = f"recommend:behaviour:v1:{state['last'] or 0}:{state['n']}"
    found = cache.get(key)
    if isinstance(found, Behaviour):
        return found
    computed = behaviour_from(all_events(catalogue.by_iri, opened=False))
    cache.set(key, computed, BEHAVIOUR_TTL)
    return computed


def _completed_by(
    people: Q, person_id: int, catalogue: Catalogue, since: dt.datetime
) -> dict[Key, int]:
    counts: dict[Key, int] = {}
    rows = (
        Completion.objects.filter(people, completed_at__gte=since)
        .exclude(person_id=person_id)
        .values("activity_iri")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("activity_iri", "n")
    )
    for iri, n in rows:
        key = catalogue.by_iri.get(iri)
        if key is not None:
            counts[key] = max(counts.get(key, 0), n)  # a package has two IRIs
    return counts


def meaning_for(profile: Profile, catalogue: Catalogue) -> dict[Key, float]:
    """With embeddings configured: how close in meaning each item is to the titles of
    the person's latest things (1 for the closest, falling with the rank)."""
    from leerpad.search import service

    if not service.semantic_enabled():
        return {}
    seeds = [catalogue.features[t.key].title for t in profile.seeds(MEANING_SEEDS)]
    seeds = [s for s in seeds if s]
    if not seeds:
        return {}
    try:
        from leerpad.search import semantic

        nearest = semantic.nearest(" ".join(seeds), k=200)
    except Exception:  # a broken model must not cost the person their home page
        log.exception("recommend.meaning_failed")
        return {}
    return {("item", pk): 1 - rank / len(nearest) for rank, pk in enumerate(nearest)}


def load_community(
    person: Person, catalogue: Catalogue, profile: Profile, now: dt.datetime
) -> Community:
    counts = behaviour(catalogue)
    since = now - dt.timedelta(days=POPULAR_DAYS)
    local = (
        _completed_by(Q(person__location_id=person.location_id), person.pk, catalogue, since)
        if person.location_id
        else {}
    )
    role = (
        _completed_by(Q(person__job_role_id=person.job_role_id), person.pk, catalogue, since)
        if person.job_role_id
        else {}
    )
    return Community(
        next_after=counts.next_after,
        support=counts.support,
        local=local,
        role=role,
        overall=counts.overall,
        k=int(settings.LEERPAD_MIN_GROUP_SIZE),
        meaning=meaning_for(profile, catalogue),
    )
