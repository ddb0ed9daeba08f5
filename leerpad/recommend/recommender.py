"""The hybrid recommender: pure scoring over features loaded beforehand.

Nothing here touches the database: `data.py` loads the catalogue's features, the person's
profile and the community's counts once per request, and the evaluation builds the same
objects from a snapshot, so the rules run the same way in the page, the tests and the
offline evaluation.

Each signal gives a score between 0 and 1 and a reason in plain words with its numbers;
the total is the weighted sum (`Weights`, documented in docs/recommendations.md) minus a
penalty for likeness to what the person dismissed. The ranked list is then diversified
with maximal marginal relevance (MMR) so the top ten are not ten copies of one skill.

Cost, for I candidate items and paths, S seeds (the person's recent history, capped at
`MAX_SEEDS`) and n results: scoring is O(I·S) set and sparse-vector operations, MMR is
O(n·P) with a pool P = 5n. Counting transitions is O(E·W) for E history events and a
window W, done once and cached (see `data.behaviour`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Key = tuple[str, int]  # ("item", pk) or ("path", pk)
Vector = Mapping[str, float]  # a unit-length sparse TF-IDF vector
How = Literal["completed", "opened", "useful"]

FRESH_DAYS = 30
POPULAR_DAYS = 90
TRANSITION_WINDOW = 3  # B counts as "taken after" A when it is among the next 3 things
MIN_TRANSITION_PEOPLE = 2  # one person's habit is not a pattern (and not shown)
MAX_SEEDS = 20
BEHAVIOUR_SEEDS = 8
SEED_DECAY = 0.75  # the most recent thing counts most: "what did people take next"
SIMILAR_DECAY = 0.9
SEED_STRENGTH: dict[str, float] = {"completed": 1.0, "useful": 1.0, "opened": 0.6}
PRIORITY: dict[str, int] = {"completed": 2, "useful": 1, "opened": 0}  # one seed per thing
DISMISSAL_STRENGTH: dict[str, float] = {"not_relevant": 1.0, "know_it": 1.0, "not_now": 0.3}


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; docs/recommendations.md explains the choice."""

    gap: float = 1.0
    role: float = 0.5
    behaviour: float = 3.0
    similar: float = 1.0
    colleagues: float = 1.0
    fresh: float = 1.0
    overall: float = 0.3
    dismissed: float = 2.0
    # Share of the score an item keeps when it is not in the reader's language: Belgians
    # often read a second language, so it sinks rather than disappears.
    other_language: float = 0.6
    diversity: float = 0.3  # 1 - lambda of MMR: 0 keeps the ranking, 1 only spreads


DEFAULT_WEIGHTS = Weights()


# --- what the scorer reads ------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An item or a path as the recommender sees it (loaded once per request)."""

    key: Key
    kind: str  # the catalogue kind, or "path"
    title: str  # in the reader's language: reasons name it
    skills: frozenset[int] = frozenset()
    # The level completing it shows, per skill (paths); items show no level.
    skill_levels: Mapping[int, int] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    text: Mapping[str, Vector] = field(default_factory=dict)  # language → TF-IDF vector
    published_at: dt.datetime | None = None
    roles: frozenset[int] = frozenset()  # audience: job roles
    locations: frozenset[int] = frozenset()  # audience: locations
    languages: frozenset[str] = frozenset()  # the languages it exists in (empty: unknown)
    # For the page only.
    summary: str = ""
    url: str = ""
    minutes: int | None = None
    kind_label: str = ""


@dataclass(frozen=True)
class Took:
    """Something in a person's history: completed, opened or found useful, and when."""

    key: Key
    at: dt.datetime
    how: How


@dataclass(frozen=True)
class Gap:
    skill_id: int
    name: str  # in the reader's language
    needed: int
    have: int
    essential: bool


