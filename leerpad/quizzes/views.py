"""Quizzes for learners: the quiz page, an attempt (every question on one page) and its
result with feedback. Writes go through `services`; a quiz opened from a path carries the
enrolment's registration (`?registration=`) and the way back (`?next=`, local only)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.core.logging import get_logger
from leerpad.core.texts import in_language
from leerpad.quizzes import queries, services
from leerpad.quizzes.models import Attempt, Question, Quiz

log = get_logger(__name__)

BAD_REGISTRATION = gettext_lazy(
    "The link to this quiz is damaged: its registration is not valid. Open the quiz again "
    "from your path."
)


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def safe_next(request: HttpRequest, value: str | None) -> str:
    """`value` when it is a local address of this site, else ""."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _registration(value: str | None) -> uuid.UUID | None:
    """A registration from the address: a UUID, or None (raises ValueError if malformed)."""
    if not value:
        return None
    return uuid.UUID(value)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _language(request: HttpRequest) -> str:
    # The page's language is the person's own (set at login, changed by the switcher).
    return (getattr(request, "LANGUAGE_CODE", None) or get_language() or "en")[:2]


@require(Capability.LEARN)
def quiz(request: HttpRequest, key: str) -> HttpResponse:
    """What the quiz is, how it is marked, earlier attempts, and the start button."""
    found = queries.quiz_by_key(key)
    next_url = safe_next(request, request.GET.get("next"))
    status = 200
    try:
        registration = _registration(request.GET.get("registration"))
    except ValueError:
        # Starting anyway would record the attempt outside the path: refuse instead.
        messages.error(request, BAD_REGISTRATION)
        registration, status = None, 400
    context = _quiz_context(request, found, registration, next_url)
    context["damaged"] = status == 400
    return render(request, "quizzes/quiz.html", context, status=status)


def _quiz_context(
    request: HttpRequest, found: Quiz, registration: uuid.UUID | None, next_url: str
) -> dict[str, Any]:
    person = _person(request)
    language = _language(request)
    return {
        "quiz": found,
        "title": found.title(language),
        "intro": in_language(found.intros, language),
        "count": queries.question_count(found),
        "registration": registration,
        "next": next_url,
        "open_attempt": queries.open_attempt(person, found, registration),
        "attempts": list(queries.attempts_of(person, found).filter(finished_at__isnull=False)[:5]),
        "may_manage": can(person, Capability.MANAGE_PATHS),
    }


@require(Capability.LEARN)
@require_POST
def start(request: HttpRequest, key: str) -> HttpResponse:
    found = queries.quiz_by_key(key)
    next_url = safe_next(request, request.POST.get("next"))
    try:
        registration = _registration(request.POST.get("registration"))
    except ValueError:
        messages.error(request, BAD_REGISTRATION)
        return redirect(_with_next(found.get_absolute_url(), next_url))
    try:
        attempt = services.start_attempt(found, _person(request), registration)
    except services.QuizError as exc:
        messages.error(request, str(exc))
        return redirect(_with_next(found.get_absolute_url(), next_url))
    return redirect(_with_next(reverse("quizzes:attempt", args=[attempt.uid]), next_url))


def _posted_answers(request: HttpRequest, questions: list[Question]) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for question in questions:
        chosen: list[int] = []
        for raw in request.POST.getlist(f"q{question.pk}"):
            try:
                chosen.append(int(raw))
            except ValueError:
                chosen.append(-1)  # no choice has this id: reported as not belonging
        answers[question.pk] = chosen
    return answers


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Every question of the attempt on one page; sending it finishes the attempt."""
    person = _person(request)
    found = queries.attempt_of(person, uid)
    next_url = safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if found.finished_at is not None:
        return redirect(_with_next(reverse("quizzes:result", args=[found.uid]), next_url))
    questions = services.attempt_questions(found)
    errors: dict[int, str] = {}
    chosen: dict[int, list[int]] = {}
    status = 200
    if request.method == "POST":
        chosen = _posted_answers(request, questions)
        try:
            services.submit(found, chosen, language=_language(request))
        except services.AnswerError as exc:
            errors, status = exc.errors, 400
            messages.error(request, str(exc))
        except services.QuizError as exc:
            messages.error(request, str(exc))
            return redirect(_with_next(reverse("quizzes:result", args=[found.uid]), next_url))
        except Exception:
            # The LRS refused the batch or the database failed: nothing was stored.
            log.exception("quizzes.submit_failed", attempt=str(found.uid))
            messages.error(
                request, _("Your answers could not be saved. Nothing was lost: send them again.")
            )
            status = 503
        else:
            return redirect(_with_next(reverse("quizzes:result", args=[found.uid]), next_url))
    language = _language(request)
    context = {
        "attempt": found,
        "quiz": found.quiz,
        "title": found.quiz.title(language),
        "next": next_url,
        "rows": [
            {
                "question": q,
                "text": q.text(language),
                "choices": [(c, c.text(language)) for c in q.choices.all()],
                "chosen": set(chosen.get(q.pk, [])),
                "error": errors.get(q.pk, ""),
                "multiple": q.kind == Question.Kind.MULTIPLE,
            }
            for q in questions
        ],
    }
    return render(request, "quizzes/attempt.html", context, status=status)


@require(Capability.LEARN)
def result(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The score, pass or fail, and per question what was right and why."""
    person = _person(request)
    found: Attempt = queries.attempt_of(person, uid)
    next_url = safe_next(request, request.GET.get("next"))
    if found.finished_at is None:
        return redirect(_with_next(reverse("quizzes:attempt", args=[found.uid]), next_url))
    language = _language(request)
    rows = [
        {
            "feedback": fb,
            "text": fb.question.text(language),
            "explanation": in_language(fb.question.explanations, language),
            "choices": [
                {
                    "text": c.text(language),
                    "chosen": c.pk in fb.chosen_ids,
                    "correct": c.correct,
                    "feedback": in_language(c.feedback, language) if c.pk in fb.chosen_ids else "",
                }
                for c in fb.choices
            ],
        }
        for fb in queries.feedback_for(found)
    ]
    context = {
        "attempt": found,
        "quiz": found.quiz,
        "title": found.quiz.title(language),
        "percent": services.percent(found.score or 0, found.max_score),
        "rows": rows,
        "next": next_url,
        "retry_registration": found.registration if found.external_registration else None,
    }
    return render(request, "quizzes/result.html", context)
