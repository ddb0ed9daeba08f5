"""The quiz API: start an attempt, read its questions, send answers, read the result."""

from __future__ import annotations

import uuid

import pytest
from ninja.testing import TestClient

from leerpad.accounts.models import Person
from leerpad.lrs.models import Statement
from leerpad.quizzes import tracking
from leerpad.quizzes.api import router
from leerpad.quizzes.models import Attempt
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill, right, statements

pytestmark = pytest.mark.django_db

api = TestClient(router)


def test_start_answer_and_read_the_result(lena: Person) -> None:
    skill = make_skill()
    q1, q2 = make_question(skill, "One", explanation="Because."), make_question(skill, "Two")
    quiz = make_quiz(questions=[q1, q2], skill=skill)
    registration = uuid.uuid4()

    info = api.get(f"/{quiz.key}", user=lena)
    assert info.status_code == 200 and info.json()["questions"] == 2

    started = api.post(
        f"/{quiz.key}/attempts?lang=nl", json={"registration": str(registration)}, user=lena
    )
    assert started.status_code == 201
    body = started.json()
    assert body["registration"] == str(registration)
    assert [q["text"] for q in body["questions"]] == ["NL One", "NL Two"]
    assert "correct" not in str(body)  # the right answers are not given away
    uid = body["uid"]
    assert api.get(f"/attempts/{uid}?lang=nl", user=lena).json()["questions"] == body["questions"]

    refused = api.post(
        f"/attempts/{uid}/answers", json={"answers": {str(q1.pk): right(q1)}}, user=lena
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {str(q2.pk): "Choose an answer."}
    assert not Statement.objects.exists()

    sent = api.post(
        f"/attempts/{uid}/answers",
        json={"answers": {str(q1.pk): right(q1), str(q2.pk): right(q2)}},
        user=lena,
    )
    assert sent.status_code == 200
    result = sent.json()
    assert (result["score"], result["max_score"], result["percent"], result["passed"]) == (
        2,
        2,
        100,
        True,
    )
    assert result["questions"][0]["explanation"] == "Because."
    (passed,) = statements(tracking.PASSED)
    assert passed["context"]["registration"] == str(registration)

    again = api.post(f"/attempts/{uid}/answers", json={"answers": {}}, user=lena)
    assert again.status_code == 409
    assert api.get(f"/attempts/{uid}/result", user=lena).json() == result


def test_attempts_are_private_and_unknown_quizzes_404(lena: Person, dirk: Person) -> None:
    question = make_question(make_skill())
    quiz = make_quiz(questions=[question])
    uid = api.post(f"/{quiz.key}/attempts", json={}, user=lena).json()["uid"]
    assert Attempt.objects.get(uid=uid).person == lena
    assert api.get(f"/attempts/{uid}", user=dirk).status_code == 404
    assert api.post(f"/attempts/{uid}/answers", json={"answers": {}}, user=dirk).status_code == 404
    assert api.get("/no-such-quiz", user=lena).status_code == 404
