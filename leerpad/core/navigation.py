"""The main navigation: which sections a person sees is decided by their capabilities.

A section whose app has not landed yet points to a "coming" page in core; when its
issue lands, its entry here points to the app's own URL instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from leerpad.core.access import Capability, can


@dataclass(frozen=True)
class Section:
    slug: str
    label: str | Promise
    description: str | Promise
    capability: Capability
    url_name: str
    url_kwargs: tuple[tuple[str, str], ...] = ()
    coming: bool = False

    def url(self) -> str:
        return reverse(self.url_name, kwargs=dict(self.url_kwargs))


def _coming(slug: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return "core:section", (("slug", slug),)


SECTIONS: tuple[Section, ...] = (
    Section(
        "learn",
        _("Learn"),
        _("Your learning: what to continue and what is new."),
        Capability.LEARN,
        "core:home",
    ),
    Section(
        "catalogue",
        _("Catalogue"),
        _("Every piece of learning content the company has, searchable in three languages."),
        Capability.LEARN,
        "catalog:browse",
    ),
    Section(
        "paths",
        _("Paths"),
        _("Learning paths you can follow at your own pace, with progress you can see."),
        Capability.LEARN,
        "paths:list",
    ),
    Section(
        "skills",
        _("Skills"),
        _("Your skills and what your role asks, colleagues who share theirs, projects to join."),
        Capability.LEARN,
        "skills:mine",
    ),
    Section(
        "analytics",
        _("Analytics"),
        _("Where learners stall and what works, from the learning record, for groups only."),
        Capability.VIEW_ANALYTICS,
        "analytics:adoption",
    ),
    Section(
        "campaigns",
        _("Campaigns"),
        _("Segments, campaigns and nudges, with copy tests judged on learning."),
        Capability.MANAGE_CAMPAIGNS,
        "campaigns:campaigns",
    ),
    Section(
        "workspace",
        _("Workspace"),
        _("Intake and focus, stakeholders, SWOT, safe voice, sparks from the field."),
        Capability.USE_WORKSPACE,
        "workspace",
    ),
    Section(
        "records",
        _("Learning record"),
        _("Every statement in the learning record: who did what, and which tool sent it."),
        Capability.BROWSE_RECORDS,
        "records:statements",
    ),
    Section(
        "admin",
        _("Admin"),
        _("People, roles, imports and integrations."),
        Capability.MANAGE_PEOPLE,
        "accounts:people",
    ),
)


def section_by_slug(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug), None)


def sections_for(request: HttpRequest) -> list[Section]:
    return [s for s in SECTIONS if can(request.user, s.capability)]


def active_section(request: HttpRequest) -> str:
    """The slug of the section the current page belongs to, for aria-current."""
    match = request.resolver_match
    if match is None:
        return ""
    if match.view_name == "core:section":
        return str(match.kwargs.get("slug", ""))
    if match.app_name == "accounts" and match.url_name not in {"profile", "login"}:
        return "admin"
    if match.app_name == "records":
        return "records"
    if match.app_name in {"paths", "paths_builder", "quizzes"}:
        return "paths"
    if match.app_name == "skills":
        return "skills"
    if match.app_name in {"catalog", "catalog_launch", "search"}:
        return "catalogue"
    if match.app_name == "campaigns":
        return "campaigns"
    if match.view_name == "workspace" or match.app_name in {
        "intake",
        "initiatives",
        "voice",
        "sparks",
        "assets",
    }:
        return "workspace"
    if match.view_name == "core:home":
        return "learn"
    return match.app_name or ""
