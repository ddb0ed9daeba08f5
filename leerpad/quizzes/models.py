"""Quizzes and the question bank: single- and multiple-choice questions, banked per skill.

A question lives in the bank of one skill and can be used by any number of quizzes. Texts
are kept per language in JSON objects ({"nl": ..., "fr": ..., "en": ...}), like skill
names, because a question is always shown whole in one language. Every answer and every
result is recorded as an xAPI statement (see `tracking.py`); `Attempt` only keeps what
the quiz page needs to show the result again.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.core.texts import in_language
from leerpad.skills.models import Level


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    # Stable across edits: the xAPI activity id of the question is built from it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    skill = models.ForeignKey(
        "skills.Skill", models.PROTECT, related_name="questions", verbose_name=_("skill")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    texts = models.JSONField(_("question"), default=dict)
    # Shown after answering, right or wrong: why the right answer is right.
    explanations = models.JSONField(_("explanation"), default=dict, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["skill__key", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text()

    def text(self, language: str | None = None) -> str:
        return in_language(self.texts, language)


class Choice(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    texts = models.JSONField(_("answer"), default=dict)
    correct = models.BooleanField(_("correct"), default=False)
    # Feedback for this choice: why it is (not) right, shown when it was picked.
    feedback = models.JSONField(_("feedback"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text()

    def text(self, language: str | None = None) -> str:
        return in_language(self.texts, language)

    @property
    def response_id(self) -> str:
        # The xAPI interaction component id: short, stable, no separators ("[,]").
        return f"c{self.pk}"


class Quiz(models.Model):
    key = models.SlugField(_("key"), max_length=120, unique=True)
    titles = models.JSONField(_("title"), default=dict)
    intros = models.JSONField(_("introduction"), default=dict, blank=True)
    skill = models.ForeignKey(
        "skills.Skill",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("main skill"),
    )
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    # Questions drawn at random from the skill's bank for each attempt, on top of the
    # fixed questions; 0 means only the fixed questions.
    draw_from_bank = models.PositiveSmallIntegerField(_("extra questions from the bank"), default=0)
    # The level of the main skill a pass shows on the person's skill profile.
    evidence_level = models.PositiveSmallIntegerField(
        _("skill level a pass shows"), choices=Level.choices, default=Level.PRACTISING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title()

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.key])

    def title(self, language: str | None = None) -> str:
        return in_language(self.titles, language) or self.key


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position}: {self.question_id}"


class Attempt(models.Model):
    """One try at a quiz: the questions it drew, the answers given, the score."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(Quiz, models.CASCADE, related_name="attempts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # The xAPI registration the statements of this attempt carry (a path enrolment's,
    # when taken inside a path), so the record ties answers to the attempt.
    registration = models.UUIDField(default=uuid.uuid4)
    # True when the registration was handed in (a path enrolment's), False when the
    # attempt made its own: "try again" and "continue" keep to the same context.
    external_registration = models.BooleanField(default=False)
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict)  # {question id: [choice ids]}
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # points
    max_score = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(null=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["person", "quiz"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.quiz_id} {self.score}/{self.max_score}"


class AttemptAnswer(models.Model):
    """One question of a finished attempt: what was chosen and whether it scored.

    Written once, when the attempt is finished. It keeps the outcome as it was scored, so
    fixing a question later does not rewrite past results; it makes "was this question
    ever answered?" and the per-question statistics one indexed query each (the JSON on
    `Attempt` cannot be searched portably); and its PROTECT keeps answered questions in
    the bank for good (they are deactivated instead).
    """

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="answer_rows")
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers")
    # Statistics count people, not attempts, against the privacy threshold.
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    choice_ids = models.JSONField(default=list)
    correct = models.BooleanField()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_answer_unique")
        ]
        indexes = [models.Index(fields=["question", "person"])]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id} {'✓' if self.correct else '✗'}"
