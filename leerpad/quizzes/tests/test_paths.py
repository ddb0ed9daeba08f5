"""Passing a quiz completes the quiz step of a path: through the LRS, like any statement."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.paths.models import Enrolment, Path, PathVersion, Step
from leerpad.paths.queries import plan_for
from leerpad.quizzes import services
from leerpad.quizzes.models import Quiz
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill, right, wrong

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]


def _path_with_quiz(person: Person, quiz: Quiz) -> tuple[PathVersion, Enrolment]:
    path = Path.objects.create(key="lifting-path")
    version = PathVersion.objects.create(
        path=path, number=1, status=PathVersion.Status.PUBLISHED, titles={"en": "Lifting"}
    )
    path.current = version
    path.save(update_fields=["current"])
    Step.objects.create(version=version, position=0, kind=Step.Kind.QUIZ, quiz=quiz)
    enrolment = Enrolment.objects.create(person=person, path=path, version=version)
    return version, enrolment


def test_passing_the_quiz_completes_the_path(
    lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    question = make_question(make_skill())
    quiz = make_quiz(questions=[question])
    version, enrolment = _path_with_quiz(lena, quiz)
    assert not plan_for(lena.pk, version).complete

    failed = services.start_attempt(quiz, lena, enrolment.registration)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(failed, {question.pk: wrong(question)})
    assert not plan_for(lena.pk, version).complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE

    passed = services.start_attempt(quiz, lena, enrolment.registration)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(passed, {question.pk: right(question)})
    assert plan_for(lena.pk, version).complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_the_quiz_page_carries_the_registration_to_the_path(
    client_for: Callable[[Person], Client],
    lena: Person,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    question = make_question(make_skill())
    quiz = make_quiz(questions=[question])
    _version, enrolment = _path_with_quiz(lena, quiz)
    client = client_for(lena)
    start = client.post(
        f"/quizzes/{quiz.key}/start",
        {"registration": str(enrolment.registration), "next": "/paths/lifting-path/"},
    )
    assert start.status_code == 302
    attempt = quiz.attempts.get()
    assert attempt.registration == enrolment.registration
    assert attempt.external_registration is True
    assert "next=%2Fpaths%2Flifting-path%2F" in start["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/quizzes/attempts/{attempt.uid}/",
            {f"q{question.pk}": right(question), "next": "/paths/lifting-path/"},
        )
    assert sent.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    result = client.get(sent["Location"])
    assert 'href="/paths/lifting-path/"' in result.content.decode()
