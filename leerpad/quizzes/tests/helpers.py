"""Quiz content for the tests, made through the services (so it obeys the bank rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from leerpad.lrs.models import Statement
from leerpad.quizzes import services
from leerpad.quizzes.models import Choice, Question, Quiz
from leerpad.skills.models import Skill


def make_skill(key: str = "safe-lifting", name: str = "Safe lifting") -> Skill:
    return Skill.objects.get_or_create(key=key, defaults={"names": {"en": name, "nl": name}})[0]


def make_question(
    skill: Skill,
    text: str = "Which is right?",
    *,
    kind: str = Question.Kind.SINGLE,
    answers: Sequence[tuple[str, bool]] = (
        ("Right", True),
        ("Wrong", False),
        ("Also wrong", False),
    ),
    explanation: str = "",
    feedback: dict[str, str] | None = None,
) -> Question:
    """A question with `answers` as (English text, right?) pairs; `feedback` by text."""
    feedback = feedback or {}
    spec = services.QuestionIn(
        kind=kind,
        texts={"en": text, "nl": f"NL {text}"},
        explanations={"en": explanation} if explanation else {},
        choices=[
            services.ChoiceIn(
                texts={"en": label, "nl": f"NL {label}"},
                correct=right,
                feedback={"en": feedback[label]} if label in feedback else {},
            )
            for label, right in answers
        ],
    )
    return services.create_question(skill, spec)


def make_quiz(
    key: str = "lifting-check",
    questions: Sequence[Question] = (),
    *,
    skill: Skill | None = None,
    pass_percent: int = 70,
    draw_from_bank: int = 0,
    **fields: Any,
) -> Quiz:
    quiz = services.create_quiz(
        services.QuizIn(
            key=key,
            titles={"en": "Lifting check", "nl": "Tiltest"},
            skill=skill,
            pass_percent=pass_percent,
            draw_from_bank=draw_from_bank,
            **fields,
        )
    )
    if questions:
        services.add_quiz_questions(quiz, list(questions))
    return quiz


def right(question: Question) -> list[int]:
    return [c.pk for c in question.choices.all() if c.correct]


def wrong(question: Question) -> list[int]:
    return [next(c.pk for c in question.choices.all() if not c.correct)]


def choice(question: Question, text: str) -> Choice:
    return next(c for c in question.choices.all() if c.texts.get("en") == text)


def statements(verb: str) -> list[dict[str, Any]]:
    return [s.payload for s in Statement.objects.filter(verb_iri=verb).order_by("id")]
