"""The bank's rules: questions and their answers, deactivation, quizzes and their questions."""

from __future__ import annotations

import pytest

from leerpad.accounts.models import Person
from leerpad.quizzes import services
from leerpad.quizzes.models import Choice, Question, Quiz, QuizQuestion
from leerpad.quizzes.services import ChoiceIn, QuestionIn, QuizIn
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill, right

pytestmark = pytest.mark.django_db


def _spec(kind: str = "single", *marks: bool, texts: dict[str, str] | None = None) -> QuestionIn:
    marks = marks or (True, False)
    return QuestionIn(
        kind=kind,
        texts=texts if texts is not None else {"en": "Question?"},
        choices=[ChoiceIn(texts={"en": f"Answer {i}"}, correct=m) for i, m in enumerate(marks)],
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (_spec("single", True), "at least two answers"),
        (_spec("single", True, True, False), "exactly one right answer; 2 are marked"),
        (_spec("single", False, False), "exactly one right answer; 0 are marked"),
        (_spec("multiple", False, False), "at least one answer as right"),
        (_spec("single", True, False, texts={"en": "   ", "nl": ""}), "at least one language"),
        (_spec("essay", True, False), "single or multiple"),
        (
            QuestionIn(
                kind="single",
                texts={"en": "Q"},
                choices=[ChoiceIn(texts={"en": "A"}, correct=True), ChoiceIn(texts={"fr": " "})],
            ),
            "Answer 2 has no text",
        ),
    ],
)
def test_question_rules(spec: QuestionIn, message: str) -> None:
    skill = make_skill()
    with pytest.raises(services.QuizError) as error:
        services.create_question(skill, spec)
    assert message in str(error.value)
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


def test_texts_are_trimmed_and_empty_languages_dropped(dirk: Person) -> None:
    spec = QuestionIn(
        kind="multiple",
        texts={"en": "  Why?  ", "nl": "   ", "xx": "unknown language"},
        explanations={"fr": " Parce que. "},
        choices=[
            ChoiceIn(texts={"en": " Yes "}, correct=True, feedback={"en": " Good ", "nl": ""}),
            ChoiceIn(texts={"nl": "Nee"}, correct=True),
        ],
    )
    question = services.create_question(make_skill(), spec, by=dirk)
    assert question.texts == {"en": "Why?"}
    assert question.explanations == {"fr": "Parce que."}
    first, second = question.choices.all()
    assert first.texts == {"en": "Yes"} and first.feedback == {"en": "Good"}
    assert second.texts == {"nl": "Nee"} and second.position == 1
    assert question.created_by == dirk


def test_update_keeps_choice_ids_and_removes_left_out_choices_of_unanswered_questions() -> None:
    question = make_question(make_skill())
    a, b, c = question.choices.all()
    spec = QuestionIn(
        kind="single",
        texts={"en": "Reworded"},
        choices=[
            ChoiceIn(id=c.pk, texts={"en": "C first"}, correct=True),
            ChoiceIn(id=a.pk, texts={"en": "A"}, correct=False),
            ChoiceIn(texts={"en": "New"}),
        ],
    )
    services.update_question(question, spec)
    choices = list(question.choices.all())
    assert [ch.pk for ch in choices[:2]] == [c.pk, a.pk]
    assert choices[0].correct and not choices[1].correct
    assert not Choice.objects.filter(pk=b.pk).exists()


def test_answered_questions_keep_their_answers(lena: Person) -> None:
    question = make_question(make_skill())
    services.submit(
        services.start_attempt(make_quiz(questions=[question]), lena),
        {question.pk: right(question)},
    )
    a, _b, c = question.choices.all()
    spec = QuestionIn(
        kind="single",
        texts={"en": "Fewer answers"},
        choices=[
            ChoiceIn(id=a.pk, texts={"en": "A"}, correct=True),
            ChoiceIn(id=c.pk, texts={"en": "C"}),
        ],
    )
    with pytest.raises(services.QuizError, match=r"not\s+removed"):
        services.update_question(question, spec)
    assert question.choices.count() == 3
    question.refresh_from_db()
    assert question.texts["en"] != "Fewer answers"


