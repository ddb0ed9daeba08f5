"""Learning paths: versions of ordered steps, enrolments, and progress from xAPI statements.

- A `Path` is the lasting thing people enrol in; what it contains is a `PathVersion`.
  Editing a published path makes a new draft version; publishing it makes it the one new
  learners get, while enrolled learners stay on theirs until L&D moves them.
- A `Step` is a catalogue item, a quiz, a classroom session or an on-the-job assignment a
  coach signs off. Steps can be optional, can need other steps first (prerequisites), and
  steps sharing a `branch` number are alternatives: doing one of them is enough.
  `Step.uid` is kept when a version is copied, so progress carries over when a learner is
  moved to a newer version.
- Progress is never ticked by hand: `Completion` is an index of the xAPI statements that
  say a person completed an activity, from Leerpad's own pages or from outside tools
  posting to the LRS. A step is done when its activity has a completion for the person.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.core.texts import in_language


class Path(models.Model):
    key = models.SlugField(_("key"), max_length=120, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_paths",
        verbose_name=_("owner"),
    )
    # The published version new learners enrol in; None until the first publication.
    current = models.ForeignKey(
        "PathVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["key"]
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    def __str__(self) -> str:
        return self.current.title() if self.current_id else self.key  # type: ignore[union-attr]

    def get_absolute_url(self) -> str:
        return reverse("paths:path", args=[self.key])


class PathVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Replaced")

    path = models.ForeignKey(Path, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    titles = models.JSONField(_("title"), default=dict)
    summaries = models.JSONField(_("summary"), default=dict, blank=True)
    # Who it is meant for: drives "new for your role" and invitations, never access.
    audience_roles = models.ManyToManyField(
        "accounts.JobRole", blank=True, related_name="+", verbose_name=_("for job roles")
    )
    audience_locations = models.ManyToManyField(
        "accounts.Location", blank=True, related_name="+", verbose_name=_("for locations")
    )
    # Completion rule: every required step (one per branch), plus this many optional ones.
    min_optional = models.PositiveSmallIntegerField(_("optional steps needed"), default=0)
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["path", "-number"]
        verbose_name = _("path version")
        verbose_name_plural = _("path versions")
        constraints = [
            models.UniqueConstraint(fields=["path", "number"], name="path_version_unique"),
            # At most one draft per path: the builder always edits that one.
            models.UniqueConstraint(
                fields=["path"], condition=Q(status="draft"), name="path_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title()} v{self.number}"

    def title(self, language: str | None = None) -> str:
        return in_language(self.titles, language) or self.path.key

    def summary(self, language: str | None = None) -> str:
        return in_language(self.summaries, language)


class PathSkill(models.Model):
    """A skill the path teaches, and the level completing it shows."""

    version = models.ForeignKey(PathVersion, models.CASCADE, related_name="path_skills")
    skill = models.ForeignKey("skills.Skill", models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), default=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "skill"], name="path_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.skill_id} ({self.level})"


class Step(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", _("Catalogue item")
        QUIZ = "quiz", _("Quiz")
        SESSION = "session", _("Classroom session")
        ASSIGNMENT = "assignment", _("On-the-job assignment")

    version = models.ForeignKey(PathVersion, models.CASCADE, related_name="steps")
    # The same step in every version of the path (kept when a version is copied).
    uid = models.UUIDField(default=uuid.uuid4)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    item = models.ForeignKey(
        "catalog.ContentItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="path_steps",
        verbose_name=_("catalogue item"),
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="path_steps",
        verbose_name=_("quiz"),
    )
    # Own title and instructions: required for assignments, optional for the others
    # (which default to the item's or quiz's title).
    titles = models.JSONField(_("title"), default=dict, blank=True)
    instructions = models.JSONField(_("instructions"), default=dict, blank=True)
    optional = models.BooleanField(_("optional"), default=False)
    # Steps with the same number are alternatives ("one of these"); None: a step alone.
    branch = models.PositiveSmallIntegerField(_("alternative group"), null=True, blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks", verbose_name=_("needs first")
    )
    minutes = models.PositiveIntegerField(_("estimated minutes"), null=True, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [models.UniqueConstraint(fields=["version", "uid"], name="step_uid_unique")]

    def __str__(self) -> str:
        return self.title()

    def title(self, language: str | None = None) -> str:
        own = in_language(self.titles, language)
        if own:
            return own
        if self.item_id is not None:
            return self.item.title(language)  # type: ignore[union-attr]
        if self.quiz_id is not None:
            return self.quiz.title(language)  # type: ignore[union-attr]
        return str(_("Step"))

    def instruction(self, language: str | None = None) -> str:
        return in_language(self.instructions, language)


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")
        COMPLETED = "completed", _("Completed")

    class Via(models.TextChoices):
        SELF = "self", _("Enrolled themselves")
        INVITATION = "invitation", _("Accepted an invitation")

    class Reminder(models.TextChoices):
        NONE = "", _("No reminders")
        WEEKLY = "weekly", _("Once a week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="enrolments")
    path = models.ForeignKey(Path, models.CASCADE, related_name="enrolments")
    version = models.ForeignKey(PathVersion, models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    via = models.CharField(_("how"), max_length=20, choices=Via.choices, default=Via.SELF)
    # The xAPI registration of this enrolment: Leerpad's statements about it carry it.
    registration = models.UUIDField(default=uuid.uuid4, unique=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # Reminders only when the learner asked for them: pull, not push.
    reminder = models.CharField(
        _("reminders"), max_length=20, choices=Reminder.choices, default="", blank=True
    )
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    target_date = models.DateField(_("I want to finish by"), null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["person", "path"], name="enrolment_unique")]
        indexes = [
            models.Index(fields=["status", "next_reminder_at"]),
            models.Index(fields=["path", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.path_id} ({self.status})"


class Invitation(models.Model):
    """A coach or manager suggests a path, with a reason the person can read."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    path = models.ForeignKey(Path, models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="path_invitations"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.TextField(_("why"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["path", "person"], condition=Q(status="open"), name="invitation_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invited_by_id} → {self.person_id}: {self.path_id}"


