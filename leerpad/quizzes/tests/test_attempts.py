"""Taking a quiz: the draw, validation (nothing stored on error), the statements, evidence."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from leerpad.accounts.models import Person
from leerpad.lrs.models import Statement
from leerpad.quizzes import services, tracking
from leerpad.quizzes.models import Attempt, AttemptAnswer
from leerpad.quizzes.tests.helpers import (
    choice,
    make_question,
    make_quiz,
    make_skill,
    right,
    statements,
    wrong,
)
from leerpad.skills.models import SkillEvidence

pytestmark = pytest.mark.django_db


# --- the draw ---------------------------------------------------------------------------------


def test_draw_adds_bank_questions_never_repeating_and_never_inactive(lena: Person) -> None:
    skill = make_skill()
    fixed = [make_question(skill, f"Fixed {i}") for i in range(2)]
    bank = [make_question(skill, f"Bank {i}") for i in range(8)]
    retired = make_question(skill, "Retired")
    services.deactivate_question(retired)
    other_skill = make_question(make_skill("other"), "Elsewhere")
    quiz = make_quiz(questions=fixed, skill=skill, draw_from_bank=4)
    draws = set()
    for _ in range(12):
        attempt = services.start_attempt(quiz, lena)
        ids = attempt.question_ids
        assert ids[:2] == [q.pk for q in fixed]
        assert len(ids) == len(set(ids)) == 6
        assert set(ids[2:]) <= {q.pk for q in bank}
        assert retired.pk not in ids and other_skill.pk not in ids
        assert attempt.max_score == 6
        draws.add(tuple(ids[2:]))
    assert len(draws) > 1  # attempts differ (12 identical draws of 4 from 8: ~1e-20)


def test_draw_is_reproducible_from_the_attempt_uid(lena: Person) -> None:
    skill = make_skill()
    for i in range(10):
        make_question(skill, f"Bank {i}")
    quiz = make_quiz(skill=skill, draw_from_bank=3)
    attempt = services.start_attempt(quiz, lena)
    assert services.draw(quiz, attempt.uid, set()) == attempt.question_ids
    seed = uuid.uuid4()
    assert services.draw(quiz, seed, set()) == services.draw(quiz, seed, set())


def test_draw_takes_what_the_bank_has(lena: Person) -> None:
    skill = make_skill()
    fixed = make_question(skill, "Fixed")
    extra = make_question(skill, "Only one extra")
    quiz = make_quiz(questions=[fixed], skill=skill, draw_from_bank=5)
    assert services.start_attempt(quiz, lena).question_ids == [fixed.pk, extra.pk]


def test_inactive_fixed_questions_are_left_out_and_an_empty_quiz_cannot_start(
    lena: Person,
) -> None:
    skill = make_skill()
    keep, retire = make_question(skill, "Keep"), make_question(skill, "Retire")
    quiz = make_quiz(questions=[keep, retire])
    services.deactivate_question(retire)
    assert services.start_attempt(quiz, lena).question_ids == [keep.pk]
    services.deactivate_question(keep)
    with pytest.raises(services.QuizError, match="no questions"):
        services.start_attempt(quiz, lena)


# --- validation ------------------------------------------------------------------------------


def _nothing_stored(attempt: Attempt) -> None:
    attempt.refresh_from_db()
    assert attempt.finished_at is None and attempt.score is None and attempt.passed is None
    assert not AttemptAnswer.objects.filter(attempt=attempt).exists()
    assert not Statement.objects.exists()
    assert not SkillEvidence.objects.exists()


def test_every_question_must_be_answered(lena: Person) -> None:
    skill = make_skill()
    q1, q2 = make_question(skill, "One"), make_question(skill, "Two")
    attempt = services.start_attempt(make_quiz(questions=[q1, q2], skill=skill), lena)
    with pytest.raises(services.AnswerError) as error:
        services.submit(attempt, {q1.pk: right(q1), q2.pk: []})
    assert set(error.value.errors) == {q2.pk}
    assert "Choose an answer" in error.value.errors[q2.pk]
    _nothing_stored(attempt)


def test_single_choice_takes_exactly_one(lena: Person) -> None:
    skill = make_skill()
    question = make_question(skill)
    attempt = services.start_attempt(make_quiz(questions=[question], skill=skill), lena)
    both = [c.pk for c in question.choices.all()][:2]
    with pytest.raises(services.AnswerError) as error:
        services.submit(attempt, {question.pk: both})
    assert "exactly one" in error.value.errors[question.pk]
    _nothing_stored(attempt)


def test_choices_must_belong_to_the_question(lena: Person) -> None:
    skill = make_skill()
    q1, q2 = make_question(skill, "One"), make_question(skill, "Two")
    attempt = services.start_attempt(make_quiz(questions=[q1, q2], skill=skill), lena)
    with pytest.raises(services.AnswerError) as error:
        services.submit(attempt, {q1.pk: right(q2), q2.pk: right(q2)})
    assert set(error.value.errors) == {q1.pk}
    assert "does not belong" in error.value.errors[q1.pk]
    _nothing_stored(attempt)


def test_answers_to_questions_outside_the_attempt_are_refused(lena: Person) -> None:
    skill = make_skill()
    q1, stranger = make_question(skill, "One"), make_question(skill, "Not drawn")
    attempt = services.start_attempt(make_quiz(questions=[q1]), lena)
    with pytest.raises(services.AnswerError) as error:
        services.submit(attempt, {q1.pk: right(q1), stranger.pk: right(stranger)})
    assert set(error.value.errors) == {stranger.pk}
    _nothing_stored(attempt)


def test_a_failing_lrs_stores_nothing(lena: Person, monkeypatch: pytest.MonkeyPatch) -> None:
    from leerpad.lrs import services as lrs_services

    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise lrs_services.XapiValidationError("refused", path="statement")

    monkeypatch.setattr(lrs_services, "record_statements", refuse)
    skill = make_skill()
    question = make_question(skill)
    attempt = services.start_attempt(make_quiz(questions=[question], skill=skill), lena)
    with pytest.raises(lrs_services.XapiValidationError):
        services.submit(attempt, {question.pk: right(question)})
    _nothing_stored(attempt)


def test_a_finished_attempt_cannot_be_sent_again(lena: Person) -> None:
    question = make_question(make_skill())
    attempt = services.start_attempt(make_quiz(questions=[question]), lena)
    services.submit(attempt, {question.pk: wrong(question)})
    stale = Attempt.objects.get(pk=attempt.pk)
    stale.finished_at = None  # a second request that loaded the attempt before the first
    with pytest.raises(services.QuizError, match="finished"):
        services.submit(stale, {question.pk: right(question)})
    assert Statement.objects.count() == 2  # one answered + one failed, not more
    assert Attempt.objects.get(pk=attempt.pk).passed is False


# --- statements ------------------------------------------------------------------------------


def test_statements_answered_per_question_then_passed_with_score(lena: Person) -> None:
    skill = make_skill()
    single = make_question(skill, "Single")
    multiple = make_question(
        skill,
        "Multiple",
        kind="multiple",
        answers=[("A", True), ("B", False), ("C", False), ("D", True)],
    )
    quiz = make_quiz(questions=[single, multiple], skill=skill, pass_percent=50)
    registration = uuid.uuid4()
    attempt = services.start_attempt(quiz, lena, registration)
    chosen_multiple = [choice(multiple, "A").pk, choice(multiple, "C").pk]
    services.submit(attempt, {single.pk: right(single), multiple.pk: chosen_multiple})

    answered = statements(tracking.ANSWERED)
    assert len(answered) == 2
    by_object = {s["object"]["id"]: s for s in answered}
    site = settings.SITE_URL.rstrip("/")
    statement = by_object[f"{site}/quizzes/questions/{multiple.uid}/"]
    definition = statement["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == "choice"
    a, b, c, d = (choice(multiple, t) for t in "ABCD")
    assert definition["correctResponsesPattern"] == [f"c{a.pk}[,]c{d.pk}"]
    assert [x["id"] for x in definition["choices"]] == [f"c{x.pk}" for x in (a, b, c, d)]
    assert definition["choices"][0]["description"] == {"en": "A", "nl": "NL A"}
    assert statement["result"] == {"success": False, "response": f"c{a.pk}[,]c{c.pk}"}
    assert by_object[f"{site}/quizzes/questions/{single.uid}/"]["result"]["success"] is True
    for s in answered:
        assert s["actor"]["account"]["name"] == str(lena.pk)
        assert s["context"]["registration"] == str(registration)
        assert s["context"]["contextActivities"]["parent"][0]["id"] == tracking.quiz_iri(quiz.key)

    (passed,) = statements(tracking.PASSED)
    assert not statements(tracking.FAILED)
    assert passed["object"]["id"] == f"{site}/quizzes/{quiz.key}/"
    assert passed["result"]["score"] == {"raw": 1, "min": 0, "max": 2, "scaled": 0.5}
    assert passed["result"]["success"] is True and passed["result"]["completion"] is True
    assert passed["context"]["registration"] == str(registration)
    # One batch: the same `stored` for all of them.
    assert len({s["stored"] for s in [*answered, passed]}) == 1


def test_failing_records_failed_and_an_own_registration(lena: Person) -> None:
    question = make_question(make_skill())
    attempt = services.start_attempt(make_quiz(questions=[question]), lena)
    services.submit(attempt, {question.pk: wrong(question)})
    (failed,) = statements(tracking.FAILED)
    assert not statements(tracking.PASSED)
    assert failed["result"]["success"] is False
    assert failed["result"]["score"]["raw"] == 0
    assert failed["context"]["registration"] == str(attempt.registration)
    assert attempt.external_registration is False


# --- skill evidence --------------------------------------------------------------------------


def test_passing_adds_skill_evidence_at_the_quiz_level(lena: Person) -> None:
    skill = make_skill()
    question = make_question(skill)
    quiz = make_quiz(questions=[question], skill=skill, evidence_level=3)
    attempt = services.start_attempt(quiz, lena)
    services.submit(attempt, {question.pk: wrong(question)})
    assert not SkillEvidence.objects.exists()
    attempt = services.start_attempt(quiz, lena)
    services.submit(attempt, {question.pk: right(question)})
    evidence = SkillEvidence.objects.get()
    assert (evidence.person_id, evidence.skill_id, evidence.level) == (lena.pk, skill.pk, 3)
    assert evidence.source == SkillEvidence.Source.QUIZ
    assert evidence.source_key == f"quiz:{quiz.key}"
    (passed,) = statements(tracking.PASSED)
    assert str(evidence.statement_id) == passed["id"]


def test_default_evidence_level_is_two(lena: Person) -> None:
    skill = make_skill()
    question = make_question(skill)
    quiz = make_quiz(questions=[question], skill=skill)
    services.submit(services.start_attempt(quiz, lena), {question.pk: right(question)})
    assert SkillEvidence.objects.get().level == 2
