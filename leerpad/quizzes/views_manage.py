"""Quizzes for L&D: the question bank per skill, the question form, deactivation, quizzes
and their questions, and per-question statistics (only for k or more people). Every write
goes through `services`; every page needs Capability.MANAGE_PATHS."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, require
from leerpad.quizzes import forms, queries, services
from leerpad.quizzes.models import Question, Quiz
from leerpad.skills.models import Skill

PER_PAGE = 25


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _errors(form: Any, exc: services.QuizError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


# --- banks -----------------------------------------------------------------------------------


@require(Capability.MANAGE_PATHS)
def banks(request: HttpRequest) -> HttpResponse:
    """Skills with questions in their bank; a search finds any skill to start a bank."""
    search = request.GET.get("q", "").strip()[:100]
    context = {
        "page": _page(request, queries.banks(search)),
        "search": search,
        "k": queries.min_group(),
    }
    template = "quizzes/manage/_banks.html" if request.htmx else "quizzes/manage/banks.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require(Capability.MANAGE_PATHS)
def bank(request: HttpRequest, skill_key: str) -> HttpResponse:
    """A skill's questions, with how people answered them."""
    skill = get_object_or_404(Skill, key=skill_key)
    show_inactive = request.GET.get("inactive") == "1"
    context = {
        "skill": skill,
        "page": _page(request, queries.bank(skill, show_inactive=show_inactive)),
        "show_inactive": show_inactive,
        "inactive_count": Question.objects.filter(skill=skill, is_active=False).count(),
        "k": queries.min_group(),
    }
    return render(request, "quizzes/manage/bank.html", context)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def question_edit(
    request: HttpRequest, skill_key: str | None = None, pk: int | None = None
) -> HttpResponse:
    """Create a question in a bank, or edit one; nothing is saved unless all of it is valid."""
    question = (
        get_object_or_404(Question.objects.select_related("skill"), pk=pk)
        if pk is not None
        else None
    )
    skill = question.skill if question is not None else get_object_or_404(Skill, key=skill_key)
    posted = request.method == "POST"
    form = forms.QuestionForm(request.POST if posted else None, question=question)
    choices = forms.choice_formset(request.POST if posted else None, question)
    if posted and form.is_valid() and choices.is_valid():
        spec = form.spec(forms.choices_from(choices))
        try:
            saved = services.save_question(question, spec, skill=skill, by=_person(request))
        except services.QuizError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                _("The question was saved.") if question else _("The question was added."),
            )
            if "another" in request.POST:
                return redirect("quizzes:question_new", skill_key=skill.key)
            return redirect("quizzes:question_edit", pk=saved.pk)
    context = {
        "question": question,
        "skill": skill,
        "form": form,
        "choices": choices,
        "answered": services.was_answered(question) if question is not None else False,
        "stats": queries.question_stats(question) if question is not None else None,
        "k": queries.min_group(),
    }
    return render(request, "quizzes/manage/question.html", context, status=400 if posted else 200)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def question_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a question out of use, after confirmation; it stays for past attempts."""
    question = get_object_or_404(Question.objects.select_related("skill"), pk=pk)
    if request.method == "POST":
        services.deactivate_question(question)
        messages.success(request, _("The question is no longer in use."))
        return redirect("quizzes:bank", skill_key=question.skill.key)
    quizzes = Quiz.objects.filter(quiz_questions__question=question).order_by("key")
    return render(
        request,
        "quizzes/manage/deactivate.html",
        {"question": question, "quizzes": quizzes, "answered": services.was_answered(question)},
    )


@require(Capability.MANAGE_PATHS)
@require_POST
def question_activate(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("skill"), pk=pk)
    services.reactivate_question(question)
    messages.success(request, _("The question is in use again."))
    return redirect("quizzes:bank", skill_key=question.skill.key)


# --- quizzes ---------------------------------------------------------------------------------


@require(Capability.MANAGE_PATHS)
def manage(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    context = {"page": _page(request, queries.manage_quizzes(search)), "search": search}
    template = "quizzes/manage/_quizzes.html" if request.htmx else "quizzes/manage/quizzes.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    """Create or edit a quiz: its texts and marking; its questions below the form."""
    found = get_object_or_404(Quiz.objects.select_related("skill"), key=key) if key else None
    posted = request.method == "POST"
    form = forms.QuizForm(request.POST if posted else None, quiz=found)
    if posted and form.is_valid():
        try:
            saved = services.save_quiz(found, form.spec(), by=_person(request))
        except services.QuizError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request, _("The quiz was saved.") if found else _("The quiz was created.")
            )
            return redirect("quizzes:quiz_edit", key=saved.key)
    context: dict[str, Any] = {"quiz": found, "form": form, "k": queries.min_group()}
    if found is not None:
        context.update(_questions_context(request, found))
    return render(request, "quizzes/manage/quiz.html", context, status=400 if posted else 200)


def _questions_context(request: HttpRequest, found: Quiz) -> dict[str, Any]:
    bank_skills = list(queries.bank_skills())
    wanted = request.GET.get("bank") or (found.skill.key if found.skill else "")
    picked_skill = next((s for s in bank_skills if s.key == wanted), None)
    if picked_skill is None and bank_skills:
        picked_skill = bank_skills[0]
    pickable = (
        Paginator(queries.pickable(found, picked_skill), PER_PAGE).get_page(request.GET.get("page"))
        if picked_skill is not None
        else None
    )
    return {
        "lines": queries.quiz_lines(found),
        "bank_skills": bank_skills,
        "picked_skill": picked_skill,
        "pickable": pickable,
        "attempt_size": queries.question_count(found),
    }


@require(Capability.MANAGE_PATHS)
def quiz_pick(request: HttpRequest, key: str) -> HttpResponse:
    """The bank picker of the quiz page (htmx swaps it when another bank is chosen)."""
    found = get_object_or_404(Quiz.objects.select_related("skill"), key=key)
    context = {"quiz": found, **_questions_context(request, found)}
    return render(request, "quizzes/manage/_pick.html", context)


@require(Capability.MANAGE_PATHS)
@require_POST
def quiz_add(request: HttpRequest, key: str) -> HttpResponse:
    found = get_object_or_404(Quiz, key=key)
    form = forms.PickForm(request.POST)
    back = reverse("quizzes:quiz_edit", args=[found.key]) + "#questions"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    ids: list[int] = form.cleaned_data["questions"]
    by_id = Question.objects.in_bulk(ids)
    if len(by_id) != len(set(ids)):
        messages.error(request, _("Some questions no longer exist. Nothing was added."))
        return redirect(back)
    try:
        added = services.add_quiz_questions(found, [by_id[i] for i in ids])
    except services.QuizError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(count)s question was added.", "%(count)s questions were added.", added)
        % {"count": added},
    )
    return redirect(back)


@require(Capability.MANAGE_PATHS)
@require_POST
def quiz_move(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    found = get_object_or_404(Quiz, key=key)
    question = get_object_or_404(Question, pk=pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_quiz_question(found, question, offset)
    except services.QuizError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("quizzes:quiz_edit", args=[found.key]) + "#questions")


@require(Capability.MANAGE_PATHS)
@require_POST
def quiz_reorder(request: HttpRequest, key: str) -> HttpResponse:
    """The whole order at once (`order` = question ids), for scripts and drag and drop."""
    found = get_object_or_404(Quiz, key=key)
    try:
        order = [int(v) for v in request.POST.getlist("order")]
        services.reorder_quiz_questions(found, order)
    except ValueError:
        messages.error(request, _("The order was not understood. Nothing was changed."))
    except services.QuizError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("quizzes:quiz_edit", args=[found.key]) + "#questions")


@require(Capability.MANAGE_PATHS)
@require_POST
def quiz_remove(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    found = get_object_or_404(Quiz, key=key)
    question = get_object_or_404(Question, pk=pk)
    try:
        services.remove_quiz_question(found, question)
    except services.QuizError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The question was taken out of the quiz; it stays in its bank.")
        )
    return redirect(reverse("quizzes:quiz_edit", args=[found.key]) + "#questions")