@dataclass
class Profile:
    person_id: int
    role_id: int | None = None
    role_name: str = ""
    location_id: int | None = None
    location_name: str = ""
    language: str = ""  # the reader's language ("" : any)
    history: Sequence[Took] = ()  # oldest first
    gaps: Sequence[Gap] = ()
    dismissed: Mapping[Key, str] = field(default_factory=dict)  # key → reason
    # Not to suggest, whatever the score: enrolled paths, registered sessions, steps of
    # paths the person follows (the "Continue" panel shows those).
    excluded: Collection[Key] = frozenset()

    def seen(self) -> set[Key]:
        """What the person has done or opened: never suggested again."""
        return {t.key for t in self.history if t.how != "useful"}

    def seeds(self, limit: int = MAX_SEEDS) -> list[Took]:
        """The most recent distinct things, newest first, each at the last time it was
        touched and as its strongest way: completed, then found useful, then opened."""
        best: dict[Key, Took] = {}
        for took in self.history:
            current = best.get(took.key)
            if current is None:
                best[took.key] = took
                continue
            how = took.how if PRIORITY[took.how] >= PRIORITY[current.how] else current.how
            best[took.key] = Took(took.key, max(took.at, current.at), how)
        return sorted(best.values(), key=lambda t: (t.at, t.key), reverse=True)[:limit]


