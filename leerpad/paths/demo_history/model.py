"""The demo history's vocabulary: how paths are taken, who the people are, what is drawn."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from leerpad.accounts.models import Person
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.models import ContentItem
from leerpad.paths import tracking as path_tracking
from leerpad.paths.models import Enrolment, Path, PathVersion, Step
from leerpad.paths.progress import StepFacts
from leerpad.quizzes import tracking as quiz_tracking
from leerpad.quizzes.models import Choice, Question, Quiz
from leerpad.search import tracking as search_tracking

Json = dict[str, Any]

HISTORY_DAYS = 365
BATCH = 500
# Statement ids, registrations and attempt uids: uuid5 in this namespace of a key that
# includes the person's id, so the same demo gives the same ids on a fresh database.
NAMESPACE = uuid.UUID("3c9a6f0e-2d47-4b1a-8e35-7f0c1b9d2a64")

DISPLAY: dict[str, dict[str, str]] = {
    **catalog_tracking.DISPLAY,
    **quiz_tracking.DISPLAY,
    **path_tracking.DISPLAY,
    search_tracking.VERB_SEARCHED: {"en": "searched", "nl": "zocht", "fr": "a cherché"},
}

# A store's learning culture: one store much more active, to be seen on every dashboard.
LOCATION_ACTIVITY = {
    "Delta Gent": 1.8,
    "Delta Antwerpen": 1.0,
    "Delta Brussel": 0.85,
    "Delta Leuven": 1.1,
    "Delta Brugge": 0.75,
    "Delta Namur": 0.6,
    "Delta Liège": 0.8,
    "Hoofdkantoor Mechelen": 0.9,
}
STORE_STAFF = frozenset({"Sales associate", "Cashier", "Garden specialist", "Warehouse associate"})
OFFICE_STAFF = frozenset({"HR partner", "Controller", "Buyer", "Customer service agent"})
NL_STORES = ("Delta Gent", "Delta Antwerpen", "Delta Leuven", "Delta Brugge")
FR_STORES = ("Delta Brussel", "Delta Namur", "Delta Liège")
HEAD_OFFICE = "Hoofdkantoor Mechelen"
BROWSE_PER_YEAR = 140.0
# Where learners stall: classroom dates and coach sign-offs far more than a short read.
STALL_WEIGHT = {
    "item": 0.8,
    "package": 1.5,
    "long": 1.2,
    "session": 3.0,
    "quiz": 1.5,
    "assignment": 2.5,
}

LENA = "lena.peeters@deltahuis.example"
CAS = "cas.janssens@deltahuis.example"
NAMED = frozenset(
    {
        LENA,
        CAS,
        "dirk.maes@deltahuis.example",
        "mira.dubois@deltahuis.example",
        "greet.wouters@deltahuis.example",
        "ada.claes@deltahuis.example",
    }
)


@dataclass(frozen=True)
class Habit:
    """How a path is taken: who enrols (share per job role, "*" = its whole audience),
    what share an average learner with time enough completes, and whether it is the
    onboarding of new hires."""

    reach: dict[str, float]
    completion: float
    onboarding: bool = False


HABITS: dict[str, Habit] = {
    "onboarding-sales-associate": Habit({"Sales associate": 1.0}, 0.85, onboarding=True),
    "onboarding-cashier": Habit({"Cashier": 1.0}, 0.85, onboarding=True),
    "onboarding-garden-specialist": Habit({"Garden specialist": 1.0}, 0.78, onboarding=True),
    "onboarding-warehouse": Habit({"Warehouse associate": 1.0}, 0.78, onboarding=True),
    "onboarding-head-office": Habit({"*": 1.0}, 0.9, onboarding=True),
    "safety-at-work": Habit({"*": 0.6}, 0.78),
    "customer-conversations": Habit(
        {
            "Sales associate": 0.4,
            "Cashier": 0.35,
            "Garden specialist": 0.35,
            "Customer service agent": 0.4,
        },
        0.75,
    ),
    "digital-skills": Habit({"*": 0.2, **{role: 0.35 for role in OFFICE_STAFF}}, 0.75),
    "complaint-handling": Habit(
        {"Cashier": 0.4, "Sales associate": 0.2, "Customer service agent": 0.4}, 0.78
    ),
    "garden-product-knowledge": Habit({"Garden specialist": 0.7, "Sales associate": 0.12}, 0.78),
    "selling-through-advice": Habit({"Sales associate": 0.35, "Garden specialist": 0.3}, 0.7),
    "stock-in-order": Habit({"Warehouse associate": 0.5, "Store manager": 0.4}, 0.78),
    "coaching-at-the-branch": Habit({"Store coach": 1.0, "Store manager": 0.5}, 0.85),
    "leading-a-store-team": Habit({"Store manager": 0.85, "Store coach": 0.6}, 0.8),
}
# People outside a path's audience who enrol anyway: learning is pull, not push.
CURIOUS = 0.02

# Invitation reasons, sign-off notes and coach comments, per language.
TEXTS_FILE = FilePath(__file__).parents[1] / "demo_content" / "history_texts.json"
TEXTS: dict[str, Any] = json.loads(TEXTS_FILE.read_text(encoding="utf-8"))
REASONS: dict[str, list[str]] = TEXTS["invitation_reasons"]
WELCOME: dict[str, str] = TEXTS["welcome"]
NOTES: dict[str, list[str]] = TEXTS["signoff_notes"]
SIGNED: dict[str, list[str]] = TEXTS["signed_comments"]
RETURNED: dict[str, str] = TEXTS["returned_comments"]


@dataclass
class ItemInfo:
    item: ContentItem
    iri: str
    activity: Json
    minutes: int
    languages: frozenset[str]
    skills: frozenset[str]
    roles: frozenset[str]
    locations: frozenset[str]


@dataclass
class QuestionInfo:
    question: Question
    choices: list[Choice]


@dataclass
class QuizInfo:
    quiz: Quiz
    iri: str
    fixed: list[QuestionInfo]
    bank: list[QuestionInfo]


@dataclass
class StepInfo:
    step: Step
    facts: StepFacts
    iri: str  # where this step's completion is recorded
    item: ItemInfo | None
    quiz: QuizInfo | None
    weight: float


@dataclass
class VersionInfo:
    version: PathVersion
    steps: dict[int, StepInfo]
    facts: list[StepFacts]
    activity: Json
    published_at: dt.datetime
    stall: float = 0.0  # chance per unit of step weight that an average learner stalls


@dataclass
class PathInfo:
    path: Path
    habit: Habit
    versions: list[VersionInfo]
    roles: frozenset[str]
    locations: frozenset[str]

    def version_at(self, when: dt.datetime) -> VersionInfo:
        current = self.versions[0]
        for version in self.versions:
            if version.published_at <= when:
                current = version
        return current

    def reach(self, role: str) -> float:
        if self.roles and role not in self.roles:
            return 0.0 if self.habit.onboarding else CURIOUS
        return self.habit.reach.get(role, self.habit.reach.get("*", 0.0))


@dataclass
class Learner:
    person: Person
    agent: Json
    role: str
    location: str
    language: str
    office: bool
    engagement: float
    joined: dt.datetime
    new_hire: bool
    signer: Person | None  # who signs their assignments off: their coach
    inviter: Person | None  # who invites them to paths: coach, else manager
    done: dict[str, dt.datetime] = field(default_factory=dict)
    liked: set[int] = field(default_factory=set)


@dataclass
class Script:
    """A hand-written history for a demo persona: when each step is taken, how quizzes go."""

    schedule: list[dt.datetime]
    quiz_results: list[bool] = field(default_factory=list)
    avoid_sessions: bool = False


@dataclass
class Outcome:
    """How an enrolment ended up in the simulation."""

    enrolment: Enrolment  # saved once the whole history is drawn
    learner: Learner
    version: VersionInfo
    last: dt.datetime
    stalled: bool = False
    waiting: bool = False  # for a session date or a coach: not a drop-off
    completed_at: dt.datetime | None = None
