"""The data of the analytics benchmark (`bench_analytics.py`): an organisation shaped like a
real Leerpad's, and a statement generator that records what Leerpad's own pages record.

`organisation()` fills the bench DB once (bulk, deterministic; skipped when already there):
20 locations, 80 teams, 24 job roles for the 2,000 people; 1,500 published catalogue items
of mixed kinds (one translation each, topic tags); 24 skills; 24 quizzes of 6 questions (4
choices, one multiple-choice question each); 24 published paths of 6-10 steps (items, one
quiz step, an optional step, some a pair of alternatives), every third with a second
published version (the first retired) that adds a step. The busiest path is the registry's
`safety-at-work`.

`Generator.statement(moment)` returns one statement per call; an event of several
statements (a quiz attempt, an item opened and completed) is queued and handed out on the
next calls, so their timestamps follow each other. The mix: generic statements on
activities outside Leerpad (volume), catalogue browsing (viewed with an arrival channel,
played, launched, downloaded, a package's completed, liked), searches (some with no result, some
followed by a selected result), and path progress kept per learner (enrol, steps in order
mostly, optional steps skipped, now and then a required step skipped or an earlier one
done again, quiz attempts until passed, stalls of weeks, leaving, the path's completion).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import math
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

PEOPLE, PLACES, TEAMS, ROLES, ITEMS, PATHS = 2000, 20, 80, 24, 1500, 24
OUTSIDE = 1500  # activities outside Leerpad (the generic volume)
BUSIEST = "safety-at-work"  # the registry's path: the most popular here too
NS = uuid.UUID("6f1b2c1e-6a55-4c0f-9d8e-5b2f3a1c0b07")
DAY = 86400.0

OUTSIDE_VERBS = [  # (verb, weight): roughly the mix of the research data set
    ("http://adlnet.gov/expapi/verbs/launched", 21),
    ("http://adlnet.gov/expapi/verbs/progressed", 21),
    ("http://adlnet.gov/expapi/verbs/completed", 14),
    ("http://id.tincanapi.com/verb/viewed", 12),
    ("http://adlnet.gov/expapi/verbs/answered", 12),
    ("http://adlnet.gov/expapi/verbs/terminated", 7),
    ("http://adlnet.gov/expapi/verbs/experienced", 5),
    ("http://adlnet.gov/expapi/verbs/attempted", 3),
    ("http://adlnet.gov/expapi/verbs/passed", 2),
    ("http://adlnet.gov/expapi/verbs/registered", 2),
    ("http://adlnet.gov/expapi/verbs/failed", 1),
]
PLATFORMS = ["web", "mobile", "teams"]
LANGS = ["nl", "fr", "en"]
TOPICS = [
    "safety", "first aid", "fire safety", "forklift", "ergonomics", "gdpr", "privacy",
    "excel", "powerpoint", "teams", "outlook", "leadership", "feedback", "coaching",
    "time management", "negotiation", "sales", "customer service", "complaints", "budget",
    "invoicing", "procurement", "onboarding", "diversity", "wellbeing", "stress", "hygiene",
    "haccp", "quality", "lean", "six sigma", "project management", "agile", "scrum",
    "presenting", "writing", "dutch", "french", "english", "cyber security", "phishing",
    "passwords", "data analysis", "power bi", "python", "sql", "warehouse", "logistics",
    "driving", "electrical safety",
]  # fmt: skip
MISSING = [  # what people look for and the catalogue does not have: the search gaps
    "chatgpt", "sap s4", "welding", "sign language", "pension", "parental leave",
    "mindfulness", "crane licence", "tableau", "bookkeeping",
]  # fmt: skip
KINDS = [("document", 30), ("video", 25), ("article", 20), ("link", 10), ("package", 8)]
KINDS += [("audio", 7)]
CAMPAIGNS = [("spring-safety", "a"), ("spring-safety", "b"), ("digital-week", "")]


def _uid(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NS, ":".join(str(p) for p in parts))


def _path_keys() -> list[str]:
    keys = [BUSIEST]
    for topic in TOPICS:
        key = topic.replace(" ", "-") + "-path"
        if len(keys) < PATHS and key != "safety-path":
            keys.append(key)
    return keys


# The organisation ----------------------------------------------------------------------


def people() -> list[int]:
    """The 2,000 bench people, with a location, team, job role and language each."""
    from leerpad.accounts.models import JobRole, Location, Person, Team

    rng = random.Random(1)
    if not Location.objects.filter(name="Site 0").exists():
        Location.objects.bulk_create(Location(name=f"Site {i}") for i in range(PLACES))
    if not Team.objects.filter(name="Team 0").exists():
        Team.objects.bulk_create(Team(name=f"Team {i}") for i in range(TEAMS))
    if not JobRole.objects.filter(name="Role 0").exists():
        JobRole.objects.bulk_create(JobRole(name=f"Role {i}") for i in range(ROLES))
    places = list(Location.objects.filter(name__startswith="Site ").order_by("pk"))
    teams = list(Team.objects.filter(name__startswith="Team ").order_by("pk"))
    roles = list(JobRole.objects.filter(name__startswith="Role ").order_by("pk"))
    bench = Person.objects.filter(email__endswith="@bench.test")
    if not bench.exists():
        made = []
        for i in range(PEOPLE):
            # Teams sit in one location each (team t in site t % 20), as in a real company.
            team = rng.randrange(TEAMS)
            made.append(
                Person(
                    email=f"p{i}@bench.test",
                    first_name=f"P{i}",
                    location=places[team % PLACES],
                    team=teams[team],
                    job_role=roles[min(int(rng.paretovariate(1.0)) - 1, ROLES - 1)],
                    language=rng.choices(LANGS, (60, 30, 10))[0],
                )
            )
        Person.objects.bulk_create(made, batch_size=1000)
    elif bench.filter(team=None).exists():  # a bench LRS made before teams and roles
        old = list(bench.order_by("pk"))
        for person in old:
            team = rng.randrange(TEAMS)
            person.team, person.location = teams[team], places[team % PLACES]
            person.job_role = roles[min(int(rng.paretovariate(1.0)) - 1, ROLES - 1)]
        Person.objects.bulk_update(old, ["team", "location", "job_role"], batch_size=1000)
    return list(bench.order_by("pk").values_list("pk", flat=True))


def organisation(start: dt.datetime, end: dt.datetime) -> None:
    """Catalogue, skills, quizzes and paths, once (see the module docstring)."""
    from django.db import transaction

    from leerpad.paths.models import Path

    if Path.objects.filter(key=BUSIEST).exists():
        return
    with transaction.atomic():
        _build(random.Random(7), start, end)


def _build(rng: random.Random, start: dt.datetime, end: dt.datetime) -> None:
    from leerpad.catalog.models import ContentItem, ItemTranslation, Status
    from leerpad.paths.models import Path, PathVersion, Step
    from leerpad.quizzes.models import Choice, Question, Quiz, QuizQuestion
    from leerpad.skills.models import Skill

    kinds, weights = [k for k, _ in KINDS], [w for _, w in KINDS]
    items = []
    for i in range(ITEMS):
        tags = [TOPICS[i % len(TOPICS)], rng.choice(TOPICS)]
        items.append(
            ContentItem(
                kind=rng.choices(kinds, weights)[0],
                status=Status.PUBLISHED,
                external_id=f"bench-{i}",
                language=rng.choices(LANGS, (60, 30, 10))[0],
                duration_minutes=rng.choice((5, 10, 15, 20, 30, 45, 60)),
                url=f"https://learn.example/{i}",
                tags=tags,
                published_at=start - dt.timedelta(days=rng.randrange(400)),
                created_at=start - dt.timedelta(days=400),
                updated_at=start,
            )
        )
    ContentItem.objects.bulk_create(items, batch_size=500)
    ItemTranslation.objects.bulk_create(
        (
            ItemTranslation(
                item=item,
                language=item.language,
                title=f"{item.tags[0].capitalize()}: part {n // len(TOPICS) + 1}",
                summary=f"About {item.tags[0]} and {item.tags[1]}.",
            )
            for n, item in enumerate(items)
        ),
        batch_size=500,
    )
    keys = _path_keys()
    skills = [
        Skill(key=f"bench-{key}", names={lang: key.replace("-", " ") for lang in LANGS})
        for key in keys
    ]
    Skill.objects.bulk_create(skills)
    quizzes = [
        Quiz(
            key=f"{key}-quiz",
            titles={lang: f"Quiz {key}" for lang in LANGS},
            skill=skill,
            pass_percent=70,
        )
        for key, skill in zip(keys, skills, strict=True)
    ]
    Quiz.objects.bulk_create(quizzes)
    questions = [
        Question(
            uid=_uid("q", quiz.key, j),
            skill=quiz.skill,
            kind=Question.Kind.MULTIPLE if j == 5 else Question.Kind.SINGLE,
            texts={lang: f"{quiz.key} question {j + 1}?" for lang in LANGS},
        )
        for quiz in quizzes
        for j in range(6)
    ]
    Question.objects.bulk_create(questions)
    choices = []
    for question in questions:
        right = {0, 2} if question.kind == Question.Kind.MULTIPLE else {rng.randrange(4)}
        choices += [
            Choice(
                question=question,
                position=c,
                texts={lang: f"Answer {'ABCD'[c]}" for lang in LANGS},
                correct=c in right,
            )
            for c in range(4)
        ]
    Choice.objects.bulk_create(choices)
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quizzes[n // 6], question=q, position=n % 6)
        for n, q in enumerate(questions)
    )

    paths = [Path(key=key, created_at=start - dt.timedelta(days=30)) for key in keys]
    Path.objects.bulk_create(paths)
    switch = start + (end - start) / 2  # where a second version replaces the first
    versions: list[PathVersion] = []
    plans: list[tuple[PathVersion, list[dict[str, Any]]]] = []
    by_topic: dict[str, list[ContentItem]] = collections.defaultdict(list)
    for item in items:
        by_topic[item.tags[0]].append(item)
    for p, path in enumerate(paths):
        topic = path.key.removesuffix("-path").replace("-", " ")
        pool = by_topic.get(topic) or by_topic["safety"]
        count = rng.randint(6, 10)
        chosen = rng.sample(pool, min(count - 1, len(pool)))
        quiz_at = max(2, round(count * 2 / 3))
        specs: list[dict[str, Any]] = []
        for n, item in enumerate(chosen):
            if n == quiz_at:
                specs.append({"uid": _uid("s", path.key, "quiz"), "quiz": quizzes[p]})
            specs.append({"uid": _uid("s", path.key, n), "item": item})
        if quiz_at >= len(chosen):
            specs.append({"uid": _uid("s", path.key, "quiz"), "quiz": quizzes[p]})
        specs[1]["optional"] = True  # an extra many skip
        if p % 4 == 1 or path.key == BUSIEST:  # a pair of alternatives (watch or read)
            pair = next(
                i for i in range(2, len(specs) - 1) if "item" in specs[i] and "item" in specs[i + 1]
            )
            specs[pair]["branch"] = specs[pair + 1]["branch"] = 1
        two = p % 3 == 0
        title = {lang: topic.capitalize() for lang in LANGS}
        first = PathVersion(
            path=path,
            number=1,
            status=PathVersion.Status.RETIRED if two else PathVersion.Status.PUBLISHED,
            titles=title,
            published_at=start - dt.timedelta(days=20),
        )
        versions.append(first)
        plans.append((first, specs))
        if two:
            extra = next(i for i in pool + items if i not in chosen)
            more = [*specs[:-1], {"uid": _uid("s", path.key, "v2"), "item": extra}, specs[-1]]
            second = PathVersion(
                path=path,
                number=2,
                status=PathVersion.Status.PUBLISHED,
                titles=title,
                published_at=switch,
            )
            versions.append(second)
            plans.append((second, more))
    PathVersion.objects.bulk_create(versions)
    for version in versions:
        if version.status == PathVersion.Status.PUBLISHED:
            version.path.current = version
    Path.objects.bulk_update(paths, ["current"])
    Step.objects.bulk_create(
        Step(
            version=version,
            uid=spec["uid"],
            position=position,
            kind=Step.Kind.QUIZ if "quiz" in spec else Step.Kind.ITEM,
            item=spec.get("item"),
            quiz=spec.get("quiz"),
            optional=spec.get("optional", False),
            branch=spec.get("branch"),
        )
        for version, specs in plans
        for position, spec in enumerate(specs)
    )


# What the generator needs, loaded once ---------------------------------------------------


@dataclass
class ItemInfo:
    kind: str
    iri: str
    activity: Json
    minutes: int


@dataclass
class QuestionInfo:
    activity: Json
    right: str  # the correct response ("c12" or "c12[,]c14")
    wrong: list[str]  # wrong responses, the first the most tempting
    base: float  # chance of a right answer for a learner of average ability
    misleading: bool


@dataclass
class QuizInfo:
    activity: Json
    questions: list[QuestionInfo]
    pass_percent: int


@dataclass
class StepInfo:
    uid: str
    item: ItemInfo | None
    quiz: QuizInfo | None
    optional: bool
    branch: int | None
    context: Json  # contextActivities + extensions (the registration is added per statement)
    arrival: Json  # the same extensions with arrival "path"


@dataclass
class VersionInfo:
    number: int
    since: float  # published at (epoch seconds)
    steps: list[StepInfo]


@dataclass
class PathInfo:
    key: str
    activity: Json
    versions: list[VersionInfo]  # oldest first


@dataclass
class World:
    items: list[ItemInfo]
    by_topic: dict[str, list[ItemInfo]]
    paths: list[PathInfo]
    languages: dict[int, str]


def load_world() -> World:
    from leerpad.accounts.models import Person
    from leerpad.catalog import tracking as catalog_tracking
    from leerpad.catalog.models import ContentItem
    from leerpad.core import extensions as xapi
    from leerpad.paths import tracking as path_tracking
    from leerpad.paths.models import Path, Step
    from leerpad.paths.services import path_activity
    from leerpad.quizzes import tracking as quiz_tracking
    from leerpad.quizzes.models import Quiz

    rng = random.Random(11)
    items: dict[int, ItemInfo] = {}
    by_topic: dict[str, list[ItemInfo]] = collections.defaultdict(list)
    bench_items = ContentItem.objects.filter(external_id__startswith="bench-")
    for item in bench_items.prefetch_related("translations").order_by("pk"):
        info = ItemInfo(
            item.kind, catalog_tracking.activity_id(item), catalog_tracking.activity(item), 0
        )
        info.minutes = item.duration_minutes or 10
        items[item.pk] = info
        by_topic[item.tags[0]].append(info)
    quizzes: dict[int, QuizInfo] = {}
    for quiz in Quiz.objects.prefetch_related("quiz_questions__question__choices"):
        qs = []
        for n, link in enumerate(quiz.quiz_questions.all()):
            question = link.question
            choices = list(question.choices.all())
            right = [c for c in choices if c.correct]
            wrong = [c for c in choices if not c.correct]
            wrong_responses = [quiz_tracking.response([c]) for c in wrong]
            if len(right) > 1:  # half right: one right choice left out
                wrong_responses.insert(0, quiz_tracking.response(right[:1]))
            # Question 1 is too easy, question 4 too hard, question 3 has a tempting
            # wrong choice: what the item analysis is there to find.
            base = {0: 0.96, 3: 0.3}.get(n, rng.uniform(0.78, 0.95))
            qs.append(
                QuestionInfo(
                    quiz_tracking.question_activity(question, choices),
                    quiz_tracking.response(right),
                    wrong_responses,
                    base,
                    n == 2,
                )
            )
        quizzes[quiz.pk] = QuizInfo(quiz_tracking.quiz_activity(quiz), qs, quiz.pass_percent)
    paths = []
    for path in Path.objects.exclude(current=None).order_by("pk"):
        versions = []
        for version in path.versions.order_by("number"):
            activity = path_activity(version)
            grouping = {"grouping": [{"id": activity["id"]}]}
            steps = []
            for step in Step.objects.filter(version=version).order_by("position", "id"):
                extensions = {
                    path_tracking.EXT_PATH_VERSION: version.number,
                    path_tracking.EXT_STEP: str(step.uid),
                }
                steps.append(
                    StepInfo(
                        str(step.uid),
                        items.get(step.item_id) if step.item_id else None,
                        quizzes.get(step.quiz_id) if step.quiz_id else None,
                        step.optional,
                        step.branch,
                        {"contextActivities": grouping, "extensions": extensions},
                        {
                            "contextActivities": grouping,
                            "extensions": {**extensions, xapi.ARRIVAL: "path"},
                        },
                    )
                )
            since = (version.published_at or dt.datetime.min.replace(tzinfo=dt.UTC)).timestamp()
            versions.append(VersionInfo(version.number, since, steps))
        current = path.current
        if current is not None:
            paths.append(PathInfo(path.key, path_activity(current), versions))
    paths.sort(key=lambda p: p.key != BUSIEST)  # the busiest first: the most enrolments
    languages = dict(
        Person.objects.filter(email__endswith="@bench.test").values_list("pk", "language")
    )
    # Browsing popularity (a Pareto head) is not the catalogue's order: else the first
    # items, which the first paths use, would be done by everyone outside the path.
    browse = list(items.values())
    rng.shuffle(browse)
    return World(browse, dict(by_topic), paths, languages)


# The generator -----------------------------------------------------------------------------


@dataclass
class Learner:
    """Where one person is in their current path (None: in none), and when they next act."""

    pace: float  # mean seconds between two steps
    ability: float  # 0..1, for quiz answers
    path: PathInfo | None = None
    version: VersionInfo | None = None
    registration: str = ""
    pos: int = 0
    fails: int = 0
    next_at: float = 0.0
    done: set[str] = field(default_factory=set)
    ahead: set[int] = field(default_factory=set)  # steps done before the current one


class Generator:
    def __init__(
        self,
        seed: int,
        people: list[int],
        start: dt.datetime,
        end: dt.datetime,
        world: World,
    ) -> None:
        from django.conf import settings

        from leerpad.catalog import tracking as catalog_tracking
        from leerpad.core import extensions as xapi
        from leerpad.paths import tracking as path_tracking
        from leerpad.quizzes import tracking as quiz_tracking
        from leerpad.search import tracking as search_tracking

        self.ct, self.pt, self.qt, self.st, self.x = (
            catalog_tracking,
            path_tracking,
            quiz_tracking,
            search_tracking,
            xapi,
        )
        self.rng = random.Random(seed)
        self.site = str(settings.SITE_URL)
        self.people = people
        self.start, self.span = start, (end - start).total_seconds()
        self.world = world
        self.outside = [f"https://leerpad.example/activities/{i}" for i in range(OUTSIDE)]
        self.verbs = [v for v, _ in OUTSIDE_VERBS]
        self.weights = [w for _, w in OUTSIDE_VERBS]
        # Precomputed once: the hot loop only picks and fills in.
        self.actors = {
            p: {
                "objectType": "Agent",
                "name": f"P {p}",
                "account": {"homePage": self.site, "name": str(p)},
            }
            for p in people
        }
        self.verb = {
            iri: {"id": iri, "display": table[iri]}
            for table in (
                catalog_tracking.DISPLAY,
                path_tracking.DISPLAY,
                quiz_tracking.DISPLAY,
            )
            for iri in table
        }
        self.verb[search_tracking.VERB_SEARCHED] = {
            "id": search_tracking.VERB_SEARCHED,
            "display": {"en": "searched", "nl": "zocht", "fr": "a cherché"},
        }
        for iri in self.verbs:
            self.verb.setdefault(iri, {"id": iri, "display": {"en": iri.rsplit("/", 1)[-1]}})
        self.search_activity = search_tracking.search_activity()
        self.search_context: Json = {"extensions": {search_tracking.EXT_FILTERS: {}}}
        self.queries = [t for t in TOPICS if t in world.by_topic]
        rng = random.Random(seed + 1)
        self.learners = {
            p: Learner(pace=DAY * rng.uniform(1.0, 9.0), ability=rng.betavariate(4, 3))
            for p in people
        }
        path_count = len(world.paths)
        self.path_weights = [1 / (i + 1) ** 0.8 for i in range(path_count)]
        self.pending: collections.deque[Json] = collections.deque()

    # one statement ---------------------------------------------------------------------

    def _new(self, person: int, verb: str, obj: Json, context: Json, result: Json | None) -> Json:
        statement: Json = {
            "id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "actor": self.actors[person],
            "verb": self.verb[verb],
            "object": obj,
            "context": context,
            "version": "2.0.0",
        }
        if result is not None:
            statement["result"] = result
        return statement

    def statement(self, moment: dt.datetime) -> Json:
        """The next statement at `moment`: the rest of a queued event, else a new event."""
        if self.pending:
            statement = self.pending.popleft()
        else:
            rng = self.rng
            person = self.people[min(int(rng.paretovariate(1.2)) - 1, len(self.people) - 1)]
            person = self.people[(person * 7919 + rng.randrange(50)) % len(self.people)]
            draw = rng.random()
            if draw < 0.40:
                events = [self._outside(person)]
            elif draw < 0.68:
                events = self._path(person, moment) or self._browse(person)
            elif draw < 0.76:
                events = self._search(person)
            else:
                events = self._browse(person)
            statement = events[0]
            self.pending.extend(events[1:])
        statement["timestamp"] = moment.isoformat()
        return statement

    # outside Leerpad: the generic volume ------------------------------------------------

    def _outside(self, person: int) -> Json:
        rng = self.rng
        index = min(int(rng.paretovariate(1.1)) - 1, OUTSIDE - 1)
        activity = self.outside[index]
        verb = rng.choices(self.verbs, self.weights)[0]
        context = {
            "language": self.world.languages.get(person, "nl"),
            "platform": rng.choice(PLATFORMS),
            "contextActivities": {
                "parent": [{"id": f"https://leerpad.example/courses/{index % 160}"}]
            },
        }
        obj = {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"en": f"Activity {index}"}},
        }
        result = None
        if verb.endswith(("completed", "passed", "failed", "answered")):
            result = {
                "success": not verb.endswith("failed"),
                "score": {"scaled": round(rng.random(), 2)},
                "duration": f"PT{rng.randrange(30, 3600)}S",
            }
        return self._new(person, verb, obj, context, result)

    # the catalogue ----------------------------------------------------------------------

    def _open(self, person: int, item: ItemInfo, arrival: str, extra: Json | None) -> list[Json]:
        """What an item's page (or player, or launcher) records when it is opened."""
        ct, rng = self.ct, self.rng
        language = self.world.languages.get(person, "nl")
        out = []
        if item.kind in ("video", "audio"):
            out.append(
                self._new(
                    person,
                    ct.PLAYED,
                    item.activity,
                    {"language": language, "extensions": {ct.VIDEO_LENGTH: item.minutes * 60}},
                    {"extensions": {ct.VIDEO_TIME: 0}},
                )
            )
        elif item.kind in ("link", "package"):
            out.append(self._new(person, ct.LAUNCHED, item.activity, {"language": language}, None))
        else:
            extensions = {self.x.ARRIVAL: arrival, **(extra or {})}
            context = {"language": language, "extensions": extensions}
            out.append(self._new(person, ct.VIEWED, item.activity, context, None))
            if item.kind == "document" and rng.random() < 0.3:
                out.append(self._new(person, ct.DOWNLOADED, item.activity, {}, None))
        if item.kind == "package" and rng.random() < 0.45:  # the package reports back
            result = {"completion": True, "duration": f"PT{item.minutes * 60}S"}
            out.append(self._new(person, self.pt.COMPLETED, item.activity, {}, result))
        if rng.random() < 0.04:
            out.append(self._new(person, ct.LIKED, item.activity, {}, None))
        return out

    def _browse(self, person: int) -> list[Json]:
        rng = self.rng
        items = self.world.items
        item = items[min(int(rng.paretovariate(0.9)) - 1, len(items) - 1)]
        draw = rng.random()
        if draw < 0.5:
            return self._open(person, item, "home", None)
        if draw < 0.75:
            return self._open(person, item, "direct", None)
        if draw < 0.92:
            return self._open(person, item, "recommendation", None)
        campaign, variant = rng.choice(CAMPAIGNS)
        extra = {self.x.CAMPAIGN: campaign}
        if variant:
            extra[self.x.VARIANT] = variant
        return self._open(person, item, "campaign", extra)

    def _search(self, person: int) -> list[Json]:
        rng, st = self.rng, self.st
        if rng.random() < 0.12:
            query, found = rng.choice(MISSING), 0
        else:
            query = self.queries[min(int(rng.paretovariate(0.7)) - 1, len(self.queries) - 1)]
            found = 0 if rng.random() < 0.03 else rng.randint(1, 40)
        typed = query.capitalize() if rng.random() < 0.1 else query  # same normal form
        language = self.world.languages.get(person, "nl")
        out = [
            self._new(
                person,
                st.VERB_SEARCHED,
                self.search_activity,
                {"language": language, **self.search_context},
                {"extensions": {st.EXT_QUERY: typed, st.EXT_RESULTS: found}},
            )
        ]
        if found and rng.random() < 0.6:
            item = rng.choice(self.world.by_topic[query])
            rank = rng.choice((1, 1, 1, 2, 2, 3, 4, 5))
            context = {"extensions": {st.EXT_QUERY: typed, st.EXT_RANK: rank}}
            out.append(self._new(person, st.VERB_SELECTED, item.activity, context, None))
            out += self._open(person, item, "search", None)
        return out

    # paths ------------------------------------------------------------------------------

    def _path(self, person: int, moment: dt.datetime) -> list[Json] | None:
        """The learner's next move on their path, when it is due (None: nothing due)."""
        rng, pt = self.rng, self.pt
        learner = self.learners[person]
        now = moment.timestamp()
        if now < learner.next_at:
            return None
        language = self.world.languages.get(person, "nl")
        if learner.path is None:
            paths = self.world.paths
            open_ = [i for i, p in enumerate(paths) if p.key not in learner.done]
            if not open_:
                return None
            index = rng.choices(open_, [self.path_weights[i] for i in open_])[0]
            path = paths[index]
            chosen = next(v for v in reversed(path.versions) if v.since <= now)
            learner.path, learner.version, learner.pos, learner.fails = path, chosen, 0, 0
            learner.ahead = set()
            learner.registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            learner.next_at = now + rng.expovariate(1 / learner.pace) / 3
            context = {
                "registration": learner.registration,
                "language": language,
                "extensions": {pt.EXT_PATH_VERSION: chosen.number},
            }
            return [self._new(person, pt.REGISTERED, path.activity, context, None)]
        path, version = learner.path, learner.version
        if version is None:
            return None
        steps = version.steps
        draw = rng.random()
        if draw < 0.01:  # leaves the path
            return [self._leave(person, learner, language, now)]
        if draw < 0.05:  # stalls: weeks without a step (a few never come back)
            learner.next_at = now + (math.inf if rng.random() < 0.2 else DAY * rng.uniform(20, 80))
            return None
        pos = learner.pos
        step = steps[pos]
        ahead = False
        if step.optional and rng.random() < 0.6:  # skips the extra
            pos += 1
        elif not step.optional and pos + 1 < len(steps) and rng.random() < 0.04:
            pos, ahead = pos + 1, True  # the next step first: this one comes after it
        elif pos > 0 and rng.random() < 0.03:  # goes back to an earlier step
            pos = rng.randrange(pos)
        pos = min(pos, len(steps) - 1)
        step = steps[pos]
        after, group = pos + 1, [pos]
        if step.branch is not None:  # of the alternatives, one: the next ones are skipped
            members = [i for i, s in enumerate(steps) if s.branch == step.branch]
            pos = rng.choice(members)
            step, after, group = steps[pos], max(members) + 1, members
        if ahead:  # done out of order: the learner comes back to the one they passed over
            after = learner.pos
        out: list[Json] = []
        registration = {"registration": learner.registration, "language": language}
        if step.quiz is not None:
            passed = self._attempt(person, learner, step.quiz, registration, out)
            if not passed:
                learner.fails += 1
                if learner.fails >= 3 and rng.random() < 0.3:
                    out.append(self._leave(person, learner, language, now))
                    return out
                after = learner.pos
            elif ahead:
                learner.ahead.update(group)
        elif step.item is not None:
            item = step.item
            if item.kind in ("video", "audio", "link", "package"):
                opened = self.ct.PLAYED if item.kind in ("video", "audio") else self.ct.LAUNCHED
                out.append(
                    self._new(person, opened, item.activity, {**registration, **step.context}, None)
                )
            else:
                context = {**registration, **step.arrival}
                out.append(self._new(person, self.ct.VIEWED, item.activity, context, None))
            seconds = int(item.minutes * 60 * rng.uniform(0.6, 1.5))
            result = {"completion": True, "duration": f"PT{seconds}S"}
            context = {**registration, **step.context}
            out.append(self._new(person, pt.COMPLETED, item.activity, context, result))
            if ahead:
                learner.ahead.update(group)
        learner.pos = max(learner.pos, after)
        while learner.pos in learner.ahead:
            learner.pos += 1
        if learner.pos >= len(steps):
            context = {**registration, "extensions": {pt.EXT_PATH_VERSION: version.number}}
            result = {"completion": True, "success": True}
            out.append(self._new(person, pt.COMPLETED, path.activity, context, result))
            self._finish(learner, now)
        else:
            learner.next_at = now + rng.expovariate(1 / learner.pace)
        return out

    def _leave(self, person: int, learner: Learner, language: str, now: float) -> Json:
        path, version = learner.path, learner.version
        if path is None or version is None:
            raise ValueError("leaving without a path")
        context = {
            "registration": learner.registration,
            "language": language,
            "extensions": {self.pt.EXT_PATH_VERSION: version.number},
        }
        statement = self._new(person, self.pt.EXITED, path.activity, context, None)
        self._finish(learner, now)
        return statement

    def _finish(self, learner: Learner, now: float) -> None:
        if learner.path is not None:
            learner.done.add(learner.path.key)
        learner.path, learner.version = None, None
        learner.next_at = now + self.rng.expovariate(1 / (4 * learner.pace))

    def _attempt(
        self, person: int, learner: Learner, quiz: QuizInfo, base: Json, out: list[Json]
    ) -> bool:
        """One attempt: `answered` per question, then `passed` or `failed` (quizzes.tracking)."""
        rng, qt = self.rng, self.qt
        extensions = {qt.EXT_ATTEMPT: str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        parent = {"parent": [quiz.activity]}
        skill = learner.ability - 0.5 + 0.1 * learner.fails  # better after a failed try
        right = 0
        for question in quiz.questions:
            ok = rng.random() < min(0.99, max(0.02, question.base + 0.6 * skill))
            if ok:
                response = question.right
            elif question.misleading or rng.random() < 0.5:
                response = question.wrong[0]
            else:
                response = rng.choice(question.wrong)
            right += ok
            context = {**base, "contextActivities": parent, "extensions": extensions}
            result = {"success": ok, "response": response}
            out.append(self._new(person, qt.ANSWERED, question.activity, context, result))
        total = len(quiz.questions)
        passed = right * 100 >= quiz.pass_percent * total
        verb = qt.PASSED if passed else qt.FAILED
        result = {
            "score": {
                "raw": right,
                "min": 0,
                "max": total,
                "scaled": round(right / total, 4) if total else 0,
            },
            "success": passed,
            "completion": True,
            "duration": f"PT{rng.randint(90, 600)}S",
        }
        out.append(
            self._new(person, verb, quiz.activity, {**base, "extensions": extensions}, result)
        )
        return passed

    # into the LRS -------------------------------------------------------------------------

    def insert(self, n: int, chunk: int = 20_000) -> None:
        """Insert n statements, their `stored` after everything already there."""
        from django.db import connection, transaction

        from leerpad.lrs.models import Statement, key_hash

        table = connection.ops.quote_name(Statement._meta.db_table)
        columns = [
            "statement_id",
            "stored",
            "timestamp",
            "version",
            "verb_iri",
            "verb_hash",
            "actor_ifi",
            "object_type",
            "object_iri",
            "registration",
            "authority_ifi",
            "authority_hash",
            "voided",
            "payload",
        ]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608  (fixed names)
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            # The unique index on random statement ids outgrows SQLite's 2 MiB page cache
            # after a million rows; 256 MiB keeps 10 million rows inserting at a steady rate.
            cursor.execute("PRAGMA cache_size=-262144")
        authority = f"account:{self.site}|leerpad"
        authority_hash = key_hash(authority)
        verb_hash = {iri: key_hash(iri) for iri in self.verb}
        actor_ifi = {p: f"account:{self.site}|{p}" for p in self.people}
        adapt = connection.ops.adapt_datetimefield_value
        last = Statement.objects.order_by("-stored").values_list("stored", flat=True).first()
        clock = last or self.start
        # Timestamps spread evenly over the span, `stored` a little after (4 % of them
        # hours later: the offline sync of a mobile app), in stored order as an LRS has them.
        # The statements of one event (a quiz attempt) follow each other, never late.
        step = self.span / max(n, 1)
        rng = self.rng
        dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
        done = 0
        while done < n:
            rows = []
            for _ in range(min(chunk, n - done)):
                done += 1
                clock = clock + dt.timedelta(seconds=step * rng.uniform(0.5, 1.5))
                late = not self.pending and rng.random() < 0.04
                moment = clock - dt.timedelta(hours=rng.uniform(1, 12)) if late else clock
                st = self.statement(moment)
                st["stored"] = clock.isoformat()
                registration = st["context"].get("registration")
                verb = st["verb"]["id"]
                rows.append(
                    (
                        uuid.UUID(st["id"]).hex,
                        adapt(clock),
                        adapt(moment),
                        "2.0.0",
                        verb,
                        verb_hash[verb],
                        actor_ifi[int(st["actor"]["account"]["name"])],
                        "Activity",
                        st["object"]["id"],
                        uuid.UUID(registration).hex if registration else None,
                        authority,
                        authority_hash,
                        False,
                        dumps(st),
                    )
                )
            # One transaction per chunk: in autocommit each row would be its own commit.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
