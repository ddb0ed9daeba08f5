"""Offline evaluation: leave-last-out over the completions in the database.

For each person with at least two completions, their most recent completions are hidden
(the last two when they have five or more, else the last one). Their history is cut at
the first moment they touched a hidden thing (opened or completed it: the cutoff), and
only what they did, opened, found useful, dismissed, enrolled in and showed as a skill
before it is known. Colleagues' behaviour is
counted up to the same moment, so nothing from the future leaks in. The recommender
then suggests ten things, and we measure how many of the hidden ones are among them
(recall@10) and how high (nDCG@10, binary relevance), against a popularity baseline
(the most completed things overall, not yet taken) over exactly the same candidates.

Targets that could not be suggested at the cutoff (already taken or opened before, not
published yet and taken by no one yet, a path the person was already enrolled in) are
left out; people left
without a target are skipped. The evaluation runs without embeddings.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.catalog.models import Rating
from leerpad.paths.models import Enrolment
from leerpad.recommend import data, recommender
from leerpad.recommend.models import Dismissal
from leerpad.recommend.recommender import (
    DEFAULT_WEIGHTS,
    POPULAR_DAYS,
    TRANSITION_WINDOW,
    Community,
    Key,
    Profile,
    Took,
    Weights,
)
from leerpad.skills.models import SkillClaim, SkillEvidence

K = 10
FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)
SHORT = 3


def ndcg(ranked: Sequence[Key], relevant: set[Key], k: int = K) -> float:
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    if not ideal:
        return 0.0
    gained = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant)
    return gained / ideal


def recall(ranked: Sequence[Key], relevant: set[Key], k: int = K) -> float:
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


@dataclass
class Score:
    name: str
    recall: float = 0.0
    ndcg: float = 0.0
    coverage: float = 0.0  # share of the catalogue that appears in someone's top 10
    # People with a short history (at most SHORT things before the cutoff): cold start.
    recall_short: float = 0.0


@dataclass
class Report:
    scores: list[Score]
    people: int  # evaluated
    short: int  # of whom with a short history
    skipped: int  # without a usable target
    targets: int
    items: int  # items and paths in the catalogue
    completions: int
    ms_per_person: float  # the hybrid's scoring, per person, data already loaded

    def score(self, name: str) -> Score:
        return next(s for s in self.scores if s.name == name)

    def table(self) -> str:
        lines = [
            f"{'method':<24} {'recall@10':>10} {'nDCG@10':>9} {'coverage':>9} "
            f"{'recall@10 short':>16}",
            "-" * 72,
        ]
        for s in self.scores:
            lines.append(
                f"{s.name:<24} {s.recall:>10.3f} {s.ndcg:>9.3f} {s.coverage:>9.2f} "
                f"{s.recall_short:>16.3f}"
            )
        lines.append("-" * 72)
        lines.append(
            f"{self.people} people evaluated ({self.short} with at most {SHORT} things before "
            f"the cutoff; {self.skipped} skipped), {self.targets} hidden "
            f"completions, {self.items} items and paths, {self.completions} completions; "
            f"hybrid {self.ms_per_person:.1f} ms per person"
        )
        return "\n".join(lines)


# --- the methods compared -------------------------------------------------------------

Method = Callable[
    [Profile, Mapping[Key, recommender.Candidate], set[Key], Community, dt.datetime], list[Key]
]


def hybrid(weights: Weights = DEFAULT_WEIGHTS) -> Method:
    def run(
        profile: Profile,
        features: Mapping[Key, recommender.Candidate],
        offered: set[Key],
        community: Community,
        now: dt.datetime,
    ) -> list[Key]:
        found = recommender.recommend(profile, features, offered, community, now, K, weights)
        return [s.key for s in found]

    return run


def popularity(
    profile: Profile,
    features: Mapping[Key, recommender.Candidate],
    offered: set[Key],
    community: Community,
    now: dt.datetime,
) -> list[Key]:
    return recommender.popularity_baseline(profile, features, offered, community, K)


def only(signal: str) -> Weights:
    """The hybrid with one signal left (and no diversification): for the ablation rows."""
    zero = {
        name: 0.0
        for name in ("gap", "role", "behaviour", "similar", "colleagues", "fresh", "overall")
    }
    zero[signal] = 1.0
    return Weights(**zero, dismissed=Weights().dismissed, diversity=0.0)


def methods(ablations: bool = False) -> dict[str, Method]:
    found: dict[str, Method] = {"hybrid": hybrid(), "popularity baseline": popularity}
    if ablations:
        found["hybrid without MMR"] = hybrid(replace(Weights(), diversity=0.0))
        for signal in ("behaviour", "similar", "gap", "colleagues"):
            found[f"{signal} only"] = hybrid(only(signal))
    return found


# --- a snapshot of the database, cut per person -----------------------------------------


@dataclass
class _Person:
    id: int
    role_id: int | None
    role_name: str
    location_id: int | None
    location_name: str
    language: str = ""
    events: list[Took] = field(default_factory=list)


@dataclass
class _Snapshot:
    catalogue: data.Catalogue
    people: dict[int, _Person]
    lines: dict[int, list[data.RoleLine]]
    levels: dict[int, list[tuple[int, int | None, dt.datetime]]]
    dismissals: dict[int, list[tuple[Key, str, dt.datetime]]]
    enrolments: dict[int, list[tuple[Key, dt.datetime]]]
    completions: int


def _snapshot(language: str) -> _Snapshot:
    now = timezone.now()
    catalogue = data.load_catalogue(language, now)
    people = {
        pk: _Person(pk, role_id, role or "", location_id, location or "", person_language)
        for pk, role_id, role, location_id, location, person_language in (
            Person.objects.values_list(
                "id", "job_role_id", "job_role__name", "location_id", "location__name", "language"
            )
        )
    }
    events = data.all_events(catalogue.by_iri)
    for person_id, found in events.items():
        if person_id in people:
            people[person_id].events.extend(found)
    for person_id, item_id, at in Rating.objects.values_list("person_id", "item_id", "created_at"):
        if person_id in people and ("item", item_id) in catalogue.features:
            people[person_id].events.append(Took(("item", item_id), at, "useful"))
    for person in people.values():
        person.events.sort(key=lambda t: (t.at, t.key, t.how))
    levels: dict[int, list[tuple[int, int | None, dt.datetime]]] = {}
    for person_id, skill_id, level, at in SkillEvidence.objects.values_list(
        "person_id", "skill_id", "level", "achieved_at"
    ):
        levels.setdefault(person_id, []).append((skill_id, level, at))
    for person_id, skill_id, claimed, at in SkillClaim.objects.values_list(
        "person_id", "skill_id", "self_level", "updated_at"
    ):
        levels.setdefault(person_id, []).append((skill_id, claimed, at))
    dismissals: dict[int, list[tuple[Key, str, dt.datetime]]] = {}
    for person_id, item_id, path_id, reason, at in Dismissal.objects.values_list(
        "person_id", "item_id", "path_id", "reason", "created_at"
    ):
        key: Key = ("item", item_id) if item_id else ("path", path_id)
        dismissals.setdefault(person_id, []).append((key, reason, at))
    enrolments: dict[int, list[tuple[Key, dt.datetime]]] = {}
    for person_id, path_id, at in Enrolment.objects.values_list(
        "person_id", "path_id", "enrolled_at"
    ):
        enrolments.setdefault(person_id, []).append((("path", path_id), at))
    role_ids = {p.role_id for p in people.values() if p.role_id is not None}
    return _Snapshot(
        catalogue=catalogue,
        people=people,
        lines=data.role_lines(role_ids),
        levels=levels,
        dismissals=dismissals,
        enrolments=enrolments,
        completions=sum(1 for p in people.values() for e in p.events if e.how == "completed"),
    )


def _split(person: _Person) -> tuple[dt.datetime, set[Key]] | None:
    """The cutoff and the hidden things, or None for too short a history.

    The cutoff is the first time the person touched any hidden thing (people open an
    item before they complete it): everything from then on is hidden.
    """
    completed = [e for e in person.events if e.how == "completed"]
    if len(completed) < 2:
        return None
    hide = 2 if len(completed) >= 5 else 1
    hidden = {e.key for e in completed[-hide:]}
    cutoff = min(e.at for e in person.events if e.key in hidden)
    return cutoff, hidden


def _profile(snapshot: _Snapshot, person: _Person, cutoff: dt.datetime, language: str) -> Profile:
    history = [e for e in person.events if e.at < cutoff]
    levels = [(s, lvl) for s, lvl, at in snapshot.levels.get(person.id, []) if at < cutoff]
    lines = snapshot.lines.get(person.role_id, []) if person.role_id is not None else []
    return Profile(
        person_id=person.id,
        role_id=person.role_id,
        role_name=person.role_name,
        location_id=person.location_id,
        location_name=person.location_name,
        # Each person's own language: it decides what they can read.
        language=person.language,
        history=history,
        gaps=data.gaps_from(lines, levels, language),
        dismissed={k: r for k, r, at in snapshot.dismissals.get(person.id, []) if at < cutoff},
        excluded=frozenset(k for k, at in snapshot.enrolments.get(person.id, []) if at < cutoff),
    )


class _Timeline:
    """Colleagues' behaviour counted up to a moment, advanced person by person in cutoff
    order, so each person's community is what was known at their cutoff."""

    def __init__(self, people: Mapping[int, _Person]) -> None:
        completed: list[tuple[dt.datetime, int, Key]] = []
        for person in people.values():
            done: set[Key] = set()
            for e in person.events:
                if e.how == "completed" and e.key not in done:
                    done.add(e.key)
                    completed.append((e.at, person.id, e.key))
        self.completed = sorted(completed)
        self.people = people
        self.position = 0
        self.sequences: dict[int, list[Key]] = {}
        self.next_after: dict[Key, dict[Key, int]] = {}
        self.support: Counter[Key] = Counter()
        self.overall: Counter[Key] = Counter()
        # Per location and role: (time, person, key) of completions, in time order.
        self.by_location: dict[int, list[tuple[dt.datetime, int, Key]]] = {}
        self.by_role: dict[int, list[tuple[dt.datetime, int, Key]]] = {}

    def advance(self, until: dt.datetime) -> None:
        """Count every first completion before `until`, as `data.behaviour` counts all."""
        while self.position < len(self.completed) and self.completed[self.position][0] < until:
            event = self.completed[self.position]
            _at, person_id, key = event
            sequence = self.sequences.setdefault(person_id, [])
            for before in sequence[-TRANSITION_WINDOW:]:
                row = self.next_after.setdefault(before, {})
                row[key] = row.get(key, 0) + 1
            sequence.append(key)
            self.support[key] += 1
            self.overall[key] += 1
            person = self.people[person_id]
            if person.location_id is not None:
                self.by_location.setdefault(person.location_id, []).append(event)
            if person.role_id is not None:
                self.by_role.setdefault(person.role_id, []).append(event)
            self.position += 1

    @staticmethod
    def _recent(
        events: Sequence[tuple[dt.datetime, int, Key]], person_id: int, since: dt.datetime
    ) -> dict[Key, int]:
        start = bisect.bisect_left(events, since, key=lambda e: e[0])
        counts: Counter[Key] = Counter()
        for _at, other, key in events[start:]:
            if other != person_id:
                counts[key] += 1
        return dict(counts)

    def community(self, person: _Person, cutoff: dt.datetime, k: int) -> Community:
        since = cutoff - dt.timedelta(days=POPULAR_DAYS)
        local = (
            self._recent(self.by_location.get(person.location_id, []), person.id, since)
            if person.location_id is not None
            else {}
        )
        role = (
            self._recent(self.by_role.get(person.role_id, []), person.id, since)
            if person.role_id is not None
            else {}
        )
        return Community(
            next_after=self.next_after,
            support=self.support,
            local=local,
            role=role,
            overall=self.overall,
            k=k,
        )


