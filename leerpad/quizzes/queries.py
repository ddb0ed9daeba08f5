"""Reads of the quizzes app: eager loading, the privacy threshold and results in one place."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from leerpad.accounts.models import Person
from leerpad.quizzes import services
from leerpad.quizzes.models import Attempt, AttemptAnswer, Choice, Question, Quiz, QuizQuestion
from leerpad.skills.models import Skill


def min_group() -> int:
    return int(getattr(settings, "LEERPAD_MIN_GROUP_SIZE", 5))


# --- learners --------------------------------------------------------------------------------


def quiz_by_key(key: str) -> Quiz:
    quiz = Quiz.objects.select_related("skill").filter(key=key).first()
    if quiz is None:
        raise Http404("No such quiz.")
    return quiz


def question_count(quiz: Quiz) -> int:
    """How many questions an attempt will have (the bank may hold fewer than asked)."""
    fixed = QuizQuestion.objects.filter(quiz=quiz, question__is_active=True).count()
    drawn = 0
    if quiz.draw_from_bank and quiz.skill_id is not None:
        available = (
            Question.objects.filter(skill_id=quiz.skill_id, is_active=True)
            .exclude(pk__in=QuizQuestion.objects.filter(quiz=quiz).values("question_id"))
            .count()
        )
        drawn = min(quiz.draw_from_bank, available)
    return fixed + drawn


def attempt_of(person: Person, uid: uuid.UUID) -> Attempt:
    """The person's own attempt; anyone else's does not exist for them."""
    attempt = (
        Attempt.objects.select_related("quiz__skill", "person")
        .filter(uid=uid, person=person)
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def attempts_of(person: Person, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(person=person, quiz=quiz).order_by("-started_at")


def open_attempt(
    person: Person, quiz: Quiz, registration: uuid.UUID | None = None
) -> Attempt | None:
    """The person's latest unfinished attempt in the same context: the same path
    registration when one is given, else one started outside a path."""
    attempts = attempts_of(person, quiz).filter(finished_at__isnull=True)
    if registration is not None:
        return attempts.filter(registration=registration).first()
    return attempts.filter(external_registration=False).first()


@dataclass(frozen=True)
class Feedback:
    """One question of a finished attempt as the result page shows it."""

    question: Question
    choices: list[Choice]
    chosen_ids: frozenset[int]
    correct: bool

    @property
    def chosen(self) -> list[Choice]:
        return [c for c in self.choices if c.pk in self.chosen_ids]


def feedback_for(attempt: Attempt) -> list[Feedback]:
    """Per question: what was chosen and whether it scored, as scored at the time."""
    rows = (
        AttemptAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related("question__choices")
        .order_by("position")
    )
    return [
        Feedback(
            question=row.question,
            choices=list(row.question.choices.all()),
            chosen_ids=frozenset(row.choice_ids),
            correct=row.correct,
        )
        for row in rows
    ]


# --- L&D: banks -------------------------------------------------------------------------------


def banks(search: str = "") -> QuerySet[Skill]:
    """Skills with their question counts: those with questions, or any skill that matches
    `search` (to start a new bank)."""
    skills = Skill.objects.annotate(
        active_count=Count("questions", filter=Q(questions__is_active=True)),
        inactive_count=Count("questions", filter=Q(questions__is_active=False)),
        question_count=Count("questions"),
    )
    if search:
        skills = skills.filter(Q(key__icontains=search) | Q(names__icontains=search))
    else:
        # On the annotation, not on a join: a second join would double the counts.
        skills = skills.filter(question_count__gt=0)
    return skills.order_by("key")


def bank(skill: Skill, *, show_inactive: bool = False) -> QuerySet[Question]:
    """A skill's questions with what the list shows: choices, quizzes, answer counts."""
    questions = Question.objects.filter(skill=skill)
    if not show_inactive:
        questions = questions.filter(is_active=True)
    return with_stats(questions).order_by("-is_active", "id")


def with_stats(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate people (distinct answerers), answers and right answers per question."""
    return questions.annotate(
        people=Count("answers__person", distinct=True),
        answer_count=Count("answers", distinct=True),
        right_count=Count("answers", filter=Q(answers__correct=True), distinct=True),
        choice_count=Count("choices", distinct=True),
    ).prefetch_related("choices")


@dataclass(frozen=True)
class ChoiceStat:
    choice: Choice
    picked: int
    share: int  # percent of answers that picked it


@dataclass(frozen=True)
class QuestionStats:
    people: int
    answers: int
    right: int
    choices: list[ChoiceStat]

    @property
    def right_percent(self) -> int:
        return self.right * 100 // self.answers if self.answers else 0


def question_stats(question: Question) -> QuestionStats | None:
    """How a question was answered, or None while fewer than k people answered it
    (settings.LEERPAD_MIN_GROUP_SIZE): small groups could point to a person."""
    rows = AttemptAnswer.objects.filter(question=question)
    people = rows.values("person").distinct().count()
    if people < min_group():
        return None
    picked: Counter[int] = Counter()
    answers = right = 0
    for choice_ids, correct in rows.values_list("choice_ids", "correct").iterator():
        answers += 1
        right += 1 if correct else 0
        picked.update(set(choice_ids))
    return QuestionStats(
        people=people,
        answers=answers,
        right=right,
        choices=[
            ChoiceStat(c, picked[c.pk], picked[c.pk] * 100 // answers if answers else 0)
            for c in question.choices.all()
        ],
    )


# --- L&D: quizzes ---------------------------------------------------------------------------


def manage_quizzes(search: str = "") -> QuerySet[Quiz]:
    quizzes = Quiz.objects.select_related("skill").annotate(
        fixed_count=Count("quiz_questions", distinct=True),
        finished_count=Count(
            "attempts", filter=Q(attempts__finished_at__isnull=False), distinct=True
        ),
    )
    if search:
        quizzes = quizzes.filter(Q(key__icontains=search) | Q(titles__icontains=search))
    return quizzes.order_by("key")


def quiz_lines(quiz: Quiz) -> list[Question]:
    """The quiz's fixed questions in order, with answer statistics."""
    order = services.quiz_question_ids(quiz)
    by_id = {
        q.pk: q for q in with_stats(Question.objects.filter(pk__in=order)).select_related("skill")
    }
    return [by_id[pk] for pk in order if pk in by_id]


def pickable(quiz: Quiz, skill: Skill) -> QuerySet[Question]:
    """Questions of `skill`'s bank in use and not in the quiz yet."""
    return (
        Question.objects.filter(skill=skill, is_active=True)
        .exclude(pk__in=QuizQuestion.objects.filter(quiz=quiz).values("question_id"))
        .prefetch_related("choices")
        .order_by("id")
    )


def bank_skills() -> QuerySet[Skill]:
    """Skills that have at least one question in use: the banks a quiz can draw from."""
    return Skill.objects.filter(questions__is_active=True).distinct().order_by("key")


def all_quizzes() -> QuerySet[Quiz]:
    """Every quiz, for pickers elsewhere (the path builder)."""
    return Quiz.objects.select_related("skill").order_by("key")
