"""The path builder for L&D: list, create, edit the draft, preview, publish, versions.

Views stay thin: forms check the shape of the input, `services_builder` applies the
rules and refuses with a `BuilderError`, whose message goes back to the page. Changes to
the steps list answer htmx requests with the re-rendered list (errors included), and
plain form posts with a redirect back to the builder, so the page works without script.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem
from leerpad.catalog.models import Kind as ItemKind
from leerpad.core.access import Capability, can, require
from leerpad.paths import queries, services
from leerpad.paths import services_builder as builder
from leerpad.paths.completions import facts_for, step_minutes
from leerpad.paths.forms_builder import (
    AssignmentForm,
    ConfirmForm,
    CreatePathForm,
    ItemPickForm,
    MoveLearnersForm,
    PublishForm,
    QuizPickForm,
    StepForm,
    VersionForm,
    skills_formset,
    skills_from,
)
from leerpad.paths.models import Certificate, Path, PathVersion, Step
from leerpad.paths.progress import State, plan
from leerpad.search import service as search_service
from leerpad.skills.models import Level

LEVELS = dict(Level.choices)
PATHS_PER_PAGE = 25
RESULTS_PER_PAGE = 8


def _person(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _path(key: str) -> Path:
    return get_object_or_404(Path.objects.select_related("current"), key=key)


def _builder_url(path: Path, anchor: str = "") -> str:
    url = reverse("paths_builder:builder", args=[path.key])
    return f"{url}#{anchor}" if anchor else url


def _draft(request: HttpRequest, path: Path) -> PathVersion | None:
    draft = builder.current_draft(path)
    if draft is None:
        messages.error(request, _("This path has no draft. Start editing to make one."))
    return draft


def _back_to_builder(request: HttpRequest, path: Path) -> HttpResponse:
    """When there is no draft to change: the whole page again (htmx would otherwise put
    the page inside the steps list)."""
    if _is_htmx(request):
        response = HttpResponse()
        response["HX-Redirect"] = _builder_url(path)
        return response
    return redirect(_builder_url(path))


# --- the steps list (full page and htmx partial) -------------------------------------------------


def _step_rows(version: PathVersion) -> list[dict[str, Any]]:
    steps = queries.steps_of(version)
    number = {s.pk: index + 1 for index, s in enumerate(steps)}
    rows = []
    for index, step in enumerate(steps):
        rows.append(
            {
                "step": step,
                "number": index + 1,
                "title": step.title(),
                "kind": Step.Kind(step.kind).label,
                "minutes": step_minutes(step),
                "needs": [
                    {"number": number[p.pk], "title": p.title()}
                    for p in sorted(step.prerequisites.all(), key=lambda p: number.get(p.pk, 0))
                    if p.pk in number
                ],
                "first": index == 0,
                "last": index == len(steps) - 1,
            }
        )
    return rows


def _steps_context(
    path: Path, version: PathVersion, error: str = "", notice: str = ""
) -> dict[str, Any]:
    editable = version.status == PathVersion.Status.DRAFT
    return {
        "path": path,
        "version": version,
        "editable": editable,
        "rows": _step_rows(version),
        "problems": builder.publish_problems(version) if editable else [],
        "error": error,
        "notice": notice,
    }


def _steps_partial(
    request: HttpRequest,
    path: Path,
    draft: PathVersion,
    *,
    error: str = "",
    notice: str = "",
    extra: str = "",
    added: bool = False,
) -> HttpResponse:
    html = render_to_string(
        "paths/builder/_steps.html",
        _steps_context(path, draft, error, notice),
        request=request,
    )
    response = HttpResponse(html + extra)
    if added and not error:
        # Lets the form that asked (an assignment, a quiz) clear itself: see builder.js.
        response["HX-Trigger"] = "builderStepAdded"
    return response


def _after_change(
    request: HttpRequest,
    path: Path,
    draft: PathVersion,
    *,
    error: str = "",
    notice: str = "",
    extra: str = "",
    added: bool = False,
) -> HttpResponse:
    """htmx: the re-rendered list; a plain post: a message and back to the list."""
    if _is_htmx(request):
        return _steps_partial(
            request, path, draft, error=error, notice=notice, extra=extra, added=added
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(_builder_url(path, "steps"))


# --- the list of paths ---------------------------------------------------------------------------


@require(Capability.MANAGE_PATHS)
@require_GET
def path_list(request: HttpRequest) -> HttpResponse:
    paths = builder.manage_list()
    page = Paginator(paths, PATHS_PER_PAGE).get_page(request.GET.get("page"))
    counts = builder.version_counts(p.pk for p in page.object_list)
    rows = []
    for path in page.object_list:
        versions = sorted(path.versions.all(), key=lambda v: v.number)
        draft = next((v for v in versions if v.status == PathVersion.Status.DRAFT), None)
        shown = path.current or draft
        rows.append(
            {
                "path": path,
                "title": shown.title() if shown else path.key,
                "draft": draft,
                "current": path.current,
                "enrolled": [
                    {"number": v.number, "count": counts[v.pk].movable}
                    for v in versions
                    if v.pk in counts and counts[v.pk].movable
                ],
                "completed": sum(counts[v.pk].completed for v in versions if v.pk in counts),
            }
        )
    return render(request, "paths/builder/list.html", {"page": page, "rows": rows})


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = CreatePathForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            path = builder.create_path(
                form.cleaned_data["key"],
                form.texts("title"),
                form.texts("summary"),
                by=_person(request),
            )
        except builder.BuilderError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The path was created. Add its first steps."))
            return redirect(_builder_url(path))
    return render(request, "paths/builder/new.html", {"form": form})


# --- the builder page ----------------------------------------------------------------------------


def _search_context(
    request: HttpRequest, draft: PathVersion | None, query: str, page: int = 1
) -> dict[str, Any]:
    if not query or draft is None:
        return {"query": query, "found": None, "in_path": set()}
    found = search_service.search(
        query, person=_person(request), page=page, per_page=RESULTS_PER_PAGE
    )
    in_path = set(
        Step.objects.filter(version=draft, item__isnull=False).values_list("item_id", flat=True)
    )
    return {"query": query, "found": found, "in_path": in_path}


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _builder_page(
    request: HttpRequest, path: Path, status: int = 200, **forms: Any
) -> HttpResponse:
    draft = builder.current_draft(path)
    version = draft or path.current
    context: dict[str, Any] = {
        "may_administer": can(request.user, Capability.ADMINISTER),
        "path": path,
        "draft": draft,
        "current": path.current,
        "counts": builder.version_counts([path.pk]),
    }
    if version is not None:
        context.update(_steps_context(path, version))
    if draft is not None:
        context.update(
            version_form=forms.get("version_form") or VersionForm.for_version(draft),
            skills=forms.get("skills") or skills_formset(draft),
            quiz_form=forms.get("quiz_form") or QuizPickForm(),
            assignment_form=forms.get("assignment_form") or AssignmentForm(),
            # A draft made from a suggestion already says why: publishing keeps that note.
            publish_form=forms.get("publish_form")
            or PublishForm(
                republishing=path.current_id is not None,
                initial={"change_note": draft.change_note},
            ),
            search=_search_context(
                request, draft, request.GET.get("q", "").strip()[:200], _page_number(request)
            ),
        )
    return render(request, "paths/builder/builder.html", context, status=status)


@require(Capability.MANAGE_PATHS)
@require_GET
def builder_page(request: HttpRequest, key: str) -> HttpResponse:
    return _builder_page(request, _path(key))


@require(Capability.MANAGE_PATHS)
@require_POST
def start_draft(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    try:
        draft = builder.draft_of(path, by=_person(request))
    except builder.BuilderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Draft version %(number)s is ready. Learners see nothing until you publish it.")
            % {"number": draft.number},
        )
    return redirect(_builder_url(path))


@require(Capability.MANAGE_PATHS)
@require_POST
def save_settings(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    form = VersionForm(request.POST)
    skills = skills_formset(draft, request.POST)
    if form.is_valid() and skills.is_valid():
        try:
            builder.update_version(
                draft,
                titles=form.texts("title"),
                summaries=form.texts("summary"),
                audience_roles=form.cleaned_data["audience_roles"],
                audience_locations=form.cleaned_data["audience_locations"],
                skills=skills_from(skills),
                min_optional=form.cleaned_data["min_optional"],
            )
        except builder.BuilderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The path's details were saved."))
            return redirect(_builder_url(path, "details"))
    return _builder_page(request, path, status=400, version_form=form, skills=skills)


# --- adding steps --------------------------------------------------------------------------------


@require(Capability.MANAGE_PATHS)
@require_GET
def search_items(request: HttpRequest, key: str) -> HttpResponse:
    """Catalogue search results with an "Add" button each (the htmx part of the page)."""
    path = _path(key)
    query = request.GET.get("q", "").strip()[:200]
    if not _is_htmx(request):
        url = _builder_url(path)
        return redirect(f"{url}?{urlencode({'q': query})}#add" if query else f"{url}#add")
    draft = builder.current_draft(path)
    context = {
        "path": path,
        "search": _search_context(request, draft, query, _page_number(request)),
    }
    return render(request, "paths/builder/_search_results.html", context)


def _result_marker(item_id: int) -> str:
    """Swapped in place of the result's "Add" button once the item is a step (htmx oob)."""
    label = _("In the path")
    return format_html(
        '<span id="add-item-{}" class="badge added" hx-swap-oob="true">{}</span>', item_id, label
    )


