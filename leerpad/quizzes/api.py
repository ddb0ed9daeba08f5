"""Quizzes over the JSON API (mounted at /api/v1/quizzes/): start an attempt, read its
questions, send the answers and get the result. The same services as the pages, so the
same rules and the same xAPI statements; the right answers are only shown in results."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from leerpad.accounts.api_auth import api_caller
from leerpad.accounts.models import Person
from leerpad.core.texts import in_language
from leerpad.quizzes import queries, services
from leerpad.quizzes.models import Attempt, Question, Quiz

router = Router(tags=["quizzes"])

LANGUAGES = services.LANGUAGES


# --- schemas -------------------------------------------------------------------------------


class Error(Schema):
    detail: str


class AnswerErrors(Schema):
    detail: str
    errors: dict[int, str]


class QuizOut(Schema):
    key: str
    title: str
    intro: str
    pass_percent: int
    questions: int
    skill: str | None
    page_url: str


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    choices: list[ChoiceOut]


class AttemptOut(Schema):
    uid: uuid.UUID
    quiz: str
    title: str
    registration: uuid.UUID
    language: str
    pass_percent: int
    finished: bool
    questions: list[QuestionOut]


class StartIn(Schema):
    registration: uuid.UUID | None = None


class AnswersIn(Schema):
    answers: dict[int, list[int]]


class ChoiceFeedback(Schema):
    id: int
    text: str
    chosen: bool
    correct: bool
    feedback: str


class QuestionResult(Schema):
    id: int
    text: str
    correct: bool
    choices: list[ChoiceFeedback]
    explanation: str


class ResultOut(Schema):
    uid: uuid.UUID
    quiz: str
    score: int
    max_score: int
    percent: int
    pass_percent: int
    passed: bool
    questions: list[QuestionResult]


# --- helpers -------------------------------------------------------------------------------


def _learner(request: HttpRequest) -> Person:
    return api_caller(request)


def _language(lang: str | None) -> str:
    if lang in LANGUAGES:
        return str(lang)
    return (get_language() or "en")[:2]


def _quiz(key: str) -> Quiz:
    quiz = Quiz.objects.select_related("skill").filter(key=key).first()
    if quiz is None:
        raise HttpError(404, "No such quiz.")
    return quiz


def _attempt(person: Person, uid: uuid.UUID) -> Attempt:
    attempt = (
        Attempt.objects.select_related("quiz", "person").filter(uid=uid, person=person).first()
    )
    if attempt is None:
        raise HttpError(404, "No such attempt.")
    return attempt


def _question_out(question: Question, language: str) -> QuestionOut:
    return QuestionOut(
        id=question.pk,
        kind=question.kind,
        text=question.text(language),
        choices=[ChoiceOut(id=c.pk, text=c.text(language)) for c in question.choices.all()],
    )


def _attempt_out(attempt: Attempt, language: str) -> AttemptOut:
    return AttemptOut(
        uid=attempt.uid,
        quiz=attempt.quiz.key,
        title=attempt.quiz.title(language),
        registration=attempt.registration,
        language=language,
        pass_percent=attempt.quiz.pass_percent,
        finished=attempt.finished_at is not None,
        questions=[_question_out(q, language) for q in services.attempt_questions(attempt)],
    )


def _result_out(attempt: Attempt, language: str) -> ResultOut:
    return ResultOut(
        uid=attempt.uid,
        quiz=attempt.quiz.key,
        score=attempt.score or 0,
        max_score=attempt.max_score,
        percent=services.percent(attempt.score or 0, attempt.max_score),
        pass_percent=attempt.quiz.pass_percent,
        passed=bool(attempt.passed),
        questions=[
            QuestionResult(
                id=fb.question.pk,
                text=fb.question.text(language),
                correct=fb.correct,
                explanation=in_language(fb.question.explanations, language),
                choices=[
                    ChoiceFeedback(
                        id=c.pk,
                        text=c.text(language),
                        chosen=c.pk in fb.chosen_ids,
                        correct=c.correct,
                        feedback=in_language(c.feedback, language) if c.pk in fb.chosen_ids else "",
                    )
                    for c in fb.choices
                ],
            )
            for fb in queries.feedback_for(attempt)
        ],
    )


# --- endpoints -----------------------------------------------------------------------------


@router.get("/{slug:key}", response={200: QuizOut, 404: Error}, summary="One quiz")
def get_quiz(request: HttpRequest, key: str, lang: str | None = None) -> QuizOut:
    _learner(request)
    quiz = _quiz(key)
    language = _language(lang)
    return QuizOut(
        key=quiz.key,
        title=quiz.title(language),
        intro=in_language(quiz.intros, language),
        pass_percent=quiz.pass_percent,
        questions=queries.question_count(quiz),
        skill=quiz.skill.key if quiz.skill else None,
        page_url=quiz.get_absolute_url(),
    )


@router.post(
    "/{slug:key}/attempts",
    response={201: AttemptOut, 400: Error, 404: Error},
    summary="Start an attempt",
)
def start_attempt(
    request: HttpRequest, key: str, payload: StartIn, lang: str | None = None
) -> Answer[AttemptOut]:
    """Draws the attempt's questions. Pass `registration` (a path enrolment's) so the
    attempt's statements carry it and a pass completes the path step."""
    person = _learner(request)
    quiz = _quiz(key)
    try:
        attempt = services.start_attempt(quiz, person, payload.registration)
    except services.QuizError as exc:
        raise HttpError(400, str(exc)) from None
    return Answer(201, _attempt_out(attempt, _language(lang)))


@router.get(
    "/attempts/{uuid:uid}",
    response={200: AttemptOut, 404: Error},
    summary="An attempt's questions",
)
def get_attempt(request: HttpRequest, uid: uuid.UUID, lang: str | None = None) -> AttemptOut:
    """The questions to answer, without the right answers."""
    person = _learner(request)
    return _attempt_out(_attempt(person, uid), _language(lang))


@router.post(
    "/attempts/{uuid:uid}/answers",
    response={200: ResultOut, 400: AnswerErrors, 404: Error, 409: Error},
    summary="Send the answers; get the result",
)
def send_answers(
    request: HttpRequest, uid: uuid.UUID, payload: AnswersIn, lang: str | None = None
) -> Answer[ResultOut] | Answer[AnswerErrors] | Answer[Error]:
    """`answers` maps every question id to the chosen choice ids. All or nothing: with
    any error (400, per question) nothing is stored."""
    person = _learner(request)
    attempt = _attempt(person, uid)
    language = _language(lang)
    try:
        services.submit(attempt, payload.answers, language=language)
    except services.AnswerError as exc:
        return Answer(400, AnswerErrors(detail=str(exc), errors=exc.errors))
    except services.QuizError as exc:
        return Answer(409, Error(detail=str(exc)))
    return Answer(200, _result_out(attempt, language))


@router.get(
    "/attempts/{uuid:uid}/result",
    response={200: ResultOut, 404: Error, 409: Error},
    summary="The result of a finished attempt",
)
def get_result(
    request: HttpRequest, uid: uuid.UUID, lang: str | None = None
) -> Answer[ResultOut] | Answer[Error]:
    person = _learner(request)
    attempt = _attempt(person, uid)
    if attempt.finished_at is None:
        return Answer(409, Error(detail="The attempt is not finished yet."))
    return Answer(200, _result_out(attempt, _language(lang)))