class Completion(models.Model):
    """An xAPI statement saying `person` completed `activity_iri` (an index of the LRS).

    Kept in step with the LRS by a receiver of `statements_recorded` (voiding removes the
    row); `leerpad paths rebuild-progress` rebuilds it from the statements.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    activity_iri = models.CharField(max_length=2048)
    statement_id = models.UUIDField(unique=True)
    verb_iri = models.CharField(max_length=300)
    success = models.BooleanField(null=True)
    score_scaled = models.FloatField(null=True)
    completed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "activity_iri"])]

    def __str__(self) -> str:
        return f"{self.person_id} ✓ {self.activity_iri}"


class SignOff(models.Model):
    """An on-the-job assignment (or attendance at a session) a learner asks a coach to sign off."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for sign-off")
        SIGNED = "signed", _("Signed off")
        RETURNED = "returned", _("Sent back")

    enrolment = models.ForeignKey(Enrolment, models.CASCADE, related_name="signoffs")
    step_uid = models.UUIDField()
    note = models.TextField(_("what I did"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    coach_comment = models.TextField(_("coach's comment"), max_length=2000, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "step_uid"],
                condition=Q(status="requested"),
                name="signoff_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.step_uid}: {self.status}"


class Certificate(models.Model):
    """Issued once per completed enrolment; the public badge page verifies it by `uid`."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(Enrolment, models.CASCADE, related_name="certificate")
    # Snapshots: a certificate says what was true when it was issued.
    person_name = models.CharField(max_length=300)
    path_title = models.CharField(max_length=300)
    version_number = models.PositiveIntegerField()
    skills = models.JSONField(default=list)  # [{"key", "names", "level"}]
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.person_name}: {self.path_title}"

    def get_absolute_url(self) -> str:
        return reverse("paths:badge", args=[self.uid])
