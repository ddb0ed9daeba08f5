"""Skills: what content teaches, what roles need, what people can do, and who shares what.

Names are kept per language in one JSON object, because the set of languages is fixed
(nl, fr, en) and a skill is always shown whole; content and paths refer to skills by key.
A skill is local (made in Leerpad) or imported from ESCO, the European classification,
in which case `uri` is its ESCO concept URI and imports update it in place.

A person's skill profile has two sources, kept apart so each claim shows where it comes
from: what they say themselves (`SkillClaim.self_level`) and evidence Leerpad recorded
(`SkillEvidence`, written by paths and quizzes when a path is completed or a quiz passed).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.core.texts import in_language


def fold(text: str) -> str:
    """Lower case without accents, so "Sécurité" is found by "securite" on every database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Level(models.IntegerChoices):
    """Four proficiency levels: few enough that people rate themselves consistently."""

    AWARE = 1, _("Aware")
    PRACTISING = 2, _("Practising")
    SKILLED = 3, _("Skilled")
    EXPERT = 4, _("Expert")


class Skill(models.Model):
    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill or competence")
        KNOWLEDGE = "knowledge", _("Knowledge")

    class Source(models.TextChoices):
        LOCAL = "local", _("Local")
        ESCO = "esco", _("ESCO")

    # A stable key such as "customer-conversations", used by imports and the API.
    key = models.SlugField(_("key"), max_length=120, unique=True)
    names = models.JSONField(_("names"), default=dict)  # {"nl": ..., "fr": ..., "en": ...}
    # Other names people search by, per language: {"nl": ["..."], ...}.
    alt_names = models.JSONField(_("other names"), default=dict, blank=True)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SKILL)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.LOCAL
    )
    # ESCO or another framework's URI, when the skill comes from one.
    uri = models.URLField(_("URI"), max_length=500, blank=True)
    broader = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader skill"),
    )
    # Key, names and other names in every language, folded (see `fold`): JSON text cannot
    # be searched without accents or case the same way on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["key"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["uri"], condition=~Q(uri=""), name="skill_uri_unique")
        ]

    def __str__(self) -> str:
        return self.name()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and _SEARCHED_FIELDS & set(update_fields):
            # update_or_create saves only the fields it was given; the folded text follows.
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        """What `search_text` should hold: set it yourself before bulk_create/bulk_update."""
        parts: list[str] = [self.key]
        parts.extend(str(v) for v in (self.names or {}).values() if v)
        for alts in (self.alt_names or {}).values():
            parts.extend(str(a) for a in _as_list(alts) if a)
        return fold(" | ".join(parts))

    def name(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one), else any name, else the key."""
        return in_language(self.names, language) or self.key

    def description(self, language: str | None = None) -> str:
        return in_language(self.descriptions, language)


_SEARCHED_FIELDS = {"key", "names", "alt_names"}


def _as_list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else [value]


class RoleSkill(models.Model):
    """A job role profile line: the role needs this skill at this level."""

    job_role = models.ForeignKey(
        "accounts.JobRole", models.CASCADE, related_name="skill_profile", verbose_name=_("job role")
    )
    skill = models.ForeignKey(Skill, models.CASCADE, related_name="+", verbose_name=_("skill"))
    level = models.PositiveSmallIntegerField(
        _("level needed"), choices=Level.choices, default=Level.PRACTISING
    )
    essential = models.BooleanField(
        _("essential"), default=True, help_text=_("Essential for the role, or nice to have.")
    )

    class Meta:
        ordering = ["job_role", "-essential", "skill__key"]
        verbose_name = _("role skill")
        verbose_name_plural = _("role skills")
        constraints = [
            models.UniqueConstraint(fields=["job_role", "skill"], name="role_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job_role_id}: {self.skill_id} ≥ {self.level}"


class SkillClaim(models.Model):
    """What a person says about one of their skills: a level, and whether they share it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="skill_claims"
    )
    skill = models.ForeignKey(Skill, models.CASCADE, related_name="claims")
    self_level = models.PositiveSmallIntegerField(
        _("my level"), choices=Level.choices, null=True, blank=True
    )
    # "I am willing to help colleagues with this": shown only when the profile is visible.
    willing_to_share = models.BooleanField(_("willing to share"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["skill__key"]
        verbose_name = _("skill claim")
        verbose_name_plural = _("skill claims")
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="skill_claim_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.skill_id} = {self.self_level}"


class SkillEvidence(models.Model):
    """A fact Leerpad recorded that shows a skill: a completed path, a passed quiz.

    Written by the app where it happened (through `skills.services.add_evidence`), with the
    statement that proves it, so every claim on a profile can point to its evidence.
    """

    class Source(models.TextChoices):
        PATH = "path", _("Completed path")
        QUIZ = "quiz", _("Passed quiz")
        ASSIGNMENT = "assignment", _("Signed-off assignment")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="skill_evidence"
    )
    skill = models.ForeignKey(Skill, models.CASCADE, related_name="evidence")
    level = models.PositiveSmallIntegerField(_("level shown"), choices=Level.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # What it was, in words at the time ("Welcome to the branch", "Quiz: safe lifting").
    label = models.CharField(_("what"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # The source object, so evidence is written once per source and can be withdrawn.
    source_key = models.CharField(max_length=200)
    statement_id = models.UUIDField(null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved at"), default=timezone.now)

    class Meta:
        ordering = ["-achieved_at"]
        verbose_name = _("skill evidence")
        verbose_name_plural = _("skill evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "skill", "source_key"], name="skill_evidence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.skill_id} ({self.source})"


class SharingProfile(models.Model):
    """Opt-in: whether colleagues may find this person by the skills they share."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="sharing_profile"
    )
    visible = models.BooleanField(_("colleagues can find me"), default=False)
    note = models.CharField(
        _("how to reach me"),
        max_length=300,
        blank=True,
        help_text=_("For example: 'Tuesdays at the Gent branch, or ask for a call.'"),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sharing profile")
        verbose_name_plural = _("sharing profiles")

    def __str__(self) -> str:
        return f"{self.person_id}: {'visible' if self.visible else 'hidden'}"


class ConversationRequest(models.Model):
    """A learner asks a colleague who shares a skill for a conversation."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="conversations_asked"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="conversations_received"
    )
    skill = models.ForeignKey(Skill, models.CASCADE, related_name="+", verbose_name=_("skill"))
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("conversation request")
        verbose_name_plural = _("conversation requests")
        constraints = [
            # One open question per colleague and skill: a second one would only nag.
            models.UniqueConstraint(
                fields=["requester", "colleague", "skill"],
                condition=Q(status="open"),
                name="conversation_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.colleague_id} ({self.skill_id})"


class Opportunity(models.Model):
    """An internal job-crafting opportunity: a small project, shadowing, a stretch task."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Small project")
        SHADOWING = "shadowing", _("Shadowing")
        STRETCH = "stretch", _("Stretch task")
        MENTORING = "mentoring", _("Mentoring")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    location = models.ForeignKey(
        "accounts.Location",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    hours = models.PositiveIntegerField(_("time needed (hours)"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="opportunities_posted"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closes_on = models.DateField(_("answer before"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")

    def __str__(self) -> str:
        return self.title


class OpportunityResponse(models.Model):
    opportunity = models.ForeignKey(Opportunity, models.CASCADE, related_name="responses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("answer to an opportunity")
        verbose_name_plural = _("answers to opportunities")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person"], name="opportunity_response_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.opportunity_id}"


class EscoImport(models.Model):
    """One ESCO import run, kept for the record (what came in, and when).

    An upload on the web page is kept (its files in the media storage, under `folder`)
    between its preview and Apply; Apply removes the files and keeps the summary.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused")

    class Source(models.TextChoices):
        WEB = "web", _("Web page")
        COMMAND = "command", _("Command line")

    filename = models.CharField(_("file name"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    # {"created": n, "updated": n, "unchanged": n, "errors": n, ...}: see skills.esco.Summary.
    summary = models.JSONField(_("summary"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.COMMAND
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Occupation URI -> job role name, as the operator mapped them.
    occupations = models.JSONField(_("occupations"), default=dict, blank=True)
    # Uploaded files waiting for Apply: names inside `folder` in the default storage.
    folder = models.CharField(max_length=200, blank=True)
    files = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("ESCO import")
        verbose_name_plural = _("ESCO imports")

    def __str__(self) -> str:
        return self.filename
