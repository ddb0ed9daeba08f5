"""Quiz results per question: too easy, too hard, does it tell strong from weak learners,
and which wrong choices mislead.

From the `answered` statements of one quiz (the quiz is their parent activity) in the
scope: each learner's first answer to each question (later attempts are practice with
the feedback seen). A learner's ability is their first attempt's scaled score on the
quiz; ranked by it (ties by the pseudonymous key, so the same data always ranks the
same), the bottom third and the top third are compared.

- Share correct: right first answers / first answers. Too easy above TOO_EASY, too hard
  below TOO_HARD.
- Discrimination: share correct in the top third minus in the bottom third (the classic
  upper-lower index, -1..1). Near 0 or below: the question does not follow ability (an
  ambiguous text, a wrong key).
- Misleading distractor: a wrong choice picked more often than the right one (for a
  multiple-choice question: than the least picked right choice), or by at least
  MISLEADING_TOP share of the top third.
The choices come from result.response ("c12[,]c14"), read from the statement as stored.

Privacy: figures for a question only from at least k first answers (and the thirds' only
when each third has k); the page never lists who answered what.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.routes import run
from leerpad.core.guard import min_group_size
from leerpad.quizzes import tracking as quiz_tracking

# Above 90 % right, a question no longer separates anyone and mostly costs learners time;
# under 30 % right, a four-choice question is near guessing (25 %): the text or the key is
# more likely wrong than the learners. Both are the usual item-analysis rules of thumb.
TOO_EASY = 0.9
TOO_HARD = 0.3
# A wrong choice that a quarter of the strongest learners pick is probably defensible:
# read it again before blaming the learners.
MISLEADING_TOP = 0.25

TEMPLATE = """
WITH attempts AS (
    SELECT actor_key, result_score_scaled AS score,
           ROW_NUMBER() OVER (
               PARTITION BY actor_key ORDER BY timestamp, stored, statement_id
           ) AS n
    FROM events
    WHERE verb IN (@p(passed, text), @p(failed, text)) AND object_iri = @p(quiz, text)
      AND actor_key IS NOT NULL AND timestamp < @p(end, timestamp)
),
firsts AS (SELECT actor_key, score FROM attempts WHERE n = 1 AND score IS NOT NULL),
ranked AS (
    SELECT actor_key,
           ROW_NUMBER() OVER (ORDER BY score, actor_key) AS r,
           COUNT(*) OVER () AS total
    FROM firsts
),
thirds AS (
    SELECT actor_key,
           CASE WHEN 3 * r <= total THEN 'bottom'
                WHEN 3 * r > 2 * total THEN 'top'
                ELSE 'middle' END AS third
    FROM ranked
),
answers AS (
    SELECT e.actor_key AS actor_key, e.object_iri AS object_iri, e.timestamp AS timestamp,
           e.person_id AS person_id,
           CASE WHEN e.result_success = TRUE THEN 1 ELSE 0 END AS correct,
           e.result_response AS response,
           ROW_NUMBER() OVER (
               PARTITION BY e.actor_key, e.object_iri ORDER BY e.timestamp, e.stored, e.statement_id
           ) AS n
    FROM events e
    WHERE e.verb = @p(answered, text) AND e.parent_iri = @p(quiz, text)
      AND e.actor_key IS NOT NULL AND e.timestamp < @p(end, timestamp)
)
SELECT a.object_iri AS object_iri, a.response AS response, COALESCE(t.third, 'none') AS third,
       COUNT(*) AS answers, SUM(a.correct) AS correct