def test_choices_of_another_question_are_refused() -> None:
    skill = make_skill()
    question, other = make_question(skill, "Mine"), make_question(skill, "Other")
    stranger = other.choices.first()
    assert stranger is not None
    spec = QuestionIn(
        kind="single",
        texts={"en": "Mine"},
        choices=[
            ChoiceIn(id=stranger.pk, texts={"en": "Taken"}, correct=True),
            ChoiceIn(texts={"en": "B"}),
        ],
    )
    with pytest.raises(services.QuizError, match="does not belong"):
        services.update_question(question, spec)
    assert Choice.objects.get(pk=stranger.pk).question_id == other.pk


def test_deactivate_and_reactivate() -> None:
    question = make_question(make_skill())
    services.deactivate_question(question)
    assert Question.objects.get(pk=question.pk).is_active is False
    services.reactivate_question(question)
    assert Question.objects.get(pk=question.pk).is_active is True


# --- quizzes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": "Not A Slug"}, "lower-case"),
        ({"key": "manage"}, "reserved"),
        ({"titles": {"en": "  "}}, "title in at least one language"),
        ({"pass_percent": 0}, "pass mark"),
        ({"pass_percent": 101}, "pass mark"),
        ({"draw_from_bank": 3}, "Choose the quiz's skill"),
        ({"draw_from_bank": 51}, "between 0 and 50"),
        ({"evidence_level": 5}, "level from 1 to 4"),
    ],
)
def test_quiz_rules(fields: dict[str, object], message: str) -> None:
    spec = QuizIn(**{"key": "ok-key", "titles": {"en": "Quiz"}, **fields})  # type: ignore[arg-type]
    with pytest.raises(services.QuizError, match=message):
        services.create_quiz(spec)
    assert not Quiz.objects.exists()


def test_quiz_keys_are_unique_and_never_change() -> None:
    quiz = make_quiz("lifting")
    with pytest.raises(services.QuizError, match="Another quiz"):
        make_quiz("lifting")
    with pytest.raises(services.QuizError, match="cannot change"):
        services.update_quiz(quiz, QuizIn(key="renamed", titles={"en": "Quiz"}))
    updated = services.update_quiz(
        quiz, QuizIn(key="lifting", titles={"nl": "Nieuw"}, pass_percent=80)
    )
    assert (updated.titles, updated.pass_percent) == ({"nl": "Nieuw"}, 80)


def _order(quiz: Quiz) -> list[int]:
    return services.quiz_question_ids(quiz)


def test_add_remove_reorder_quiz_questions() -> None:
    skill = make_skill()
    a, b, c = (make_question(skill, t) for t in "ABC")
    quiz = make_quiz()
    assert services.add_quiz_questions(quiz, [a, b]) == 2
    assert services.add_quiz_questions(quiz, [b, c]) == 1  # b is in it already
    assert _order(quiz) == [a.pk, b.pk, c.pk]
    services.move_quiz_question(quiz, c, -1)
    assert _order(quiz) == [a.pk, c.pk, b.pk]
    services.move_quiz_question(quiz, a, -1)  # the first stays first
    assert _order(quiz) == [a.pk, c.pk, b.pk]
    services.reorder_quiz_questions(quiz, [b.pk, a.pk, c.pk])
    assert _order(quiz) == [b.pk, a.pk, c.pk]
    with pytest.raises(services.QuizError):
        services.reorder_quiz_questions(quiz, [b.pk, a.pk])
    with pytest.raises(services.QuizError):
        services.reorder_quiz_questions(quiz, [b.pk, a.pk, a.pk])
    services.remove_quiz_question(quiz, a)
    assert _order(quiz) == [b.pk, c.pk]
    assert list(QuizQuestion.objects.filter(quiz=quiz).values_list("position", flat=True)) == [0, 1]
    assert Question.objects.filter(pk=a.pk).exists()  # it stays in its bank


def test_inactive_questions_cannot_be_added() -> None:
    question = make_question(make_skill())
    services.deactivate_question(question)
    with pytest.raises(services.QuizError, match="not in use"):
        services.add_quiz_questions(make_quiz(), [question])