def evaluate(
    *, ablations: bool = False, language: str = "en", k_anonymity: int | None = None
) -> Report:
    """Leave-last-out over everyone in the database (see the module docstring)."""
    snapshot = _snapshot(language)
    features = snapshot.catalogue.features
    k = int(k_anonymity if k_anonymity is not None else settings.LEERPAD_MIN_GROUP_SIZE)
    runs = methods(ablations)
    totals = {name: Score(name) for name in runs}
    shown: dict[str, set[Key]] = {name: set() for name in runs}
    splits = {pk: _split(p) for pk, p in snapshot.people.items()}
    order = sorted((s[0], pk) for pk, s in splits.items() if s is not None)
    timeline = _Timeline(snapshot.people)
    # When something was first taken by anyone: it existed then, whatever its publication
    # date says (an item republished later, or demo content loaded after its history).
    first_seen: dict[Key, dt.datetime] = dict.fromkeys(features, FAR_FUTURE)
    for person in snapshot.people.values():
        for e in person.events:
            if e.key in first_seen and e.at < first_seen[e.key]:
                first_seen[e.key] = e.at
    evaluated = skipped = targets = short = 0
    hybrid_seconds = 0.0
    for cutoff, person_id in order:
        person = snapshot.people[person_id]
        hidden = splits[person_id][1]  # type: ignore[index]
        timeline.advance(cutoff)
        profile = _profile(snapshot, person, cutoff, language)
        offered = {
            key
            for key, c in features.items()
            if c.published_at is None or c.published_at <= cutoff or first_seen[key] < cutoff
        }
        allowed = {c.key for c in recommender.candidates_for(profile, features, offered)}
        relevant = hidden & allowed
        if not relevant:
            skipped += 1
            continue
        community = timeline.community(person, cutoff, k)
        evaluated += 1
        targets += len(relevant)
        is_short = len(profile.seen()) <= SHORT
        short += is_short
        for name, run in runs.items():
            started = time.perf_counter()
            ranked = run(profile, features, offered, community, cutoff)
            if name == "hybrid":
                hybrid_seconds += time.perf_counter() - started
            totals[name].recall += recall(ranked, relevant)
            totals[name].ndcg += ndcg(ranked, relevant)
            if is_short:
                totals[name].recall_short += recall(ranked, relevant)
            shown[name].update(ranked[:K])
    skipped += sum(1 for s in splits.values() if s is None)
    for name, score in totals.items():
        if evaluated:
            score.recall /= evaluated
            score.ndcg /= evaluated
        if short:
            score.recall_short /= short
        score.coverage = len(shown[name]) / len(features) if features else 0.0
    return Report(
        scores=list(totals.values()),
        people=evaluated,
        short=short,
        skipped=skipped,
        targets=targets,
        items=len(features),
        completions=snapshot.completions,
        ms_per_person=hybrid_seconds * 1000 / evaluated if evaluated else 0.0,
    )
