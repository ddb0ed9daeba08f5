"""Writes of the quizzes app: typed functions, one transaction each.

Taking a quiz:
- `start_attempt` draws the attempt's questions: the quiz's fixed questions that are in
  use, then `draw_from_bank` more at random from its skill's bank (never one that is
  already in the attempt), seeded by the attempt's uid so the draw can be replayed.
- `submit` validates the answers (every question answered, exactly one choice for a
  single-choice question, only choices of the question), scores them, and records the
  attempt in the LRS as one batch of statements, in the same transaction as the attempt
  itself: either everything is stored or nothing is. A pass adds skill evidence.

Scoring: a question scores 1 point when the set of chosen choices equals the set of right
choices exactly (no partial credit, no penalty); the attempt passes when
100 * points >= pass_percent * questions (integers: no rounding at the mark).

The bank: questions with their choices (`save_question`), deactivation (questions that
were ever answered are never deleted), quizzes (`save_quiz`) and their fixed questions.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.core.logging import get_logger
from leerpad.quizzes import tracking
from leerpad.quizzes.models import Attempt, AttemptAnswer, Choice, Question, Quiz, QuizQuestion
from leerpad.skills.models import Level, Skill

log = get_logger(__name__)

LANGUAGES = ("nl", "fr", "en")
# Quiz keys that would shadow a page of the app (/quizzes/manage/, ...).
RESERVED_KEYS = frozenset({"manage", "attempts", "questions", "banks", "api", "new"})
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_CHOICES = 12
MAX_DRAW = 50
MAX_TEXT = 2000


class QuizError(Exception):
    """A request the rules refuse; every message is shown to the person."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class AnswerError(QuizError):
    """Answers that cannot be scored; `errors` says what is wrong, per question id."""

    def __init__(self, errors: Mapping[int, str]) -> None:
        self.errors = dict(errors)
        super().__init__(
            ngettext(
                "%(count)s question needs your attention. Nothing was saved.",
                "%(count)s questions need your attention. Nothing was saved.",
                len(self.errors),
            )
            % {"count": len(self.errors)}
        )


# --- scoring (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How one question of an attempt went."""

    question: Question
    choices: tuple[Choice, ...]  # all choices, in order
    chosen: tuple[Choice, ...]  # the chosen ones, in order

    @property
    def correct(self) -> bool:
        return {c.pk for c in self.chosen} == {c.pk for c in self.choices if c.correct}


def passes(points: int, max_points: int, pass_percent: int) -> bool:
    """The pass mark: percent ≥ pass_percent, compared without rounding."""
    return max_points > 0 and points * 100 >= pass_percent * max_points


def percent(points: int, max_points: int) -> int:
    """The percentage shown: rounded down, so it never shows a pass that was not one."""
    return points * 100 // max_points if max_points else 0


# --- taking a quiz ---------------------------------------------------------------------------


def fixed_questions(quiz: Quiz) -> list[Question]:
    """The quiz's own questions that are in use, in their order."""
    return [
        qq.question
        for qq in QuizQuestion.objects.filter(quiz=quiz, question__is_active=True)
        .select_related("question")
        .order_by("position", "id")
    ]


