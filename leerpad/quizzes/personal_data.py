"""A person's quiz attempts for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data
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


# Connected on import, like the export receiver's module (see paths/personal_data.py).
@receiver(erase_personal_data, dispatch_uid="quizzes.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    """Delete the person's attempts; their answer rows go with them, so the per-question
    statistics no longer count them."""
    attempts = Attempt.objects.filter(person=person)
    counts = {"attempts": attempts.count()}
    if not dry_run:
        attempts.delete()
    return "quiz_attempts", counts
