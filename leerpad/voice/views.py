"""Pages of safe voice: the list of spaces, a space (ask, answers, pulses), the facilitator
page (moderation, themes, answers, pulses) and pulse answering and results.

Nothing that people write goes into a URL, a log line or a flash message; the POST bodies
that carry it are marked sensitive so Django's error reports leave them out.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.core.access import Capability, can, require
from leerpad.core.guard import min_group_size
from leerpad.voice import forms, queries, services
from leerpad.voice.models import Pulse, Question, Space, Theme

PER_PAGE = 20


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _viewable(request: HttpRequest, pk: int) -> Space:
    space = get_object_or_404(Space.objects.select_related("team", "location"), pk=pk)
    if not queries.can_view(request.user, space):
        raise PermissionDenied
    return space


def _facilitated(request: HttpRequest, space: Space) -> Space:
    if not queries.is_facilitator(request.user, space):
        raise PermissionDenied
    return space


@require(Capability.LEARN)
def space_list(request: HttpRequest) -> HttpResponse:
    spaces = queries.spaces_for(request.user)
    page = Paginator(spaces, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/spaces.html",
        {"page": page, "may_create": can(request.user, Capability.USE_WORKSPACE)},
    )


@require(Capability.USE_WORKSPACE)
@require_http_methods(["GET", "POST"])
def space_new(request: HttpRequest) -> HttpResponse:
    form = forms.SpaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            space = services.create_space(
                title=data["title"],
                description=data["description"],
                audience=data["audience"],
                team=data["team"],
                location=data["location"],
                members=data["members"] or [],
                by=_person(request),
            )
        except services.VoiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Space created. Now choose its facilitators."))
            return redirect("voice:manage", space.pk)
    return render(request, "voice/space_form.html", {"form": form})


@require(Capability.LEARN)
def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space = _viewable(request, pk)
    user = request.user
    questions = queries.visible_questions(space)
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
    member = queries.in_audience(user, space)
    shown = list(space.pulses.exclude(status=Pulse.Status.DRAFT))
    done = queries.answered(shown, _person(request)) if member else set()
    pulses = [
        {"pulse": pulse, "open": queries.is_open(pulse), "answered": pulse.pk in done}
        for pulse in shown
    ]
    return render(
        request,
        "voice/space.html",
        {
            "space": space,
            "page": page,
            "themes": space.themes.exclude(answered_on=None),
            "member": member,
            "facilitator": queries.is_facilitator(user, space),
            "manager": queries.can_manage(user, space),
            "form": forms.AskForm(),
            "pulses": pulses,
            "audience_size": queries.audience_size(space),
            "k": min_group_size(),
        },
    )


@sensitive_post_parameters("text")
@require(Capability.LEARN)
@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    space = _viewable(request, pk)
    if not queries.in_audience(request.user, space):
        raise PermissionDenied
    form = forms.AskForm(request.POST)
    if form.is_valid():
        try:
            services.ask(
                space,
                _person(request),
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except services.VoiceError as exc:
            form.add_error(None, str(exc))
        else:
            # Never repeat the text here: messages are stored in the session.
            messages.success(request, _("Posted anonymously. Thank you for speaking up."))
            return redirect("voice:space", space.pk)
    return render(request, "voice/ask.html", {"space": space, "form": form}, status=400)


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Facilitators and (for initiatives) the chosen audience: the creator or the manager."""
    space = get_object_or_404(Space, pk=pk)
    if not queries.can_manage(request.user, space):
        raise PermissionDenied
    facilitators = forms.PeopleForm(
        request.POST or None,
        prefix="f",
        label=_("Facilitators"),
        initial={"people": list(space.facilitators.values_list("person_id", flat=True))},
    )
    is_list = space.audience == Space.Audience.LIST
    members = forms.PeopleForm(
        request.POST or None,
        prefix="m",
        label=_("Audience"),
        initial={"people": list(space.members.values_list("person_id", flat=True))},
    )
    if request.method == "POST" and facilitators.is_valid() and (not is_list or members.is_valid()):
        try:
            services.set_roles(
                space,
                facilitators.cleaned_data["people"],
                members.cleaned_data["people"] if is_list else None,
            )
        except services.VoiceError as exc:
            members.add_error("people", str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("voice:space", space.pk)
    return render(
        request,
        "voice/manage.html",
        {
            "space": space,
            "facilitators": facilitators,
            "members": members if is_list else None,
            "audience_size": queries.audience_size(space),
            "k": min_group_size(),
        },
    )


@require(Capability.LEARN)
def facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    space = _facilitated(request, _viewable(request, pk))
    show = request.GET.get("show", "waiting")
    questions = queries.visible_questions(space)
    if show == "waiting":
        questions = queries.waiting_questions().filter(space=space).select_related("theme")
    elif show == "hidden":
        questions = questions.filter(is_hidden=True)
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
    # Read once for the page: the theme list, its question counts and the answer counts.
    space_themes = list(space.themes.annotate(question_count=Count("questions")))
    rows = [
        {
            "question": q,
            "theme_form": forms.QuestionThemeForm(
                space=space, themes=space_themes, initial={"theme": q.theme_id}, prefix=f"t{q.pk}"
            ),
            "answer_form": forms.AnswerForm(initial={"answer": q.answer}, prefix=f"a{q.pk}"),
            "hide_form": forms.HideForm(prefix=f"h{q.pk}"),
        }
        for q in page.object_list
    ]
    themes = [
        {
            "theme": theme,
            "count": theme.question_count,
            "form": forms.AnswerForm(initial={"answer": theme.answer}, prefix=f"theme{theme.pk}"),
        }
        for theme in space_themes
    ]
    answers = queries.answer_counts(space)
    pulses = [
        {"pulse": p, "open": queries.is_open(p), "answers": answers.get(p.pk, 0)}
        for p in space.pulses.all()
    ]
    return render(
        request,
        "voice/facilitate.html",
        {
            "space": space,
            "show": show,
            "page": page,
            "rows": rows,
            "themes": themes,
            "theme_form": forms.ThemeForm(),
            "pulses": pulses,
            "audience_size": queries.audience_size(space),
            "k": min_group_size(),
        },
    )


def _question(request: HttpRequest, pk: Any) -> Question:
    question = get_object_or_404(Question.objects.select_related("space"), pk=pk)
    _facilitated(request, question.space)
    return question


def _back(question_or_space: Question | Space) -> HttpResponse:
    space_id = (
        question_or_space.space_id
        if isinstance(question_or_space, Question)
        else question_or_space.pk
    )
    return redirect("voice:facilitate", space_id)


@sensitive_post_parameters()
@require(Capability.LEARN)
@require_POST
def question_hide(request: HttpRequest, pk: Any) -> HttpResponse:
    question = _question(request, pk)
    form = forms.HideForm(request.POST, prefix=f"h{question.pk}")
    if form.is_valid():
        services.hide(question, form.cleaned_data["reason"])
        messages.success(request, _("Hidden. The audience sees your reason."))
    else:
        messages.error(request, _("Say why you hide it: the audience sees the reason."))
    return _back(question)


@require(Capability.LEARN)
@require_POST
def question_unhide(request: HttpRequest, pk: Any) -> HttpResponse:
    question = _question(request, pk)
    services.unhide(question)
    messages.success(request, _("Shown again."))
    return _back(question)


@require(Capability.LEARN)
@require_POST
def question_theme(request: HttpRequest, pk: Any) -> HttpResponse:
    question = _question(request, pk)
    form = forms.QuestionThemeForm(request.POST, space=question.space, prefix=f"t{question.pk}")
    if form.is_valid():
        services.set_theme(question, form.cleaned_data["theme"])
        messages.success(request, _("Theme saved."))
    else:
        messages.error(request, _("Choose one of this space's themes."))
    return _back(question)


@sensitive_post_parameters()
@require(Capability.LEARN)
@require_POST
def question_answer(request: HttpRequest, pk: Any) -> HttpResponse:
    question = _question(request, pk)
    form = forms.AnswerForm(request.POST, prefix=f"a{question.pk}")
    if form.is_valid():
        services.answer_question(question, form.cleaned_data["answer"])
        messages.success(request, _("Answer saved."))
    else:
        messages.error(request, _("The answer is too long."))
    return _back(question)


@require(Capability.LEARN)
@require_POST
def theme_new(request: HttpRequest, pk: int) -> HttpResponse:
    space = _facilitated(request, _viewable(request, pk))
    form = forms.ThemeForm(request.POST)
    if form.is_valid():
        services.create_theme(space, form.cleaned_data["title"])
        messages.success(request, _("Theme added."))
    else:
        messages.error(request, _("A theme needs a title."))
    return _back(space)


@require(Capability.LEARN)
@require_POST
def theme_answer(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("space"), pk=pk)
    _facilitated(request, theme.space)
    form = forms.AnswerForm(request.POST, prefix=f"theme{theme.pk}")
    if form.is_valid():
        services.answer_theme(theme, form.cleaned_data["answer"])
        messages.success(request, _("Answer saved."))
    else:
        messages.error(request, _("The answer is too long."))
    return _back(theme.space)


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def pulse_new(request: HttpRequest, pk: int) -> HttpResponse:
    space = _facilitated(request, _viewable(request, pk))
    form = forms.PulseForm(request.POST or None)
    problem = ""
    size, k = queries.audience_size(space), min_group_size()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_pulse(
                space,
                title=data["title"],
                statements=form.statements(),
                open_question=data["open_question"],
                closes_on=data["closes_on"],
            )
        except services.VoiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Pulse saved as a draft. Open it when you are ready."))
            return redirect("voice:facilitate", space.pk)
    return render(
        request,
        "voice/pulse_form.html",
        {"space": space, "form": form, "problem": problem, "audience_size": size, "k": k},
    )


def _pulse(request: HttpRequest, pk: int) -> Pulse:
    return get_object_or_404(Pulse.objects.select_related("space"), pk=pk)


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def pulse_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening notifies the whole audience, so it asks first (GET shows who gets what)."""
    pulse = _pulse(request, pk)
    _facilitated(request, pulse.space)
    if request.method == "POST":
        try:
            ballots = services.open_pulse(pulse)
        except services.VoiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The pulse is open for %(count)s people; each of them got a notification.")
                % {"count": ballots},
            )
        return redirect("voice:facilitate", pulse.space_id)
    if pulse.status != Pulse.Status.DRAFT:
        messages.info(request, _("Only a draft can be opened."))
        return redirect("voice:facilitate", pulse.space_id)
    return render(
        request,
        "voice/pulse_open.html",
        {
            "pulse": pulse,
            "space": pulse.space,
            "audience_size": queries.audience_size(pulse.space),
            "k": min_group_size(),
            "statements": pulse.statements.all(),
            "expired": pulse.closes_on is not None and pulse.closes_on < timezone.localdate(),
        },
    )


@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def pulse_close(request: HttpRequest, pk: int) -> HttpResponse:
    pulse = _pulse(request, pk)
    _facilitated(request, pulse.space)
    if request.method == "POST":
        try:
            services.close_pulse(pulse)
        except services.VoiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The pulse is closed."))
        return redirect("voice:facilitate", pulse.space_id)
    return render(request, "voice/pulse_close.html", {"pulse": pulse, "space": pulse.space})


@sensitive_post_parameters()
@require(Capability.LEARN)
@require_http_methods(["GET", "POST"])
def pulse_answer(request: HttpRequest, pk: int) -> HttpResponse:
    pulse = _pulse(request, pk)
    space = pulse.space
    person = _person(request)
    if not queries.in_audience(person, space):
        raise PermissionDenied
    if not queries.is_open(pulse):
        return render(request, "voice/pulse_answer.html", {"pulse": pulse, "space": space})
    # A late joiner gets their ballot and slot here, on first visit, if the scheduler has not
    # given them one yet (`services.top_up_ballots`).
    services.ensure_ballot(pulse, person)
    if queries.has_answered(pulse, person):
        return render(
            request,
            "voice/pulse_answer.html",
            {"pulse": pulse, "space": space, "answered": True},
        )
    form = forms.VoteForm(request.POST or None, pulse=pulse)
    if request.method == "POST" and form.is_valid():
        try:
            services.vote(pulse, person, ratings=form.ratings(), open_answer=form.open_answer())
        except services.VoiceError as exc:
            messages.info(request, str(exc))
        else:
            messages.success(request, _("Thank you. Your answer was stored without your name."))
        return redirect("voice:space", space.pk)
    return render(
        request,
        "voice/pulse_answer.html",
        {"pulse": pulse, "space": space, "form": form, "open": True},
    )


@require(Capability.LEARN)
def pulse_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Facilitators see results while a pulse runs; the audience once it is closed.
    Both only from k answers (`queries.results`)."""
    pulse = _pulse(request, pk)
    space = _viewable(request, pulse.space_id)
    facilitator = queries.is_facilitator(request.user, space)
    if not facilitator and (pulse.status == Pulse.Status.DRAFT or queries.is_open(pulse)):
        raise PermissionDenied
    return render(
        request,
        "voice/pulse_results.html",
        {
            "pulse": pulse,
            "space": space,
            "results": queries.results(pulse),
            "facilitator": facilitator,
            "open": queries.is_open(pulse),
        },
    )