@require(Capability.MANAGE_PATHS)
@require_POST
def add_item(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    form = ItemPickForm(request.POST)
    item = None
    if form.is_valid():
        item = ContentItem.objects.filter(pk=form.cleaned_data["item"]).first()
    if item is None:
        return _after_change(request, path, draft, error=_("That catalogue item does not exist."))
    kind = Step.Kind.SESSION if item.kind == ItemKind.SESSION else Step.Kind.ITEM
    try:
        step = builder.add_step(draft, kind, item=item)
    except builder.BuilderError as exc:
        return _after_change(request, path, draft, error=str(exc))
    return _after_change(
        request,
        path,
        draft,
        notice=_("“%(title)s” was added as step %(number)s.")
        % {"title": step.title(), "number": step.position + 1},
        extra=_result_marker(item.pk),
        added=True,
    )


@require(Capability.MANAGE_PATHS)
@require_POST
def add_quiz(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    form = QuizPickForm(request.POST)
    if not form.is_valid():
        return _after_change(request, path, draft, error=_("Choose a quiz to add."))
    try:
        step = builder.add_step(draft, Step.Kind.QUIZ, quiz=form.cleaned_data["quiz"])
    except builder.BuilderError as exc:
        return _after_change(request, path, draft, error=str(exc))
    return _after_change(
        request,
        path,
        draft,
        notice=_("“%(title)s” was added as step %(number)s.")
        % {"title": step.title(), "number": step.position + 1},
        added=True,
    )


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require(Capability.MANAGE_PATHS)
@require_POST
def add_assignment(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        if _is_htmx(request):
            return _after_change(request, path, draft, error=_form_errors(form))
        return _builder_page(request, path, status=400, assignment_form=form)
    try:
        step = builder.add_step(
            draft,
            Step.Kind.ASSIGNMENT,
            titles=form.texts("title"),
            instructions=form.texts("instructions"),
            optional=form.cleaned_data["optional"],
            branch=form.cleaned_data["branch"],
            minutes=form.cleaned_data["minutes"],
        )
    except builder.BuilderError as exc:
        return _after_change(request, path, draft, error=str(exc))
    return _after_change(
        request,
        path,
        draft,
        notice=_("“%(title)s” was added as step %(number)s.")
        % {"title": step.title(), "number": step.position + 1},
        added=True,
    )


# --- order, edit, remove -------------------------------------------------------------------------


@require(Capability.MANAGE_PATHS)
@require_POST
def reorder(request: HttpRequest, key: str) -> HttpResponse:
    """The order after a drag and drop: every step id of the draft, once, first to last."""
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    try:
        order = [int(value) for value in request.POST.getlist("order")]
        builder.reorder(draft, order)
    except ValueError as exc:  # BuilderError is a ValueError too
        error = (
            str(exc)
            if isinstance(exc, builder.BuilderError)
            else _("The order could not be read; reload the page and try again.")
        )
        return _after_change(request, path, draft, error=error)
    return _after_change(request, path, draft, notice=_("The new order was saved."))


def _draft_step(request: HttpRequest, path: Path, pk: int) -> tuple[PathVersion, Step] | None:
    draft = _draft(request, path)
    if draft is None:
        return None
    step = get_object_or_404(
        Step.objects.select_related("item", "quiz", "version"), pk=pk, version=draft
    )
    return draft, step


@require(Capability.MANAGE_PATHS)
@require_POST
def move_step(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """Up and down buttons: the keyboard and small-screen way to reorder."""
    path = _path(key)
    found = _draft_step(request, path, pk)
    if found is None:
        return _back_to_builder(request, path)
    draft, step = found
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return _after_change(request, path, draft, error=_("Move a step up or down."))
    builder.move_step(step, -1 if direction == "up" else 1)
    step.refresh_from_db()
    return _after_change(
        request,
        path,
        draft,
        notice=_("“%(title)s” is now step %(number)s.")
        % {"title": step.title(), "number": step.position + 1},
    )


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def edit_step(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    path = _path(key)
    found = _draft_step(request, path, pk)
    if found is None:
        return _back_to_builder(request, path)
    draft, step = found
    form = StepForm(request.POST or None, step=step)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            builder.update_step(
                step,
                titles=form.texts("title"),
                instructions=form.texts("instructions"),
                optional=data["optional"],
                branch=data["branch"],
                clear_branch=data["branch"] is None,
                minutes=data["minutes"],
                clear_minutes=data["minutes"] is None,
                prerequisites=[s.pk for s in data["prerequisites"]],
            )
        except builder.BuilderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The step was saved."))
            return redirect(_builder_url(path, f"step-{step.pk}"))
    return render(
        request,
        "paths/builder/step.html",
        {"path": path, "draft": draft, "step": step, "form": form},
        status=400 if form.errors else 200,
    )


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def remove_step(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    path = _path(key)
    found = _draft_step(request, path, pk)
    if found is None:
        return _back_to_builder(request, path)
    draft, step = found
    title = step.title()
    if request.method == "POST":
        builder.remove_step(step)
        return _after_change(
            request, path, draft, notice=_("“%(title)s” was removed.") % {"title": title}
        )
    needed_by = [s.title() for s in step.unlocks.all()]
    return render(
        request,
        "paths/builder/confirm.html",
        {
            "path": path,
            "heading": _("Remove this step?"),
            "message": _("“%(title)s” will be removed from the draft.") % {"title": title},
            "details": (
                [_("These steps will no longer need it first:"), *needed_by] if needed_by else []
            ),
            "action": reverse("paths_builder:remove_step", args=[path.key, step.pk]),
            "button": _("Remove the step"),
            "cancel": _builder_url(path, "steps"),
            "fields": [],
        },
    )


# --- preview, publish, discard -------------------------------------------------------------------


def _preview_blocks(version: PathVersion) -> tuple[list[dict[str, Any]], Any]:
    """The steps as a learner sees them before starting: a plan with nothing done."""
    steps = queries.steps_of(version)
    fresh = plan(facts_for(steps, version.path.key), set(), version.min_optional)
    by_id = {s.pk: s for s in steps}
    number = {s.pk: index + 1 for index, s in enumerate(steps)}
    blocks: list[dict[str, Any]] = []
    groups: dict[int, dict[str, Any]] = {}
    for status in fresh.steps:
        step = by_id[status.step.id]
        entry = {
            "step": step,
            "number": number[step.pk],
            "title": step.title(),
            "kind": Step.Kind(step.kind).label,
            "instruction": step.instruction(),
            "minutes": status.step.minutes,
            "state": status.state.value,
            "locked": status.state == State.LOCKED,
            "is_next": fresh.next_step == step.pk,
            "waiting_for": [by_id[i].title() for i in status.waiting_for if i in by_id],
        }
        if step.branch is None:
            blocks.append({"branch": None, "entries": [entry]})
        elif step.branch in groups:
            groups[step.branch]["entries"].append(entry)
        else:
            groups[step.branch] = {"branch": step.branch, "entries": [entry]}
            blocks.append(groups[step.branch])
    return blocks, fresh


@require(Capability.MANAGE_PATHS)
@require_GET
def preview(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    version: PathVersion | None
    number = request.GET.get("version", "")
    if number.isdigit():
        version = get_object_or_404(PathVersion, path=path, number=int(number))
    else:
        version = builder.current_draft(path) or path.current
    if version is None:
        raise Http404
    blocks, fresh = _preview_blocks(version)
    return render(
        request,
        "paths/builder/preview.html",
        {
            "path": path,
            "version": version,
            "blocks": blocks,
            "plan": fresh,
            "skills": [
                {"name": ps.skill.name(), "level": LEVELS.get(ps.level, ps.level)}
                for ps in version.path_skills.select_related("skill")
            ],
        },
    )


@require(Capability.MANAGE_PATHS)
@require_POST
def publish(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    form = PublishForm(request.POST, republishing=path.current_id is not None)
    if form.is_valid():
        try:
            builder.publish(draft, form.cleaned_data["change_note"], by=_person(request))
        except builder.BuilderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Version %(number)s is published. New learners get it; enrolled learners "
                    "stay on their version until you move them."
                )
                % {"number": draft.number},
            )
            return redirect("paths_builder:versions", key=path.key)
    return _builder_page(request, path, status=400, publish_form=form)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    draft = _draft(request, path)
    if draft is None:
        return _back_to_builder(request, path)
    if request.method == "POST":
        try:
            builder.discard_draft(draft)
        except builder.BuilderError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The draft was discarded."))
        return redirect(_builder_url(path))
    return render(
        request,
        "paths/builder/confirm.html",
        {
            "path": path,
            "heading": _("Discard the draft?"),
            "message": _(
                "Every change in draft version %(number)s is lost. The published version "
                "stays as it is."
            )
            % {"number": draft.number},
            "details": [],
            "action": reverse("paths_builder:discard", args=[path.key]),
            "button": _("Discard the draft"),
            "cancel": _builder_url(path),
            "fields": [],
        },
    )


# --- versions and moving learners ----------------------------------------------------------------


def _versions_page(
    request: HttpRequest, path: Path, form: MoveLearnersForm | None = None, status: int = 200
) -> HttpResponse:
    counts = builder.version_counts([path.pk])
    versions = [
        {"version": v, "counts": counts.get(v.pk, builder.VersionCounts())}
        for v in PathVersion.objects.filter(path=path)
        .select_related("created_by")
        .order_by("-number")
    ]
    movable = any(
        counts.get(v.pk, builder.VersionCounts()).movable
        for v in PathVersion.objects.filter(path=path, status=PathVersion.Status.RETIRED)
    )
    return render(
        request,
        "paths/builder/versions.html",
        {
            "path": path,
            "versions": versions,
            "form": form or MoveLearnersForm(path=path, initial={"to_version": path.current_id}),
            "can_move": movable and path.current_id is not None,
        },
        status=status,
    )


@require(Capability.MANAGE_PATHS)
@require_GET
def versions(request: HttpRequest, key: str) -> HttpResponse:
    return _versions_page(request, _path(key))


@require(Capability.MANAGE_PATHS)
@require_POST
def move_learners(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    form = MoveLearnersForm(request.POST, path=path)
    if not form.is_valid():
        return _versions_page(request, path, form, status=400)
    source: PathVersion = form.cleaned_data["from_version"]
    target: PathVersion = form.cleaned_data["to_version"]
    if not form.cleaned_data["confirmed"]:
        count = builder.version_counts([path.pk]).get(source.pk, builder.VersionCounts()).movable
        return render(
            request,
            "paths/builder/confirm.html",
            {
                "path": path,
                "heading": _("Move learners from version %(old)s to version %(new)s?")
                % {"old": source.number, "new": target.number},
                "message": _(
                    "%(count)s active or paused learners move. They keep every step they "
                    "completed; steps that are new to them open up, and someone who already "
                    "did everything the new version asks completes the path."
                )
                % {"count": count},
                "details": [],
                "action": reverse("paths_builder:move_learners", args=[path.key]),
                "button": _("Move the learners"),
                "cancel": reverse("paths_builder:versions", args=[path.key]),
                "fields": [
                    ("from_version", source.pk),
                    ("to_version", target.pk),
                    ("confirmed", "True"),
                ],
            },
        )
    try:
        moved = builder.move_learners(path, source, target, by=_person(request))
    except builder.BuilderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(count)s learners moved to version %(number)s.")
            % {"count": moved, "number": target.number},
        )
    return redirect("paths_builder:versions", key=path.key)


# --- archive -------------------------------------------------------------------------------------


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def archive(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirmed"]:
        builder.archive(path, by=_person(request))
        messages.success(request, _("The path is archived: it takes no new enrolments."))
        return redirect("paths_builder:list")
    enrolled = sum(c.movable for c in builder.version_counts([path.pk]).values())
    return render(
        request,
        "paths/builder/confirm.html",
        {
            "path": path,
            "heading": _("Archive this path?"),
            "message": _(
                "Nobody can enrol any more, and the path no longer shows up for learners. "
                "The %(count)s learners who are following it can finish it."
            )
            % {"count": enrolled},
            "details": [],
            "action": reverse("paths_builder:archive", args=[path.key]),
            "button": _("Archive the path"),
            "cancel": _builder_url(path),
            "fields": [("confirmed", "True")],
        },
    )


@require(Capability.MANAGE_PATHS)
@require_POST
def unarchive(request: HttpRequest, key: str) -> HttpResponse:
    path = _path(key)
    builder.unarchive(path, by=_person(request))
    messages.success(request, _("The path takes enrolments again."))
    return redirect(_builder_url(path))


# --- certificates -------------------------------------------------------------------------

CERTIFICATES_PER_PAGE = 50


@require(Capability.ADMINISTER)
@require_GET
def certificates(request: HttpRequest, key: str) -> HttpResponse:
    """The certificates a path issued, newest first; one issued by mistake can be revoked.

    Admins only: the list says who completed the path, which is individual data (L&D
    sees completions as group figures)."""
    path = _path(key)
    issued = (
        Certificate.objects.filter(enrolment__path=path)
        .select_related("enrolment__person")
        .order_by("-issued_at", "-id")
    )
    page = Paginator(issued, CERTIFICATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "paths/builder/certificates.html", {"path": path, "page": page})


def _certificate(path: Path, uid: str) -> Certificate:
    return get_object_or_404(Certificate, uid=uid, enrolment__path=path)


@require(Capability.ADMINISTER)
@require_POST
def revoke_certificate(request: HttpRequest, key: str, uid: str) -> HttpResponse:
    path = _path(key)
    certificate = _certificate(path, uid)
    try:
        services.revoke_certificate(certificate, request.POST.get("reason", ""))
    except services.PathError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The certificate of %(name)s is revoked; its badge page says so.")
            % {"name": certificate.person_name},
        )
    return redirect("paths_builder:certificates", path.key)


@require(Capability.ADMINISTER)
@require_POST
def reinstate_certificate(request: HttpRequest, key: str, uid: str) -> HttpResponse:
    path = _path(key)
    certificate = _certificate(path, uid)
    services.reinstate_certificate(certificate)
    messages.success(
        request,
        _("The certificate of %(name)s is valid again.") % {"name": certificate.person_name},
    )
    return redirect("paths_builder:certificates", path.key)
