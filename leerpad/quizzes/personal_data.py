"""A person's quiz attempts for their GDPR export (`privacy.signals.personal_data`)."""

from __future__ import annotations

from typing import Any

from leerpad.accounts.models import Person
from leerpad.privacy.export import iso
from leerpad.quizzes.models import Attempt


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, list[dict[str, Any]]]:
    return "quiz_attempts", [
        {
            "quiz": a.quiz.key,
            "answers": a.answers,
            "score": a.score,
            "max_score": a.max_score,
            "passed": a.passed,
            "started_at": iso(a.started_at),
            "finished_at": iso(a.finished_at),
        }
        for a in Attempt.objects.filter(person=person).select_related("quiz")
    ]