@dataclass
class Community:
    """What colleagues did, as counts of people (never who)."""

    # next_after[a][b]: people who took b within TRANSITION_WINDOW steps after a.
    next_after: Mapping[Key, Mapping[Key, int]] = field(default_factory=dict)
    support: Mapping[Key, int] = field(default_factory=dict)  # people who took a
    local: Mapping[Key, int] = field(default_factory=dict)  # completed at the location, 90 d
    role: Mapping[Key, int] = field(default_factory=dict)  # completed in the role, 90 d
    overall: Mapping[Key, int] = field(default_factory=dict)  # completed, everyone
    k: int = 5  # smallest group whose count may be shown (settings.LEERPAD_MIN_GROUP_SIZE)
    # Closeness in meaning (0..1) to the person's history, when embeddings are configured.
    meaning: Mapping[Key, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: str  # gap, role, behaviour, similar, colleagues, fresh(-role, -location), overall
    points: float  # weighted contribution to the score
    text: str
    detail: str = ""


@dataclass
class Scored:
    key: Key
    score: float
    reasons: list[Reason]
    penalty: float = 0.0
    penalty_text: str = ""

    @property
    def reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None


# --- text -----------------------------------------------------------------------------


def tfidf(docs: Mapping[Key, Sequence[str]]) -> dict[Key, dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smoothed idf) of token lists in one language."""
    df: Counter[str] = Counter()
    for tokens in docs.values():
        df.update(set(tokens))
    n = len(docs)
    vectors: dict[Key, dict[str, float]] = {}
    for key, tokens in docs.items():
        counts = Counter(tokens)
        vector = {
            t: (1 + math.log(c)) * (math.log((n + 1) / (df[t] + 1)) + 1) for t, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors[key] = {t: v / norm for t, v in vector.items()} if norm else {}
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def text_similarity(a: Candidate, b: Candidate) -> float:
    """Cosine of the texts in the best language both are written in (0 if none)."""
    best = 0.0
    for language, vector in a.text.items():
        other = b.text.get(language)
        if other:
            best = max(best, cosine(vector, other))
    return best


def jaccard(a: frozenset[int] | frozenset[str], b: frozenset[int] | frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)  # type: ignore[operator]
    return shared / (len(a) + len(b) - shared)


def likeness(a: Candidate, b: Candidate) -> float:
    """Content similarity: shared skills, tags and words (0..1)."""
    return (
        0.5 * jaccard(a.skills, b.skills)
        + 0.15 * jaccard(a.tags, b.tags)
        + 0.35 * (text_similarity(a, b))
    )


def sameness(a: Candidate, b: Candidate) -> float:
    """How interchangeable two suggestions look in a list (skills and kind): for MMR."""
    return 0.75 * jaccard(a.skills, b.skills) + 0.25 * (1.0 if a.kind == b.kind else 0.0)


# --- behaviour ------------------------------------------------------------------------


def count_transitions(
    sequences: Iterable[Sequence[Key]], window: int = TRANSITION_WINDOW
) -> tuple[dict[Key, dict[Key, int]], dict[Key, int]]:
    """From each person's things in time order (each thing once): how many people took b
    within `window` steps after a, and how many people took a at all."""
    next_after: dict[Key, dict[Key, int]] = {}
    support: Counter[Key] = Counter()
    for sequence in sequences:
        support.update(set(sequence))
        pairs: set[tuple[Key, Key]] = set()
        for i, b in enumerate(sequence):
            for a in sequence[max(0, i - window) : i]:
                if a != b:
                    pairs.add((a, b))
        for a, b in pairs:
            row = next_after.setdefault(a, {})
            row[b] = row.get(b, 0) + 1
    return next_after, dict(support)


# --- the signals ----------------------------------------------------------------------


def _gap_fit(c: Candidate, profile: Profile) -> tuple[float, Reason | None]:
    strengths: list[tuple[float, Gap]] = []
    for gap in profile.gaps:
        if gap.skill_id not in c.skills:
            continue
        shows = c.skill_levels.get(gap.skill_id)
        if shows is not None and shows <= gap.have:
            continue  # completing it would not take the person further
        importance = 1.0 if gap.essential else 0.5
        strengths.append((importance * min(1.0, (gap.needed - gap.have) / 2), gap))
    if not strengths:
        return 0.0, None
    strengths.sort(key=lambda s: (-s[0], s[1].name))
    best, gap = strengths[0]
    score = min(1.5, best + 0.25 * sum(s for s, _g in strengths[1:]))
    text = _("Because your role needs %(skill)s") % {"skill": gap.name}
    if gap.have:
        detail = _("Your role needs level %(needed)d; your level is %(have)d.") % {
            "needed": gap.needed,
            "have": gap.have,
        }
    else:
        detail = _("Your role needs level %(needed)d; you have no level yet.") % {
            "needed": gap.needed
        }
    if len(strengths) > 1:
        detail += " " + ngettext(
            "It also covers %(count)d more skill your role needs.",
            "It also covers %(count)d more skills your role needs.",
            len(strengths) - 1,
        ) % {"count": len(strengths) - 1}
    return score, Reason("gap", score, text, detail)


def _role_fit(c: Candidate, profile: Profile) -> tuple[float, Reason | None]:
    if profile.role_id is None or profile.role_id not in c.roles:
        return 0.0, None
    text = _("Made for your role (%(role)s)") % {"role": profile.role_name}
    return 1.0, Reason("role", 1.0, text)


def _behaviour(
    c: Candidate,
    seeds: Sequence[Took],
    community: Community,
    titles: Mapping[Key, str],
) -> tuple[float, Reason | None]:
    total = 0.0
    best: tuple[float, Key, int] | None = None
    for i, seed in enumerate(seeds[:BEHAVIOUR_SEEDS]):
        people = community.next_after.get(seed.key, {}).get(c.key, 0)
        if people < MIN_TRANSITION_PEOPLE:
            continue
        # Shrunk towards 0 for rare seeds: 2 of 3 is weaker evidence than 20 of 30.
        share = people / (community.support.get(seed.key, people) + 2)
        contribution = (SEED_DECAY**i) * share
        total += contribution
        if best is None or contribution > best[0]:
            best = (contribution, seed.key, people)
    if best is None:
        return 0.0, None
    score = min(1.0, total)
    _contribution, after, people = best
    title = titles.get(after, "")
    if not title:
        text = _("Often taken next by colleagues who took what you took")
    elif people >= community.k:
        text = _("Often taken after %(title)s (%(count)d colleagues)") % {
            "title": title,
            "count": people,
        }
    else:
        text = _("Often taken after %(title)s") % {"title": title}
    detail = _("Colleagues who took what you took recently often took this next.")
    return score, Reason("behaviour", score, text, detail)


def _similar(
    c: Candidate,
    seeds: Sequence[tuple[Candidate, How, float]],
    meaning: Mapping[Key, float],
) -> tuple[float, Reason | None]:
    best = 0.0
    found: tuple[Candidate, How] | None = None
    for seed, how, strength in seeds:
        value = strength * likeness(c, seed)
        if value > best:
            best, found = value, (seed, how)
    score = 0.75 * best + 0.25 * meaning.get(c.key, 0.0) if meaning else best
    if found is None or score < 0.05:
        return 0.0, None
    seed, how = found
    shared = len(c.skills & seed.skills)
    text = _similar_text(seed.title, how, shared)
    detail = ""
    if c.key in meaning:
        detail = _("Close in meaning to what you took recently.")
    return score, Reason("similar", score, text, detail)


def _similar_text(title: str, how: How, shared: int) -> str:
    values = {"title": title, "count": shared}
    if shared:
        if how == "useful":
            return (
                ngettext(
                    "Like %(title)s, which you found useful: %(count)d skill in common",
                    "Like %(title)s, which you found useful: %(count)d skills in common",
                    shared,
                )
                % values
            )
        if how == "opened":
            return (
                ngettext(
                    "Like %(title)s, which you opened: %(count)d skill in common",
                    "Like %(title)s, which you opened: %(count)d skills in common",
                    shared,
                )
                % values
            )
        return (
            ngettext(
                "Like %(title)s, which you completed: %(count)d skill in common",
                "Like %(title)s, which you completed: %(count)d skills in common",
                shared,
            )
            % values
        )
    if how == "useful":
        return _("Like %(title)s, which you found useful") % values
    if how == "opened":
        return _("Like %(title)s, which you opened") % values
    return _("Like %(title)s, which you completed") % values


def _colleagues(
    c: Candidate, profile: Profile, community: Community, top: tuple[int, int]
) -> tuple[float, Reason | None]:
    """Counts below k neither show nor count: a small group's choice is nearly personal."""
    local = community.local.get(c.key, 0)
    role = community.role.get(c.key, 0)
    local_score = local / top[0] if local >= community.k and top[0] else 0.0
    role_score = role / top[1] if role >= community.k and top[1] else 0.0
    if not local_score and not role_score:
        return 0.0, None
    if local_score >= role_score:
        text = _("%(count)d colleagues in %(location)s completed this") % {
            "count": local,
            "location": profile.location_name,
        }
        score = local_score
    else:
        text = _("%(count)d colleagues in your role completed this") % {"count": role}
        score = role_score
    detail = ngettext(
        "Counted over the last %(days)d day.", "Counted over the last %(days)d days.", POPULAR_DAYS
    ) % {"days": POPULAR_DAYS}
    return score, Reason("colleagues", score, text, detail)


def _fresh(c: Candidate, profile: Profile, now: dt.datetime) -> tuple[float, Reason | None]:
    if (
        c.published_at is None
        or c.published_at < now - dt.timedelta(days=FRESH_DAYS)
        or c.published_at > now  # only in an evaluation that looks back in time
    ):
        return 0.0, None
    days = max(0, (now - c.published_at).days)
    detail = ngettext("Published %(days)d day ago.", "Published %(days)d days ago.", days) % {
        "days": days
    }
    if days == 0:
        detail = _("Published today.")
    if profile.role_id is not None and profile.role_id in c.roles:
        return 1.0, Reason("fresh-role", 1.0, _("New for your role"), detail)
    if profile.location_id is not None and profile.location_id in c.locations:
        return 1.0, Reason("fresh-location", 1.0, _("New at your location"), detail)
    if not c.roles and not c.locations:
        return 0.3, Reason("fresh", 0.3, _("New in the catalogue"), detail)
    return 0.0, None  # new, but meant for other roles or places


def _overall(c: Candidate, community: Community, top: int) -> tuple[float, Reason | None]:
    count = community.overall.get(c.key, 0)
    if not count or not top:
        return 0.0, None
    score = count / top
    if count < community.k:
        return score, None  # counts in the ranking as a tie-breaker, never shown
    text = _("Completed by %(count)d colleagues") % {"count": count}
    return score, Reason("overall", score, text)


def _dismissal_penalty(
    c: Candidate, dismissed: Sequence[tuple[Candidate, str]]
) -> tuple[float, str]:
    worst, title = 0.0, ""
    for other, reason in dismissed:
        value = DISMISSAL_STRENGTH.get(reason, 1.0) * (
            0.7 * jaccard(c.skills, other.skills) + 0.3 * jaccard(c.tags, other.tags)
        )
        if value > worst:
            worst, title = value, other.title
    if not worst:
        return 0.0, ""
    return worst, _("Ranked lower: like %(title)s, which you marked as not for you") % {
        "title": title
    }


# --- putting it together --------------------------------------------------------------


def candidates_for(
    profile: Profile, features: Mapping[Key, Candidate], offered: Collection[Key]
) -> list[Candidate]:
    """What may be suggested: offered, not done or opened, not excluded, not dismissed."""
    blocked = profile.seen() | set(profile.excluded) | set(profile.dismissed)
    return [features[key] for key in offered if key not in blocked and key in features]


def score(
    profile: Profile,
    features: Mapping[Key, Candidate],
    offered: Collection[Key],
    community: Community,
    now: dt.datetime,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Scored]:
    """Every suggestible candidate with its score and reasons (strongest first), best first.

    Candidates without a single reason are left out: every suggestion says why.
    """
    pool = candidates_for(profile, features, offered)
    seeds = profile.seeds()
    titles = {key: c.title for key, c in features.items()}
    # "People who completed what you completed took this next": completions only.
    completed = [t for t in seeds if t.how == "completed"]
    # Recent things count more here too: people move on from what they did long ago.
    content_seeds = [
        (features[t.key], t.how, SEED_STRENGTH[t.how] * SIMILAR_DECAY**i)
        for i, t in enumerate(seeds)
        if t.key in features
    ]
    dismissed = [(features[k], r) for k, r in profile.dismissed.items() if k in features]
    top_local = max((community.local.get(c.key, 0) for c in pool), default=0)
    top_role = max((community.role.get(c.key, 0) for c in pool), default=0)
    top_overall = max((community.overall.get(c.key, 0) for c in pool), default=0)
    raw: list[tuple[Candidate, list[tuple[float, float, Reason | None]]]] = []
    for c in pool:
        signals = [
            (weights.gap, *_gap_fit(c, profile)),
            (weights.role, *_role_fit(c, profile)),
            (weights.behaviour, *_behaviour(c, completed, community, titles)),
            (weights.similar, *_similar(c, content_seeds, community.meaning)),
            (weights.colleagues, *_colleagues(c, profile, community, (top_local, top_role))),
            (weights.fresh, *_fresh(c, profile, now)),
            (weights.overall, *_overall(c, community, top_overall)),
        ]
        raw.append((c, signals))
    # Behaviour and likeness have no natural scale (shares and cosines run small when the
    # catalogue is large): the best candidate on each gets 1, so the weights compare like
    # with like. Gap, freshness and colleagues are on their own 0..1 scales already.
    for index in (2, 3):
        top = max((signals[index][1] for _c, signals in raw), default=0.0)
        if top > 0:
            for _c, signals in raw:
                weight, value, reason = signals[index]
                signals[index] = (weight, value / top, reason)
    results: list[Scored] = []
    for c, signals in raw:
        total = 0.0
        reasons: list[Reason] = []
        for weight, value, reason in signals:
            if not weight or not value:
                continue
            total += weight * value
            if reason is not None:
                reasons.append(Reason(reason.code, weight * value, reason.text, reason.detail))
        codes = {reason.code for reason in reasons}
        # Say each thing once: the count at the location covers the overall one, and
        # "new for your role" covers "made for your role".
        reasons = [
            reason
            for reason in reasons
            if not (reason.code == "overall" and "colleagues" in codes)
            and not (reason.code == "role" and "fresh-role" in codes)
        ]
        if not reasons:
            continue
        penalty, penalty_text = _dismissal_penalty(c, dismissed) if dismissed else (0.0, "")
        total -= weights.dismissed * penalty
        if profile.language and c.languages and profile.language not in c.languages:
            total *= weights.other_language
        reasons.sort(key=lambda r: -r.points)
        results.append(Scored(c.key, total, reasons[:3], penalty, penalty_text))
    results.sort(key=lambda s: (-s.score, s.key))
    return results


def diversify(
    scored: Sequence[Scored],
    features: Mapping[Key, Candidate],
    n: int,
    diversity: float = DEFAULT_WEIGHTS.diversity,
    similarity: Callable[[Candidate, Candidate], float] = sameness,
) -> list[Scored]:
    """Maximal marginal relevance: pick, one by one, the candidate with the best
    (1 - diversity) * relevance - diversity * redundancy.

    Redundancy is half the likeness to the closest item already picked (classic MMR: no
    near-copies) and half the mean likeness to all of them (how much of the list is
    already about this skill), so a second skill gets in early and a third and fourth
    one follow, instead of one token item in a list of nine copies.
    """
    pool = list(scored[: max(5 * n, 50)])
    if not pool or n <= 0:
        return []
    top = max(abs(pool[0].score), 1e-9)
    relevance = {s.key: s.score / top for s in pool}
    picked: list[Scored] = []
    closest = dict.fromkeys(relevance, 0.0)  # max likeness to the picked ones
    total = dict.fromkeys(relevance, 0.0)  # summed likeness to the picked ones

    def value(i: int) -> tuple[float, int]:
        key = pool[i].key
        redundancy = (0.5 * closest[key] + 0.5 * total[key] / len(picked)) if picked else 0.0
        return (1 - diversity) * relevance[key] - diversity * redundancy, -i

    while pool and len(picked) < n:
        chosen = pool.pop(max(range(len(pool)), key=value))
        picked.append(chosen)
        base = features[chosen.key]
        for other in pool:
            likeness_ = similarity(features[other.key], base)
            total[other.key] += likeness_
            if likeness_ > closest[other.key]:
                closest[other.key] = likeness_
    return picked


def recommend(
    profile: Profile,
    features: Mapping[Key, Candidate],
    offered: Collection[Key],
    community: Community,
    now: dt.datetime,
    n: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Scored]:
    """The top `n`, diversified."""
    ranked = score(profile, features, offered, community, now, weights)
    return diversify(ranked, features, n, weights.diversity)


def new_for(
    profile: Profile,
    features: Mapping[Key, Candidate],
    offered: Collection[Key],
    now: dt.datetime,
    n: int = 6,
) -> list[tuple[Key, Reason]]:
    """Published in the last FRESH_DAYS days for the person's role or location, newest first."""
    found: list[tuple[dt.datetime, Key, Reason]] = []
    for c in candidates_for(profile, features, offered):
        value, reason = _fresh(c, profile, now)
        if reason is not None and value >= 1.0 and c.published_at is not None:
            found.append((c.published_at, c.key, reason))
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    return [(key, reason) for _at, key, reason in found[:n]]


def popular_with_colleagues(
    profile: Profile,
    features: Mapping[Key, Candidate],
    offered: Collection[Key],
    community: Community,
    n: int = 6,
) -> list[tuple[Key, Reason]]:
    """Completed by at least k colleagues at the location or in the role, most first."""
    pool = candidates_for(profile, features, offered)
    top = (
        max((community.local.get(c.key, 0) for c in pool), default=0),
        max((community.role.get(c.key, 0) for c in pool), default=0),
    )
    found: list[tuple[int, Key, Reason]] = []
    for c in pool:
        _value, reason = _colleagues(c, profile, community, top)
        if reason is not None:
            count = max(
                v if v >= community.k else 0
                for v in (community.local.get(c.key, 0), community.role.get(c.key, 0))
            )
            found.append((count, c.key, reason))
    found.sort(key=lambda f: (-f[0], f[1]))
    return [(key, reason) for _count, key, reason in found[:n]]


def popularity_baseline(
    profile: Profile,
    features: Mapping[Key, Candidate],
    offered: Collection[Key],
    community: Community,
    n: int = 10,
) -> list[Key]:
    """The baseline the evaluation compares with: most completed overall, not yet taken."""
    pool = candidates_for(profile, features, offered)
    pool.sort(key=lambda c: (-community.overall.get(c.key, 0), c.key))
    return [c.key for c in pool[:n]]
