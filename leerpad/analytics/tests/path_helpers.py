"""Statements about paths, shaped like Leerpad's own (paths.services, quizzes.tracking),
with chosen timestamps, for the routes, evidence and outcomes questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from leerpad.accounts.models import Person
from leerpad.analytics.filters import Scope
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.catalog.tracking import activity_id
from leerpad.lrs.services import record_for_person
from leerpad.paths import tracking
from leerpad.paths.models import Path, Step
from leerpad.paths.tests.learner_helpers import make_path
from leerpad.quizzes import tracking as quiz_tracking
from leerpad.quizzes.models import Quiz
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill

VIEWED = "http://id.tincanapi.com/verb/viewed"


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def scope(start: str = "2025-03-01", end: str = "2025-04-01", **filters: Any) -> Scope:
    return Scope(start=at(start, 0), end=at(end, 0), **filters)


def four_step_path(key: str = "onboarding") -> tuple[Path, list[str], Quiz]:
    """Steps: A, B (items), C (optional item), D (a quiz). Returns the path, the step
    activity IRIs in order, and the quiz."""
    items = [make_item(f"Item {name}") for name in "ABC"]
    quiz = make_quiz(f"{key}-check", [make_question(make_skill())])
    path = make_path(
        key,
        [
            {"item": items[0]},
            {"item": items[1]},
            {"item": items[2], "optional": True},
            {"kind": Step.Kind.QUIZ, "quiz": quiz},
        ],
    )
    iris = [activity_id(item) for item in items] + [quiz_tracking.quiz_iri(quiz.key)]
    return path, iris, quiz


def _path_object(path: Path) -> dict[str, Any]:
    return {"objectType": "Activity", "id": tracking.path_iri(path.key)}


def path_event(person: Person, path: Path, verb: str, when: dt.datetime, number: int = 1) -> str:
    """registered / completed / exited on the path, as paths.services records them."""
    context = {"extensions": {tracking.EXT_PATH_VERSION: number}}
    return record_for_person(
        person, verb, {"en": "x"}, _path_object(path), context=context, timestamp=when
    )


def enrol(person: Person, path: Path, when: dt.datetime, number: int = 1) -> str:
    return path_event(person, path, tracking.REGISTERED, when, number)


def touch(person: Person, iri: str, when: dt.datetime, verb: str = VIEWED) -> str:
    return record_for_person(
        person, verb, {"en": "x"}, {"objectType": "Activity", "id": iri}, timestamp=when
    )


def complete(person: Person, iri: str, when: dt.datetime) -> str:
    return touch(person, iri, when, tracking.COMPLETED)


def quiz_result(
    person: Person, quiz_iri: str, when: dt.datetime, *, passed: bool, scaled: float
) -> str:
    verb = tracking.PASSED if passed else tracking.FAILED
    return record_for_person(
        person,
        verb,
        {"en": "x"},
        {"objectType": "Activity", "id": quiz_iri},
        result={"success": passed, "completion": True, "score": {"scaled": scaled}},
        timestamp=when,
    )


def answer(
    person: Person, question_iri: str, quiz_iri: str, when: dt.datetime, *, right: bool
) -> str:
    """An `answered` on a question with the quiz as parent (quizzes.tracking's shape)."""
    return record_for_person(
        person,
        quiz_tracking.ANSWERED,
        {"en": "answered"},
        {"objectType": "Activity", "id": question_iri},
        result={"success": right, "response": "c1"},
        context={"contextActivities": {"parent": [{"id": quiz_iri}]}},
        timestamp=when,
    )
