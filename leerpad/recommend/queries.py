"""Reads of the recommendations app: what to suggest to a person, and why."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from leerpad.accounts.models import Person
from leerpad.core.logging import get_logger
from leerpad.recommend import data, recommender
from leerpad.recommend.models import Dismissal
from leerpad.recommend.recommender import Candidate, Key, Reason

log = get_logger(__name__)

PANEL_SIZE = 6
PAGE_SIZE = 30  # recommendations on the full page (diversified together)


@dataclass(frozen=True)
class Suggestion:
    """An item or path to show, with its reasons (strongest first)."""

    candidate: Candidate
    reasons: tuple[Reason, ...]
    penalty_text: str = ""

    @property
    def target(self) -> str:
        return self.candidate.key[0]

    @property
    def id(self) -> int:
        return self.candidate.key[1]

    @property
    def dom_id(self) -> str:
        return f"rec-{self.target}-{self.id}"

    @property
    def reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None

    @property
    def more_reasons(self) -> tuple[Reason, ...]:
        return self.reasons[1:]


@dataclass
class ForYou:
    recommended: list[Suggestion] = field(default_factory=list)
    new: list[Suggestion] = field(default_factory=list)
    popular: list[Suggestion] = field(default_factory=list)
    took_ms: float = 0.0


def _language() -> str:
    return (get_language() or "en")[:2]


def _person(person: Person) -> Person:
    # Role and location names are in the reasons: one query instead of two lazy ones.
    return Person.objects.select_related("job_role", "location").get(pk=person.pk)


def for_person(person: Person, *, limit: int = PAGE_SIZE) -> ForYou:
    """Recommended (diversified), new for the role or location, popular with colleagues.

    The new and popular lists leave out what the first panel already shows.
    """
    started = time.perf_counter()
    now = timezone.now()
    language = _language()
    person = _person(person)
    catalogue = data.load_catalogue(language, now)
    profile = data.load_profile(person, catalogue, language, now)
    community = data.load_community(person, catalogue, profile, now)
    features, offered = catalogue.features, catalogue.offered
    ranked = recommender.recommend(profile, features, offered, community, now, n=limit)
    recommended = [Suggestion(features[s.key], tuple(s.reasons), s.penalty_text) for s in ranked]
    shown = {s.candidate.key for s in recommended[:PANEL_SIZE]}
    new = [
        Suggestion(features[key], (reason,))
        for key, reason in recommender.new_for(profile, features, offered, now, PANEL_SIZE * 2)
        if key not in shown
    ][:PANEL_SIZE]
    popular = [
        Suggestion(features[key], (reason,))
        for key, reason in recommender.popular_with_colleagues(
            profile, features, offered, community, PANEL_SIZE * 2
        )
        if key not in shown
    ][:PANEL_SIZE]
    took_ms = (time.perf_counter() - started) * 1000
    log.debug("recommend.computed", person_id=person.pk, ms=round(took_ms, 1))
    return ForYou(recommended, new, popular, took_ms)


def for_request(request: HttpRequest) -> ForYou:
    """`for_person` once per request: the home's three panels share one computation."""
    found = getattr(request, "_leerpad_for_you", None)
    if isinstance(found, ForYou):
        return found
    computed = for_person(request.user)  # type: ignore[arg-type]
    request._leerpad_for_you = computed  # type: ignore[attr-defined]
    return computed


def explain(person: Person, key: Key) -> Suggestion | None:
    """One candidate with its reasons, as the recommender sees it now (after an undo)."""
    now = timezone.now()
    language = _language()
    person = _person(person)
    catalogue = data.load_catalogue(language, now)
    if key not in catalogue.features:
        return None
    profile = data.load_profile(person, catalogue, language, now)
    community = data.load_community(person, catalogue, profile, now)
    for scored in recommender.score(profile, catalogue.features, {key}, community, now):
        return Suggestion(catalogue.features[key], tuple(scored.reasons), scored.penalty_text)
    return Suggestion(catalogue.features[key], ())


def dismissals_of(person: Person) -> QuerySet[Dismissal]:
    return (
        Dismissal.objects.filter(person=person)
        .select_related("item", "path__current")
        .prefetch_related("item__translations")
        .order_by("-created_at", "-id")
    )
