"""What the history happens in: the catalogue, quizzes, paths and session dates."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

from leerpad.accounts.models import Location, Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import ContentItem, Kind, Session
from leerpad.paths import completions, queries, services
from leerpad.paths import tracking as path_tracking
from leerpad.paths.demo_history.clock import Clock
from leerpad.paths.demo_history.model import (
    FR_STORES,
    HABITS,
    HEAD_OFFICE,
    NL_STORES,
    STALL_WEIGHT,
    ItemInfo,
    Learner,
    PathInfo,
    QuestionInfo,
    QuizInfo,
    StepInfo,
    VersionInfo,
)
from leerpad.paths.models import Path, PathVersion, Step
from leerpad.paths.progress import StepFacts
from leerpad.quizzes import tracking as quiz_tracking
from leerpad.quizzes.models import Question, Quiz
from leerpad.skills.models import RoleSkill


class World:
    """Everything the history refers to, read once: items, quizzes, path versions with their
    steps as the progress rules see them, and classroom dates."""

    def __init__(self, rng: random.Random, clock: Clock) -> None:
        self.rng = rng
        self.clock = clock
        everything = self._items()
        self.by_pk = {info.item.pk: info for info in everything}
        # What people find outside paths: the published catalogue.
        self.items = [i for i in everything if i.item.status == "published"]
        self.quizzes = self._quizzes()
        self.paths = self._paths()
        self.role_skills: dict[str, frozenset[str]] = {}
        for role_name, skill_key in RoleSkill.objects.values_list("job_role__name", "skill__key"):
            self.role_skills[role_name] = self.role_skills.get(role_name, frozenset()) | {skill_key}
        ld = {p.email: p for p in Person.objects.filter(team__name="LD&M")}
        trainer = ld.get("dirk.maes@deltahuis.example")
        self.trainers = {
            "nl": [ld.get("dirk.maes@deltahuis.example"), ld.get("sofie.aerts@deltahuis.example")],
            "fr": [ld.get("julien.renard@deltahuis.example")],
            "en": [trainer],
        }
        self.sessions = self._sessions()
        # A fixed popularity order: a few items are hits, many are read now and then.
        order = list(self.items)
        rng.shuffle(order)
        self.popularity = {info.item.pk: 1 / (rank + 8) ** 0.9 for rank, info in enumerate(order)}
        self._weights: dict[tuple[str, str, str], list[float]] = {}

    def _items(self) -> list[ItemInfo]:
        infos = []
        for item in (
            ContentItem.objects.exclude(external_id="")
            .prefetch_related("translations", "skills", "audience_job_roles", "audience_locations")
            .order_by("external_id")
        ):
            translations = list(item.translations.all())
            iri = catalog_tracking.activity_id(item)
            activity = {
                "objectType": "Activity",
                "id": iri,
                "definition": {
                    "type": catalog_tracking.ACTIVITY_TYPES[item.kind],
                    "name": {t.language: t.title for t in translations},
                },
            }
            infos.append(
                ItemInfo(
                    item=item,
                    iri=iri,
                    activity=activity,
                    minutes=int(item.duration_minutes or 5),
                    languages=frozenset(t.language for t in translations) | {item.language},
                    skills=frozenset(s.key for s in item.skills.all()),
                    roles=frozenset(r.name for r in item.audience_job_roles.all()),
                    locations=frozenset(loc.name for loc in item.audience_locations.all()),
                )
            )
        return infos

    def _quizzes(self) -> dict[int, QuizInfo]:
        questions: dict[int, QuestionInfo] = {}
        by_skill: dict[int, list[QuestionInfo]] = {}
        for question in Question.objects.filter(is_active=True).prefetch_related("choices"):
            choices = list(question.choices.all())
            info = QuestionInfo(question=question, choices=choices)
            questions[question.pk] = info
            by_skill.setdefault(question.skill_id, []).append(info)
        found = {}
        for quiz in Quiz.objects.prefetch_related("quiz_questions").order_by("key"):
            fixed = [questions[qq.question_id] for qq in quiz.quiz_questions.all()]
            fixed_ids = {q.question.pk for q in fixed}
            bank = [
                q for q in by_skill.get(quiz.skill_id or 0, []) if q.question.pk not in fixed_ids
            ]
            found[quiz.pk] = QuizInfo(
                quiz=quiz, iri=quiz_tracking.quiz_iri(quiz.key), fixed=fixed, bank=bank
            )
        return found

    def _paths(self) -> list[PathInfo]:
        found = []
        for path in Path.objects.filter(key__in=list(HABITS)).order_by("key"):
            versions = []
            for version in path.versions.exclude(status=PathVersion.Status.DRAFT).order_by(
                "number"
            ):
                steps = queries.steps_of(version)
                facts = completions.facts_for(steps, path.key)
                infos = {}
                for step, fact in zip(steps, facts, strict=True):
                    infos[step.pk] = self._step(path, step, fact)
                info = VersionInfo(
                    version=version,
                    steps=infos,
                    facts=facts,
                    activity=services.path_activity(version),
                    published_at=version.published_at or version.created_at,
                )
                info.stall = _calibrate(info, HABITS[path.key].completion)
                versions.append(info)
            latest = versions[-1].version
            found.append(
                PathInfo(
                    path=path,
                    habit=HABITS[path.key],
                    versions=versions,
                    roles=frozenset(r.name for r in latest.audience_roles.all()),
                    locations=frozenset(loc.name for loc in latest.audience_locations.all()),
                )
            )
        return found

    def _step(self, path: Path, step: Step, fact: StepFacts) -> StepInfo:
        item = self.by_pk.get(step.item_id) if step.item_id else None
        quiz = self.quizzes.get(step.quiz_id) if step.quiz_id else None
        if step.kind == Step.Kind.ASSIGNMENT:
            iri, weight = (
                path_tracking.assignment_iri(path.key, step.uid),
                STALL_WEIGHT["assignment"],
            )
        elif quiz is not None:
            iri, weight = quiz.iri, STALL_WEIGHT["quiz"]
        elif item is not None:
            iri = item.iri
            if step.kind == Step.Kind.SESSION:
                weight = STALL_WEIGHT["session"]
            elif item.item.kind == Kind.PACKAGE:
                weight = STALL_WEIGHT["package"]
            else:
                weight = STALL_WEIGHT["long" if item.minutes >= 20 else "item"]
        else:
            raise ValueError(f"Demo step {step.pk} of {path.key} has nothing to do")
        return StepInfo(step=step, facts=fact, iri=iri, item=item, quiz=quiz, weight=weight)

    def _sessions(self) -> dict[int, list[Session]]:
        """Past dates for every classroom item used by a path (the catalogue only has
        upcoming ones), plus the upcoming ones: the dates learners register for."""
        clock = self.clock
        used = {
            s.item.item.pk: s.item
            for p in self.paths
            for v in p.versions
            for s in v.steps.values()
            if s.step.kind == Step.Kind.SESSION and s.item is not None
        }
        locations = {loc.name: loc for loc in Location.objects.all()}
        upcoming = list(Session.objects.filter(item_id__in=list(used)).order_by("starts_at"))
        rooms: dict[int | None, str] = {s.location_id: s.room for s in upcoming if s.location_id}
        new: list[Session] = []
        for pk in sorted(used):
            info = used[pk]
            item = info.item
            if item.audience_locations.exists() or item.language == "en":
                places: Sequence[str] = (HEAD_OFFICE,)
            else:
                places = FR_STORES if item.language == "fr" else NL_STORES
            every = 28 if item.external_id in {"delta-onb-007", "delta-onb-008"} else 49
            hours = max(3.0, min(info.minutes / 60, 7.5))
            day = clock.start.astimezone(clock.tz).date() + dt.timedelta(
                days=self.rng.randint(2, every)
            )
            turn = self.rng.randrange(len(places))
            while True:
                while (
                    day.weekday() not in (1, 3)
                    or day.month == 8
                    or ((day.month == 12 and day.day > 15) or (day.month == 1 and day.day < 6))
                ):
                    day += dt.timedelta(days=1)
                starts = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=clock.tz)
                if starts >= clock.now - dt.timedelta(days=1):
                    break
                location = locations.get(places[turn % len(places)])
                turn += 1
                new.append(
                    Session(
                        item=item,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=hours),
                        location=location,
                        room=rooms.get(location.pk if location else None, "")
                        or ("Salle de formation" if item.language == "fr" else "Opleidingslokaal"),
                        seats=16,
                    )
                )
                day += dt.timedelta(days=every + self.rng.randint(-4, 6))
        Session.objects.bulk_create(new)
        by_item: dict[int, list[Session]] = {}
        for session in Session.objects.filter(item_id__in=list(used)).order_by("starts_at", "pk"):
            by_item.setdefault(session.item_id, []).append(session)
        return by_item

    def browse_weights(self, learner: Learner) -> list[float]:
        key = (learner.role, learner.language, learner.location)
        if key not in self._weights:
            needed = self.role_skills.get(learner.role, frozenset())
            weights = []
            for info in self.items:
                weight = self.popularity[info.item.pk]
                if info.roles:
                    weight *= 3.0 if learner.role in info.roles else 0.25
                weight *= 1 + 0.6 * len(info.skills & needed)
                if learner.language in info.languages:
                    weight *= 2.5
                elif "en" in info.languages:
                    weight *= 0.8
                else:
                    weight *= 0.3
                if info.locations:
                    weight *= 3.0 if learner.location in info.locations else 0.1
                if info.item.kind == Kind.SESSION:
                    weight *= 0.5
                weights.append(weight)
            self._weights[key] = weights
        return self._weights[key]


def _calibrate(version: VersionInfo, completion: float) -> float:
    """The stall chance per unit of step weight that makes an average learner complete the
    version with probability `completion` (on the usual route: the first alternative of
    each branch and the lightest optional steps needed)."""
    weights: list[float] = []
    seen: set[int] = set()
    optional: list[float] = []
    for info in version.steps.values():
        fact = info.facts
        if fact.branch is not None:
            if fact.branch not in seen:
                seen.add(fact.branch)
                weights.append(info.weight)
        elif fact.optional:
            optional.append(info.weight)
        else:
            weights.append(info.weight)
    weights += sorted(optional)[: version.version.min_optional]
    low, high = 0.0, 1.0
    for _ in range(40):
        mid = (low + high) / 2
        chance = math.prod(1 - min(0.85, mid * w) for w in weights)
        low, high = (mid, high) if chance > completion else (low, mid)
    return low
