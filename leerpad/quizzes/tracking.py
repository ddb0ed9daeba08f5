"""The xAPI side of quizzes: activity ids of quizzes and questions, and the statements a
finished attempt records.

A finished attempt is one batch (all stored, or none):
- one `answered` per question, on the question as a `cmi.interaction` activity of
  interactionType "choice" (its choices and correctResponsesPattern in the definition),
  with result.success and result.response ("c12[,]c14": the chosen choice ids);
- then `passed` or `failed` on the quiz, with the score (raw, min 0, max, scaled),
  success and completion.

Every statement carries the attempt's registration (a path enrolment's, when the quiz
was opened from a path) and the attempt's uid as an extension; the answers name the quiz
as their parent. `passed` on `quiz_iri(key)` is what completes a quiz step of a path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from leerpad.core.links import absolute_url

if TYPE_CHECKING:
    from leerpad.quizzes.models import Attempt, Choice, Question, Quiz

Json = dict[str, Any]

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"

DISPLAY: dict[str, dict[str, str]] = {
    ANSWERED: {"en": "answered", "nl": "beantwoordde", "fr": "a répondu à"},
    PASSED: {"en": "passed", "nl": "slaagde voor", "fr": "a réussi"},
    FAILED: {"en": "failed", "nl": "slaagde niet voor", "fr": "a échoué à"},
}

ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
EXT_ATTEMPT = "https://leerpad.org/xapi/extensions/quiz-attempt"
# xAPI Data 2.4.4.1: the separator of choice ids in responses and response patterns.
SEPARATOR = "[,]"


def quiz_iri(quiz_key: str) -> str:
    """The quiz as an xAPI activity: `passed` on it completes a path step."""
    return absolute_url(f"/quizzes/{quiz_key}/")


def question_iri(question_uid: object) -> str:
    """A question as an xAPI activity; its uid survives edits, so its history stays one."""
    return absolute_url(f"/quizzes/questions/{question_uid}/")


def language_map(texts: Mapping[str, str] | None) -> dict[str, str]:
    """A language map without empty entries (xAPI Data 5.2.1)."""
    return {lang: text for lang, text in (texts or {}).items() if text and text.strip()}


def response(choices: Iterable[Choice]) -> str:
    """Choice ids as an xAPI choice response: "c3[,]c7"."""
    return SEPARATOR.join(choice.response_id for choice in choices)


def quiz_activity(quiz: Quiz) -> Json:
    definition: Json = {"type": ASSESSMENT_TYPE}
    name = language_map(quiz.titles)
    if name:
        definition["name"] = name
    description = language_map(quiz.intros)
    if description:
        definition["description"] = description
    return {"objectType": "Activity", "id": quiz_iri(quiz.key), "definition": definition}


def question_activity(question: Question, choices: Sequence[Choice]) -> Json:
    """The question with its choices, as a `choice` interaction (Data 2.4.4.1)."""
    definition: Json = {
        "type": INTERACTION_TYPE,
        "interactionType": "choice",
        "correctResponsesPattern": [response(c for c in choices if c.correct)],
        "choices": [
            {"id": choice.response_id, "description": language_map(choice.texts)}
            for choice in choices
        ],
    }
    text = language_map(question.texts)
    if text:
        definition["name"] = text
        definition["description"] = text
    return {"objectType": "Activity", "id": question_iri(question.uid), "definition": definition}


def _duration(attempt: Attempt) -> str | None:
    if attempt.finished_at is None:
        return None
    seconds = max((attempt.finished_at - attempt.started_at).total_seconds(), 0)
    return f"PT{seconds:.2f}S"


def attempt_statements(
    attempt: Attempt,
    actor: Json,
    answered: Sequence[tuple[Question, Sequence[Choice], Sequence[Choice], bool]],
    *,
    language: str,
) -> list[Json]:
    """The statements of a finished, scored attempt.

    `answered` lists, in question order: the question, all its choices, the chosen ones,
    and whether the question scored.
    """
    quiz = attempt.quiz
    parent = quiz_activity(quiz)
    extensions = {EXT_ATTEMPT: str(attempt.uid)}
    statements: list[Json] = []
    for question, choices, chosen, success in answered:
        statements.append(
            {
                "actor": actor,
                "verb": {"id": ANSWERED, "display": DISPLAY[ANSWERED]},
                "object": question_activity(question, choices),
                "result": {"success": success, "response": response(chosen)},
                "context": {
                    "registration": str(attempt.registration),
                    "language": language,
                    "contextActivities": {"parent": [parent]},
                    "extensions": extensions,
                },
            }
        )
    score = attempt.score or 0
    maximum = attempt.max_score
    verb = PASSED if attempt.passed else FAILED
    result: Json = {
        "score": {
            "raw": score,
            "min": 0,
            "max": maximum,
            "scaled": round(score / maximum, 4) if maximum else 0,
        },
        "success": bool(attempt.passed),
        "completion": True,
    }
    duration = _duration(attempt)
    if duration is not None:
        result["duration"] = duration
    statements.append(
        {
            "actor": actor,
            "verb": {"id": verb, "display": DISPLAY[verb]},
            "object": parent,
            "result": result,
            "context": {
                "registration": str(attempt.registration),
                "language": language,
                "extensions": extensions,
            },
        }
    )
    return statements
