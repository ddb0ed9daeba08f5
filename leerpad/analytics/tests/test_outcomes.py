"""Outcomes on recorded fixtures: completion, time to complete, quizzes per question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.analytics import sync
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions import outcomes
from leerpad.analytics.questions.quiz_items import QuestionFigures, question_figures
from leerpad.analytics.tests.path_helpers import at, enrol, path_event, scope, touch
from leerpad.catalog import tracking as catalog_tracking
from leerpad.paths import tracking
from leerpad.paths.models import Path
from leerpad.quizzes import services
from leerpad.quizzes.models import Question
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions(make_person: Callable[..., Person], settings: Any) -> None:
    """k = 3. Path p1: 10 enrol on 3 March, 8 complete after 1, 2, 3, 8, 9, 10, 20, 45 days.
    Path p2: 12 enrol, 6 complete after 1 day. Path p3: 2 enrol (under k)."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    start = at("2025-03-03")
    for key, n, days in (
        ("p1", 10, [1, 2, 3, 8, 9, 10, 20, 45]),
        ("p2", 12, [1] * 6),
        ("p3", 2, []),
    ):
        path = Path.objects.create(key=key)
        for i in range(n):
            person = make_person(f"{key}-{i}")
            enrol(person, path, start)
            if i < len(days):
                path_event(person, path, tracking.COMPLETED, start + dt.timedelta(days=days[i]))
    sync.sync()


def test_completion_rates(completions: None) -> None:
    rates = outcomes.completion_rates(scope(end="2025-06-01"))

    assert rates == [
        # 8 of 10: the 2 others are under k, so no rate (it would say who did not finish).
        outcomes.PathCompletion("p1", enrolled=10, completed=None),
        outcomes.PathCompletion("p2", enrolled=12, completed=6),
    ]
    assert rates[1].rate == 0.5
    # Completed after the period: not (yet) completed.
    early = outcomes.completion_rates(scope(end="2025-03-05"))
    assert [(r.path_key, r.enrolled, r.completed) for r in early] == [
        ("p1", 10, None),  # 1 completer: under k
        ("p2", 12, 6),
    ]


def test_time_to_complete(completions: None) -> None:
    result = outcomes.time_to_complete(scope(end="2025-06-01", path_key="p1"))

    assert result.completers == 8
    assert (result.p25, result.median, result.p75) == (2, 8, 10)
    # Bins of 3, 3, 1, 1: the two single ones are hidden, and with them the smallest
    # shown bin (else 8 - 3 - 3 would give them away); the hidden ones merge (5 people).
    assert [b.people for b in result.bins] == [None, 3, None, None, 0, 0]
    assert result.other == 5
    assert result.bins[5].high is None


def test_time_to_complete_only_for_paths_asked(completions: None) -> None:
    # p2's 6 completers (its split is shown); p1's would give its withheld split away.
    result = outcomes.time_to_complete(scope(end="2025-06-01"), ["p2"])

    assert (result.completers, result.median) == (6, 1)
    assert outcomes.time_to_complete(scope(end="2025-06-01"), []).completers == 0
    assert outcomes.time_to_complete(scope(end="2025-06-01")).completers == 14


def test_time_to_complete_under_k(completions: None, settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 9

    assert outcomes.time_to_complete(scope(end="2025-06-01", path_key="p1")).completers == 0


@pytest.fixture
def quiz(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3; 9 learners through quizzes.services.submit. Bottom third: both wrong; middle:
    Q1 right, Q2 wrong; top: both right. The bottom's first learner retakes it, all right."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    skill = make_skill()
    q1 = make_question(skill, "Q1", answers=(("Right", True), ("Wrong", False), ("Other", False)))
    q2 = make_question(skill, "Q2", answers=(("Right", True), ("Wrong", False), ("Other", False)))
    the_quiz = make_quiz("check", [q1, q2], pass_percent=70)

    def choice(question: Question, text: str) -> int:
        return next(int(c.pk) for c in question.choices.all() if c.texts["en"] == text)

    people = [make_person(f"L{i}") for i in range(9)]
    plans = [("Wrong", "Wrong")] * 3 + [("Right", "Wrong")] * 3 + [("Right", "Right")] * 3
    for person, (a1, a2) in zip(people, plans, strict=True):
        attempt = services.start_attempt(the_quiz, person)
        services.submit(attempt, {q1.pk: [choice(q1, a1)], q2.pk: [choice(q2, a2)]})
    retake = services.start_attempt(the_quiz, people[0])
    services.submit(retake, {q1.pk: [choice(q1, "Right")], q2.pk: [choice(q2, "Right")]})
    sync.sync()
    return {"quiz": the_quiz, "q1": q1, "q2": q2}


def now_scope() -> Scope:
    now = timezone.now()
    return Scope(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))


def test_quiz_outcomes(quiz: dict[str, Any]) -> None:
    (result,) = outcomes.quiz_outcomes(now_scope())

    assert (result.quiz_key, result.people, result.attempts) == ("check", 9, 10)
    assert result.first_pass_rate == pytest.approx(3 / 9)  # 70 %: only both right pass
    assert result.first_score == pytest.approx(0.5)


def test_questions(quiz: dict[str, Any]) -> None:
    q1, q2 = question_figures("check", now_scope(), "en")

    assert (q1.question_id, q1.answers) == (quiz["q1"].pk, 9)
    assert q1.share_correct == pytest.approx(6 / 9)
    assert (q1.top_correct, q1.bottom_correct, q1.discrimination) == (1.0, 0.0, 1.0)
    assert [(c.text, c.picks, c.misleading) for c in q1.choices] == [
        ("Right", 6, False),
        ("Wrong", 3, False),
        ("Other", 0, False),
    ]
    assert q2.share_correct == pytest.approx(3 / 9) and not q2.too_hard
    # "Wrong" is picked twice as often as the right answer: misleading.
    assert [(c.text, c.picks) for c in q2.misleading] == [("Wrong", 6)]
    assert [c.top_share for c in q2.choices] == [1.0, 0.0, 0.0]


def test_questions_under_k(quiz: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 10

    assert question_figures("check", now_scope()) == []


def test_thresholds() -> None:
    def figures(share: float) -> QuestionFigures:
        return QuestionFigures("iri", None, "q", 20, share, None, None)

    assert figures(0.95).too_easy and not figures(0.9).too_easy
    assert figures(0.25).too_hard and not figures(0.3).too_hard
    assert figures(0.5).discrimination is None


def test_liked_items(make_person: Callable[..., Person], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    for i in range(3):
        touch(
            make_person(f"A{i}"),
            "https://leerpad.example/catalogue/1/",
            at("2025-03-04"),
            catalog_tracking.LIKED,
        )
    touch(
        make_person("B"),
        "https://leerpad.example/catalogue/2/",
        at("2025-03-04"),
        catalog_tracking.LIKED,
    )
    sync.sync()

    assert outcomes.liked_items(scope()) == [
        outcomes.Liked("https://leerpad.example/catalogue/1/", 3)
    ]
