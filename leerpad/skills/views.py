"""The skill taxonomy and job role profiles: everyone reads skills, L&D keeps them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leerpad.accounts.models import JobRole, Person
from leerpad.core.access import Capability, can, require
from leerpad.skills import queries, services
from leerpad.skills.forms import RoleSkillForm, SkillForm
from leerpad.skills.models import Level, RoleSkill, Skill

SKILLS_PER_PAGE = 25
OPTIONS_MAX = 15
PROFILE_EDITORS = (Capability.MANAGE_PATHS, Capability.MANAGE_PEOPLE)


def person_of(request: HttpRequest) -> Person:
    person: Person = request.user  # type: ignore[assignment]
    return person


def require_any(
    *capabilities: Capability,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Like `core.access.require`, for pages that several capabilities open."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not any(can(request.user, cap) for cap in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- the taxonomy ------------------------------------------------------------------------------


@require(Capability.LEARN)
@require_GET
def taxonomy(request: HttpRequest) -> HttpResponse:
    """All skills, searchable by any name in any language."""
    filters = {
        "q": request.GET.get("q", "")[:200],
        "kind": request.GET.get("kind", ""),
        "source": request.GET.get("source", ""),
    }
    skills = queries.search_skills(filters["q"], kind=filters["kind"], source=filters["source"])
    page = Paginator(skills, SKILLS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "filtered": any(filters.values()),
        "kinds": Skill.Kind.choices,
        "sources": Skill.Source.choices,
        "may_manage": can(request.user, Capability.MANAGE_PATHS),
    }
    template = "skills/_taxonomy_results.html" if is_htmx(request) else "skills/taxonomy.html"
    return render(request, template, context)


@require(Capability.LEARN)
@require_GET
def skill_options(request: HttpRequest) -> HttpResponse:
    """Suggestions for a skill field (a <datalist>), as the person types."""
    # htmx sends the field under its own (possibly prefixed) name.
    q = next((v for v in (request.GET.get(k, "") for k in request.GET) if v), "")
    # In a list of skills only the last one is being typed.
    q = q.split(",")[-1].strip()[:200]
    skills = queries.search_skills(q)[:OPTIONS_MAX] if q else []
    return render(request, "skills/_skill_options.html", {"skills": skills})


@require(Capability.LEARN)
@require_GET
def skill_detail(request: HttpRequest, key: str) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.select_related("broader"), key=key)
    context = {
        "page": queries.skill_page(skill),
        "skill": skill,
        "may_manage": can(request.user, Capability.MANAGE_PATHS),
        "claimed": skill.claims.filter(person=person_of(request)).exists(),
    }
    return render(request, "skills/skill.html", context)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def skill_create(request: HttpRequest) -> HttpResponse:
    return _skill_form(request, None)


@require(Capability.MANAGE_PATHS)
@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, key: str) -> HttpResponse:
    return _skill_form(request, get_object_or_404(Skill, key=key))


def _skill_form(request: HttpRequest, skill: Skill | None) -> HttpResponse:
    posted = request.method == "POST"
    form = SkillForm(request.POST if posted else None, instance=skill)
    if posted and form.is_valid():
        saved = services.save_skill(
            skill,
            key=form.cleaned_data["key"],
            names=form.names(),
            descriptions=form.descriptions(),
            alt_names=form.alt_names(),
            kind=form.cleaned_data["kind"],
            broader=form.cleaned_data["broader"],
        )
        messages.success(request, _("The skill “%(name)s” is saved.") % {"name": saved.name()})
        return redirect("skills:skill", key=saved.key)
    context = {"form": form, "skill": skill}
    return render(request, "skills/skill_form.html", context, status=400 if posted else 200)


# --- job role profiles -------------------------------------------------------------------------


@require_any(*PROFILE_EDITORS)
@require_GET
def roles(request: HttpRequest) -> HttpResponse:
    found = JobRole.objects.annotate(
        lines=Count("skill_profile", distinct=True), people_count=Count("people", distinct=True)
    ).order_by("name")
    return render(request, "skills/roles.html", {"roles": found})


@require_any(*PROFILE_EDITORS)
@require_http_methods(["GET", "POST"])
def role(request: HttpRequest, pk: int) -> HttpResponse:
    """A role's profile: add a skill (or change one already there) and see the lines."""
    job_role = get_object_or_404(JobRole, pk=pk)
    posted = request.method == "POST"
    form = RoleSkillForm(request.POST if posted else None, prefix="add")
    if posted and form.is_valid():
        skill: Skill = form.cleaned_data["skill"]
        services.set_role_skill(
            job_role,
            skill,
            level=form.cleaned_data["level"],
            essential=form.cleaned_data["essential"],
        )
        messages.success(
            request,
            _("%(role)s needs “%(skill)s” at level %(level)s.")
            % {
                "role": job_role.name,
                "skill": skill.name(),
                "level": Level(form.cleaned_data["level"]).label,
            },
        )
        return redirect("skills:role", pk=job_role.pk)
    lines = RoleSkill.objects.filter(job_role=job_role).select_related("skill")
    context = {
        "job_role": job_role,
        "form": form,
        "lines": sorted(lines, key=lambda line: (not line.essential, line.skill.name().casefold())),
        "levels": Level.choices,
    }
    return render(request, "skills/role.html", context, status=400 if posted else 200)


@require_any(*PROFILE_EDITORS)
@require_http_methods(["POST"])
def role_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Change the level or essential flag of one line (the table's inline form)."""
    line = get_object_or_404(RoleSkill.objects.select_related("skill"), pk=line_pk, job_role_id=pk)
    try:
        level = Level(int(request.POST.get("level", "")))
    except ValueError:
        messages.error(request, _("Choose a level."))
        return redirect("skills:role", pk=pk)
    services.set_role_skill(
        line.job_role, line.skill, level=level, essential=bool(request.POST.get("essential"))
    )
    messages.success(request, _("“%(skill)s” is updated.") % {"skill": line.skill.name()})
    return redirect("skills:role", pk=pk)


@require_any(*PROFILE_EDITORS)
@require_http_methods(["GET", "POST"])
def role_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the skill from the role's profile."""
    line = get_object_or_404(
        RoleSkill.objects.select_related("skill", "job_role"), pk=line_pk, job_role_id=pk
    )
    if request.method == "POST":
        services.remove_role_skill(line)
        messages.success(
            request,
            _("“%(skill)s” is no longer in the profile of %(role)s.")
            % {"skill": line.skill.name(), "role": line.job_role.name},
        )
        return redirect("skills:role", pk=pk)
    return render(
        request,
        "skills/confirm.html",
        {
            "title": _("Remove “%(skill)s” from %(role)s?")
            % {"skill": line.skill.name(), "role": line.job_role.name},
            "text": _(
                "People in this role will no longer see it as a skill to grow. Their own "
                "levels and evidence stay."
            ),
            "button": _("Remove"),
            "cancel": reverse("skills:role", args=[pk]),
        },
    )