FROM answers a
LEFT JOIN thirds t ON t.actor_key = a.actor_key
LEFT JOIN people p ON p.person_id = a.person_id
WHERE a.n = 1 AND {where}
GROUP BY a.object_iri, a.response, COALESCE(t.third, 'none')
ORDER BY a.object_iri, a.response, third
@settings()
"""


@dataclass(frozen=True)
class ChoiceFigures:
    response_id: str  # "c12"
    text: str
    correct: bool
    picks: int  # first answers that chose it
    share: float  # of the question's first answers
    top_share: float | None  # of the top third's first answers (None: third under k)
    misleading: bool


@dataclass(frozen=True)
class QuestionFigures:
    question_iri: str
    question_id: int | None  # the Question's pk, for the link to the quiz manager
    text: str
    answers: int
    share_correct: float
    top_correct: float | None
    bottom_correct: float | None
    choices: tuple[ChoiceFigures, ...] = field(default=())

    @property
    def too_easy(self) -> bool:
        return self.share_correct > TOO_EASY

    @property
    def too_hard(self) -> bool:
        return self.share_correct < TOO_HARD

    @property
    def discrimination(self) -> float | None:
        if self.top_correct is None or self.bottom_correct is None:
            return None
        return self.top_correct - self.bottom_correct

    @property
    def misleading(self) -> tuple[ChoiceFigures, ...]:
        return tuple(c for c in self.choices if c.misleading)


@dataclass
class _Tally:
    answers: int = 0
    correct: int = 0
    by_third: dict[str, list[int]] = field(default_factory=dict)  # third -> [answers, correct]
    picks: dict[str, int] = field(default_factory=dict)
    top_picks: dict[str, int] = field(default_factory=dict)


def _question_models(iris: list[str]) -> dict[str, Any]:
    """Question IRI -> (Question with its choices), for texts and which choices are right."""
    from leerpad.quizzes.models import Question

    prefix = quiz_tracking.question_iri("x")[: -len("x/")]
    uids = {iri[len(prefix) :].strip("/"): iri for iri in iris if iri.startswith(prefix)}
    found: dict[str, Any] = {}
    valid = []
    for uid in uids:
        try:
            valid.append(uuid.UUID(uid))
        except ValueError:  # an IRI of this form not made by Leerpad: no model to show
            continue
    for question in Question.objects.filter(uid__in=valid).prefetch_related("choices"):
        found[uids[str(question.uid)]] = question
    return found


def question_figures(
    quiz_key: str, scope: Scope, language: str | None = None, *, dialect: str | None = None
) -> list[QuestionFigures]:
    """Per question of the quiz (see the module docstring), in the quiz's question order
    where known, else by IRI."""
    k = min_group_size()
    scope = replace(scope, path_key=None)  # answers do not name a path
    params = scope.params() | {
        "quiz": quiz_tracking.quiz_iri(quiz_key),
        "answered": quiz_tracking.ANSWERED,
        "passed": quiz_tracking.PASSED,
        "failed": quiz_tracking.FAILED,
    }
    rows = run(TEMPLATE.format(where=scope.where("a", "p")), params, dialect)
    tallies: dict[str, _Tally] = {}
    for row in rows:
        tally = tallies.setdefault(str(row["object_iri"]), _Tally())
        n, right = int(row["answers"]), int(row["correct"] or 0)
        tally.answers += n
        tally.correct += right
        third = str(row["third"])
        counts = tally.by_third.setdefault(third, [0, 0])
        counts[0] += n
        counts[1] += right
        chosen = [c for c in str(row["response"] or "").split(quiz_tracking.SEPARATOR) if c]
        for choice in chosen:
            tally.picks[choice] = tally.picks.get(choice, 0) + n
            if third == "top":
                tally.top_picks[choice] = tally.top_picks.get(choice, 0) + n
    models = _question_models(list(tallies))
    result = []
    for iri, tally in tallies.items():
        if tally.answers < k:
            continue
        question = models.get(iri)
        top = tally.by_third.get("top", [0, 0])
        bottom = tally.by_third.get("bottom", [0, 0])
        top_ok = top[0] >= k and bottom[0] >= k
        choices = _choices(question, tally, top[0] if top_ok else 0, language)
        result.append(
            QuestionFigures(
                question_iri=iri,
                question_id=question.pk if question else None,
                text=question.text(language) if question else iri,
                answers=tally.answers,
                share_correct=tally.correct / tally.answers,
                top_correct=top[1] / top[0] if top_ok else None,
                bottom_correct=bottom[1] / bottom[0] if top_ok else None,
                choices=choices,
            )
        )
    order = _quiz_order(quiz_key)
    result.sort(key=lambda q: (order.get(q.question_id or -1, len(order)), q.question_iri))
    return result


def _choices(
    question: Any, tally: _Tally, top_answers: int, language: str | None
) -> tuple[ChoiceFigures, ...]:
    if question is None:
        return ()
    choices = list(question.choices.all())
    right = [c for c in choices if c.correct]
    least_right = min((tally.picks.get(c.response_id, 0) for c in right), default=0)
    figures = []
    for choice in choices:
        picks = tally.picks.get(choice.response_id, 0)
        top_share = (
            tally.top_picks.get(choice.response_id, 0) / top_answers if top_answers else None
        )
        misleading = not choice.correct and (
            picks > least_right or (top_share is not None and top_share >= MISLEADING_TOP)
        )
        figures.append(
            ChoiceFigures(
                choice.response_id,
                choice.text(language),
                choice.correct,
                picks,
                picks / tally.answers,
                top_share,
                misleading,
            )
        )
    return tuple(figures)


def _quiz_order(quiz_key: str) -> dict[int, int]:
    from leerpad.quizzes.models import QuizQuestion

    return {
        question_id: i
        for i, question_id in enumerate(
            QuizQuestion.objects.filter(quiz__key=quiz_key)
            .order_by("position", "id")
            .values_list("question_id", flat=True)
        )
    }
