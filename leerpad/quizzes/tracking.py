"""The xAPI side of quizzes: activity ids of quizzes and questions."""

from __future__ import annotations

from django.conf import settings


def quiz_iri(quiz_key: str) -> str:
    """The quiz as an xAPI activity: `passed` on it completes a path step."""
    return f"{str(settings.SITE_URL).rstrip('/')}/quizzes/{quiz_key}/"
