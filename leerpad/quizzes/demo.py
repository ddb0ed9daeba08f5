"""Demo quizzes: question banks per skill and the quizzes built from them (demo_content/).

Questions are written for a home-and-garden chain (safety, the checkout, customer
conversations, plants, digital safety, coaching) in nl, fr and en, with feedback per
choice and an explanation. Question uids are derived from their reference in the file,
so the xAPI activity of a question is the same every time the demo is loaded.

Loads after the catalogue (which creates the skills) and before the paths, which use the
quizzes as steps.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.core.demo import DemoContext
from leerpad.quizzes.models import Choice, Question, Quiz, QuizQuestion
from leerpad.skills.models import Skill

CONTENT = Path(__file__).parent / "demo_content" / "quizzes.json"
# Question uids: uuid5 in this namespace of "question:<ref>".
NAMESPACE = uuid.UUID("6d1f5e0a-4c2b-4f7e-9a51-2b8d0c7e3f10")
# The bank existed before the twelve months of demo history begin.
WRITTEN_DAYS_AGO = 430


def question_uid(ref: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"question:{ref}")


def load(ctx: DemoContext) -> None:
    content: dict[str, Any] = json.loads(CONTENT.read_text(encoding="utf-8"))
    keys = [q["key"] for q in content["quizzes"]]
    if Quiz.objects.filter(key__in=keys).exists():
        # `leerpad demo` is meant for an empty database; a second run keeps what is there.
        ctx.notes.append("Demo quizzes: already present, kept.")
        return
    written = timezone.now() - dt.timedelta(days=WRITTEN_DAYS_AGO)
    skills = {s.key: s for s in Skill.objects.all()}
    authors = {p.email: p for p in Person.objects.filter(team__name="LD&M")}
    author = authors.get("dirk.maes@deltahuis.example")

    questions: dict[str, Question] = {}
    choices: dict[str, list[dict[str, Any]]] = {}
    for bank in content["banks"]:
        skill = skills.get(bank["skill"])
        if skill is None:
            raise ValueError(f"Demo quizzes: unknown skill {bank['skill']!r}")
        for spec in bank["questions"]:
            questions[spec["ref"]] = Question(
                uid=question_uid(spec["ref"]),
                skill=skill,
                kind=spec["kind"],
                texts=spec["texts"],
                explanations=spec.get("explanations", {}),
                created_by=author,
                created_at=written,
                updated_at=written,
            )
            choices[spec["ref"]] = spec["choices"]
    Question.objects.bulk_create(questions.values())
    # Some backends return no ids from bulk_create: read them back by uid.
    by_uid = {
        q.uid: q for q in Question.objects.filter(uid__in=[q.uid for q in questions.values()])
    }
    saved = {ref: by_uid[q.uid] for ref, q in questions.items()}
    Choice.objects.bulk_create(
        Choice(
            question=saved[ref],
            position=position,
            texts=spec["texts"],
            correct=bool(spec["correct"]),
            feedback=spec.get("feedback", {}),
        )
        for ref, specs in choices.items()
        for position, spec in enumerate(specs)
    )

    for spec in content["quizzes"]:
        quiz = Quiz.objects.create(
            key=spec["key"],
            titles=spec["titles"],
            intros=spec.get("intros", {}),
            skill=skills[spec["skill"]],
            pass_percent=spec.get("pass_percent", 70),
            draw_from_bank=spec.get("draw_from_bank", 0),
            created_by=authors.get(spec.get("owner", "")) or author,
            created_at=written,
        )
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=saved[ref], position=position)
            for position, ref in enumerate(spec["questions"])
        )
    ctx.notes.append(
        f"Demo quizzes: {len(keys)} quizzes, {len(questions)} questions "
        f"in {len(content['banks'])} skill banks."
    )
