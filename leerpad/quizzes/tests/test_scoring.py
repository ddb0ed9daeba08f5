"""Scoring: a question scores when the chosen set equals the right set; the pass mark."""

from __future__ import annotations

import pytest

from leerpad.accounts.models import Person
from leerpad.quizzes import services
from leerpad.quizzes.models import Question
from leerpad.quizzes.tests.helpers import choice, make_question, make_quiz, make_skill, right, wrong

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("points", "max_points", "mark", "expected"),
    [
        (7, 10, 70, True),  # exactly at the mark
        (6, 10, 70, False),
        (2, 3, 67, False),  # 66.67 % is below 67 %, though it rounds to 67
        (2, 3, 66, True),
        (3, 3, 100, True),
        (0, 0, 1, False),  # nothing to answer is never a pass
    ],
)
def test_pass_mark(points: int, max_points: int, mark: int, expected: bool) -> None:
    assert services.passes(points, max_points, mark) is expected


def test_percent_rounds_down_so_it_never_shows_a_false_pass() -> None:
    assert services.percent(2, 3) == 66
    assert services.percent(3, 3) == 100
    assert services.percent(0, 0) == 0


def test_single_choice_scores_only_the_right_choice(lena: Person) -> None:
    skill = make_skill()
    q1, q2 = make_question(skill, "One"), make_question(skill, "Two")
    quiz = make_quiz(questions=[q1, q2], pass_percent=50)
    attempt = services.start_attempt(quiz, lena)
    services.submit(attempt, {q1.pk: right(q1), q2.pk: wrong(q2)})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.passed) == (1, 2, True)
    rows = {row.question_id: row.correct for row in attempt.answer_rows.all()}
    assert rows == {q1.pk: True, q2.pk: False}


def _multiple(skill_key: str = "safe-lifting") -> Question:
    return make_question(
        make_skill(skill_key),
        "Which are safe?",
        kind=Question.Kind.MULTIPLE,
        answers=[("Bend knees", True), ("Twist", False), ("Keep close", True), ("Jerk", False)],
    )


@pytest.mark.parametrize(
    ("picked", "scores"),
    [
        (["Bend knees", "Keep close"], True),  # exactly the right set
        (["Bend knees"], False),  # a right one missing: no partial credit
        (["Bend knees", "Keep close", "Twist"], False),  # a wrong one added
        (["Twist"], False),
    ],
)
def test_multiple_choice_scores_only_the_exact_set(
    lena: Person, picked: list[str], scores: bool
) -> None:
    question = _multiple()
    quiz = make_quiz(questions=[question], pass_percent=100)
    attempt = services.start_attempt(quiz, lena)
    services.submit(attempt, {question.pk: [choice(question, t).pk for t in picked]})
    attempt.refresh_from_db()
    assert attempt.score == (1 if scores else 0)
    assert attempt.passed is scores


@pytest.mark.parametrize(("right_answers", "passed"), [(7, True), (6, False)])
def test_pass_mark_boundary_in_an_attempt(lena: Person, right_answers: int, passed: bool) -> None:
    skill = make_skill()
    questions = [make_question(skill, f"Q{i}") for i in range(10)]
    quiz = make_quiz(questions=questions, pass_percent=70)
    attempt = services.start_attempt(quiz, lena)
    answers = {
        q.pk: right(q) if index < right_answers else wrong(q) for index, q in enumerate(questions)
    }
    services.submit(attempt, answers)
    attempt.refresh_from_db()
    assert attempt.score == right_answers
    assert attempt.passed is passed