def draw(quiz: Quiz, seed: uuid.UUID, exclude: set[int]) -> list[int]:
    """`quiz.draw_from_bank` random active questions of the quiz's skill, none in
    `exclude`; the same seed and bank give the same draw."""
    if not quiz.draw_from_bank or quiz.skill_id is None:
        return []
    pool = sorted(
        set(
            Question.objects.filter(skill_id=quiz.skill_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
        - exclude
    )
    # Not for secrets: a reproducible shuffle, replayable from the attempt's uid.
    return random.Random(seed.int).sample(  # noqa: S311
        pool, min(quiz.draw_from_bank, len(pool))
    )


@transaction.atomic
def start_attempt(quiz: Quiz, person: Person, registration: uuid.UUID | None = None) -> Attempt:
    """A new attempt with its questions drawn; `registration` ties its statements to a
    path enrolment (else the attempt gets a registration of its own)."""
    uid = uuid.uuid4()
    fixed = [q.pk for q in fixed_questions(quiz)]
    question_ids = fixed + draw(quiz, uid, set(fixed))
    if not question_ids:
        raise QuizError(_("This quiz has no questions yet."))
    return Attempt.objects.create(
        uid=uid,
        quiz=quiz,
        person=person,
        registration=registration or uuid.uuid4(),
        external_registration=registration is not None,
        question_ids=question_ids,
        max_score=len(question_ids),
    )


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in attempt order, with their choices."""
    by_id = {
        q.pk: q
        for q in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices")
    }
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def normalise_answers(
    questions: Sequence[Question], answers: Mapping[int, Sequence[int]]
) -> dict[int, list[int]]:
    """Check answers against the questions; the chosen ids per question, in choice order.

    Raises AnswerError naming every question that is unanswered, has more than one
    choice for a single-choice question, or names a choice that is not its own.
    """
    errors: dict[int, str] = {}
    clean: dict[int, list[int]] = {}
    known = {q.pk for q in questions}
    for question_id in answers:
        if question_id not in known:
            errors[question_id] = _("This question is not part of this attempt.")
    for question in questions:
        chosen = set(answers.get(question.pk) or ())
        own = [c.pk for c in question.choices.all()]
        if not chosen:
            errors[question.pk] = _("Choose an answer.")
        elif not chosen <= set(own):
            errors[question.pk] = _("An answer you chose does not belong to this question.")
        elif question.kind == Question.Kind.SINGLE and len(chosen) != 1:
            errors[question.pk] = _("Choose exactly one answer.")
        else:
            clean[question.pk] = [pk for pk in own if pk in chosen]
    if errors:
        raise AnswerError(errors)
    return clean


def outcomes_of(
    questions: Sequence[Question], answers: Mapping[int, Sequence[int]]
) -> list[Outcome]:
    result = []
    for question in questions:
        choices = tuple(question.choices.all())
        chosen_ids = set(answers.get(question.pk) or ())
        result.append(Outcome(question, choices, tuple(c for c in choices if c.pk in chosen_ids)))
    return result


@transaction.atomic
def submit(
    attempt: Attempt,
    answers: Mapping[int, Sequence[int]],
    *,
    language: str | None = None,
) -> Attempt:
    """Score and finish an attempt and record it in the LRS, all or nothing.

    `answers` maps question ids to chosen choice ids. Raises AnswerError (per question)
    or QuizError (the attempt is finished already); nothing is stored then.
    """
    from leerpad.lrs.agents import agent_for_person
    from leerpad.lrs.services import leerpad_authority, record_statements
    from leerpad.lrs.xapi import VERSION_2
    from leerpad.skills.models import SkillEvidence
    from leerpad.skills.services import add_evidence

    if attempt.finished_at is not None:
        raise QuizError(_("This attempt is finished already."))
    questions = attempt_questions(attempt)
    if len(questions) != len(attempt.question_ids):
        raise QuizError(_("A question of this attempt no longer exists. Start the quiz again."))
    clean = normalise_answers(questions, answers)
    outcomes = outcomes_of(questions, clean)
    points = sum(1 for o in outcomes if o.correct)
    max_points = len(outcomes)
    passed = passes(points, max_points, attempt.quiz.pass_percent)
    now = timezone.now()
    # The conditional update is the guard against a double submit: only one request
    # can move the attempt from open to finished.
    finished = Attempt.objects.filter(pk=attempt.pk, finished_at__isnull=True).update(
        answers={str(k): v for k, v in clean.items()},
        score=points,
        max_score=max_points,
        passed=passed,
        finished_at=now,
    )
    if not finished:
        raise QuizError(_("This attempt is finished already."))
    attempt.refresh_from_db()
    person = attempt.person
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question=o.question,
            person=person,
            position=index,
            choice_ids=[c.pk for c in o.chosen],
            correct=o.correct,
        )
        for index, o in enumerate(outcomes)
    )
    lang = (language or person.language or get_language() or "en")[:2]
    statements = tracking.attempt_statements(
        attempt,
        agent_for_person(person),
        [(o.question, o.choices, o.chosen, o.correct) for o in outcomes],
        language=lang,
    )
    ids = record_statements(statements, version=VERSION_2, authority=leerpad_authority())
    quiz = attempt.quiz
    if passed and quiz.skill is not None:
        add_evidence(
            person_id=person.pk,
            skill=quiz.skill,
            level=quiz.evidence_level,
            source=SkillEvidence.Source.QUIZ,
            label=quiz.title(person.language),
            source_key=f"quiz:{quiz.key}",
            url=quiz.get_absolute_url(),
            statement_id=ids[-1],
            achieved_at=now,
        )
    log.info(
        "quizzes.attempt_finished",
        quiz=quiz.key,
        person_id=person.pk,
        score=points,
        max_score=max_points,
        passed=passed,
    )
    return attempt


# The brief and the API speak of answering; it is the same act.
answer = submit


# --- the bank -------------------------------------------------------------------------------


def clean_texts(texts: Mapping[str, str] | None) -> dict[str, str]:
    """Texts per language, trimmed, without empty or unknown languages."""
    return {
        lang: text.strip()
        for lang, text in (texts or {}).items()
        if lang in LANGUAGES and isinstance(text, str) and text.strip()
    }


@dataclass(frozen=True)
class ChoiceIn:
    texts: Mapping[str, str]
    correct: bool = False
    feedback: Mapping[str, str] = field(default_factory=dict)
    id: int | None = None  # an existing choice of the question, when editing


@dataclass(frozen=True)
class QuestionIn:
    kind: str
    texts: Mapping[str, str]
    choices: Sequence[ChoiceIn]
    explanations: Mapping[str, str] = field(default_factory=dict)


def _too_long(texts: Mapping[str, str]) -> bool:
    return any(len(text) > MAX_TEXT for text in texts.values())


def question_errors(spec: QuestionIn) -> list[str]:
    """What is wrong with a question, in words (empty: nothing)."""
    errors: list[str] = []
    if spec.kind not in Question.Kind.values:
        errors.append(_("Choose single or multiple choice."))
    texts = clean_texts(spec.texts)
    if not texts:
        errors.append(_("Write the question in at least one language."))
    if _too_long(texts) or _too_long(clean_texts(spec.explanations)):
        errors.append(
            _("Keep the question and its explanation under %(n)s characters.") % {"n": MAX_TEXT}
        )
    if len(spec.choices) < 2:
        errors.append(_("Give at least two answers."))
    if len(spec.choices) > MAX_CHOICES:
        errors.append(_("Give at most %(n)s answers.") % {"n": MAX_CHOICES})
    for number, choice in enumerate(spec.choices, start=1):
        choice_texts = clean_texts(choice.texts)
        if not choice_texts:
            errors.append(_("Answer %(number)s has no text in any language.") % {"number": number})
        elif _too_long(choice_texts) or _too_long(clean_texts(choice.feedback)):
            errors.append(
                _("Keep answer %(number)s and its feedback under %(n)s characters.")
                % {"number": number, "n": MAX_TEXT}
            )
    right = sum(1 for c in spec.choices if c.correct)
    if spec.kind == Question.Kind.SINGLE and right != 1:
        errors.append(
            _("A single-choice question has exactly one right answer; %(count)s are marked.")
            % {"count": right}
        )
    if spec.kind == Question.Kind.MULTIPLE and right < 1:
        errors.append(_("Mark at least one answer as right."))
    return errors


def was_answered(question: Question) -> bool:
    return AttemptAnswer.objects.filter(question=question).exists()


@transaction.atomic
def save_question(
    question: Question | None,
    spec: QuestionIn,
    *,
    skill: Skill | None = None,
    by: Person | None = None,
) -> Question:
    """Create a question in `skill`'s bank (question None) or update one with its choices.

    Choices keep their ids when `ChoiceIn.id` names them (so past answers still point to
    them); choices left out are removed, unless the question was ever answered: then
    answers can be reworded and added, never removed.
    """
    errors = question_errors(spec)
    if question is None and skill is None:
        errors.append(_("Choose the skill whose bank the question goes to."))
    existing: dict[int, Choice] = {}
    if question is not None:
        existing = {c.pk: c for c in question.choices.all()}
        strangers = [c.id for c in spec.choices if c.id is not None and c.id not in existing]
        if strangers:
            errors.append(_("An answer does not belong to this question; reload the page."))
        kept = {c.id for c in spec.choices if c.id is not None}
        if set(existing) - kept and was_answered(question):
            errors.append(
                _(
                    "People have answered this question, so its answers can be reworded but "
                    "not removed. Deactivate it and write a new question instead."
                )
            )
    if errors:
        raise QuizError(*errors)
    now = timezone.now()
    if question is None:
        question = Question(skill=skill, created_by=by, created_at=now)
    question.kind = spec.kind
    question.texts = clean_texts(spec.texts)
    question.explanations = clean_texts(spec.explanations)
    question.updated_at = now
    question.save()
    kept_ids = set()
    for position, choice_in in enumerate(spec.choices):
        choice = existing.get(choice_in.id) if choice_in.id is not None else None
        if choice is None:
            choice = Choice(question=question)
        choice.position = position
        choice.texts = clean_texts(choice_in.texts)
        choice.feedback = clean_texts(choice_in.feedback)
        choice.correct = bool(choice_in.correct)
        choice.save()
        kept_ids.add(choice.pk)
    Choice.objects.filter(question=question).exclude(pk__in=kept_ids).delete()
    return question


def create_question(skill: Skill, spec: QuestionIn, *, by: Person | None = None) -> Question:
    return save_question(None, spec, skill=skill, by=by)


def update_question(question: Question, spec: QuestionIn) -> Question:
    return save_question(question, spec)


@transaction.atomic
def set_question_active(question: Question, active: bool) -> Question:
    """Take a question out of use (no new attempt draws it) or back into use. Questions
    are never deleted: past attempts and statements point to them."""
    question.is_active = active
    question.updated_at = timezone.now()
    question.save(update_fields=["is_active", "updated_at"])
    return question


def deactivate_question(question: Question) -> Question:
    return set_question_active(question, False)


def reactivate_question(question: Question) -> Question:
    return set_question_active(question, True)


# --- quizzes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizIn:
    key: str
    titles: Mapping[str, str]
    intros: Mapping[str, str] = field(default_factory=dict)
    skill: Skill | None = None
    pass_percent: int = 70
    draw_from_bank: int = 0
    evidence_level: int = Level.PRACTISING


def quiz_errors(spec: QuizIn, quiz: Quiz | None = None) -> list[str]:
    errors: list[str] = []
    key = spec.key.strip()
    if quiz is None:
        if not KEY_PATTERN.match(key) or len(key) > 120:
            errors.append(
                _("The key is lower-case letters, digits and hyphens, like “safe-lifting”.")
            )
        elif key in RESERVED_KEYS:
            errors.append(_("“%(key)s” is reserved; choose another key.") % {"key": key})
        elif Quiz.objects.filter(key=key).exists():
            errors.append(_("Another quiz has the key “%(key)s”.") % {"key": key})
    elif key != quiz.key:
        errors.append(_("The key cannot change: it names the quiz in the learning record."))
    titles = clean_texts(spec.titles)
    if not titles:
        errors.append(_("Give the quiz a title in at least one language."))
    if any(len(t) > 300 for t in titles.values()):
        errors.append(_("Keep titles under 300 characters."))
    if _too_long(clean_texts(spec.intros)):
        errors.append(_("Keep the introduction under %(n)s characters.") % {"n": MAX_TEXT})
    if not 1 <= spec.pass_percent <= 100:
        errors.append(_("The pass mark is a percentage from 1 to 100."))
    if not 0 <= spec.draw_from_bank <= MAX_DRAW:
        errors.append(_("Draw between 0 and %(n)s questions from the bank.") % {"n": MAX_DRAW})
    elif spec.draw_from_bank and spec.skill is None:
        errors.append(_("Choose the quiz's skill: extra questions are drawn from its bank."))
    if spec.evidence_level not in Level.values:
        errors.append(_("Choose a skill level from 1 to 4."))
    return errors


@transaction.atomic
def save_quiz(quiz: Quiz | None, spec: QuizIn, *, by: Person | None = None) -> Quiz:
    """Create a quiz (quiz None) or update one; the key never changes after creation."""
    errors = quiz_errors(spec, quiz)
    if errors:
        raise QuizError(*errors)
    if quiz is None:
        quiz = Quiz(key=spec.key.strip(), created_by=by)
    quiz.titles = clean_texts(spec.titles)
    quiz.intros = clean_texts(spec.intros)
    quiz.skill = spec.skill
    quiz.pass_percent = spec.pass_percent
    quiz.draw_from_bank = spec.draw_from_bank
    quiz.evidence_level = spec.evidence_level
    quiz.save()
    return quiz


def create_quiz(spec: QuizIn, *, by: Person | None = None) -> Quiz:
    return save_quiz(None, spec, by=by)


def update_quiz(quiz: Quiz, spec: QuizIn) -> Quiz:
    return save_quiz(quiz, spec)


@transaction.atomic
def add_quiz_questions(quiz: Quiz, questions: Sequence[Question]) -> int:
    """Add questions at the end of the quiz (ones it has already are skipped). Returns
    how many were added."""
    inactive = [q for q in questions if not q.is_active]
    if inactive:
        raise QuizError(_("Questions that are not in use cannot be added to a quiz."))
    present = set(QuizQuestion.objects.filter(quiz=quiz).values_list("question_id", flat=True))
    last = QuizQuestion.objects.filter(quiz=quiz).aggregate(m=Max("position"))["m"]
    position = -1 if last is None else last
    added = 0
    for question in questions:
        if question.pk in present:
            continue
        position += 1
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
        present.add(question.pk)
        added += 1
    return added


@transaction.atomic
def remove_quiz_question(quiz: Quiz, question: Question) -> None:
    """Take a question out of the quiz; it stays in its bank and in past attempts."""
    deleted, _rows = QuizQuestion.objects.filter(quiz=quiz, question=question).delete()
    if not deleted:
        raise QuizError(_("That question is not part of this quiz."))
    _renumber(quiz, list(quiz_question_ids(quiz)))


def quiz_question_ids(quiz: Quiz) -> list[int]:
    return list(
        QuizQuestion.objects.filter(quiz=quiz)
        .order_by("position", "id")
        .values_list("question_id", flat=True)
    )


def _renumber(quiz: Quiz, order: Sequence[int]) -> None:
    rows = {qq.question_id: qq for qq in QuizQuestion.objects.filter(quiz=quiz)}
    changed = []
    for position, question_id in enumerate(order):
        row = rows[question_id]
        if row.position != position:
            row.position = position
            changed.append(row)
    QuizQuestion.objects.bulk_update(changed, ["position"])


@transaction.atomic
def reorder_quiz_questions(quiz: Quiz, question_ids: Sequence[int]) -> None:
    """Put the quiz's questions in the given order (every one of them, each once)."""
    current = quiz_question_ids(quiz)
    if sorted(question_ids) != sorted(current) or len(set(question_ids)) != len(question_ids):
        raise QuizError(_("The quiz changed meanwhile; reload the page and try again."))
    _renumber(quiz, question_ids)


@transaction.atomic
def move_quiz_question(quiz: Quiz, question: Question, offset: int) -> None:
    """Move a question up (offset -1) or down (+1) in the quiz."""
    order = quiz_question_ids(quiz)
    if question.pk not in order:
        raise QuizError(_("That question is not part of this quiz."))
    index = order.index(question.pk)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    _renumber(quiz, order)
