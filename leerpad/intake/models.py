"""Business requests to the LD&M team and what becomes of them.

A request is submitted by anyone, scored by the team (value, urgency, risk reduction,
effort), planned against the team's free capacity per quarter and ends in a decision:
accepted (a project with an owner and milestones), parked (comes back on its revisit
date) or declined. Every step is an `Event`, so the requester sees a timeline.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]


class Weights(models.Model):
    """The team's weights of the WSJF-style score: one row (pk=1), see `Weights.current`."""

    value = models.DecimalField(
        _("weight of business value"), max_digits=4, decimal_places=1, default=Decimal(1)
    )
    urgency = models.DecimalField(
        _("weight of urgency"), max_digits=4, decimal_places=1, default=Decimal(1)
    )
    risk = models.DecimalField(
        _("weight of risk reduction"), max_digits=4, decimal_places=1, default=Decimal(1)
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("scoring weights")
        verbose_name_plural = _("scoring weights")

    def __str__(self) -> str:
        return f"{self.value}/{self.urgency}/{self.risk}"

    @classmethod
    def current(cls) -> Weights:
        found, _created = cls.objects.get_or_create(pk=1)
        return found


class Request(models.Model):
    """What someone in the business asks of the LD&M team."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SCORED = "scored", _("Scored")
        ACCEPTED = "accepted", _("Accepted")
        PARKED = "parked", _("Parked")
        REVIEW = "review", _("To review again")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DONE = "done", _("Done")

    class Pin(models.TextChoices):
        NONE = "", _("No pin")
        IN = "in", _("Pinned in")
        OUT = "out", _("Pinned out")

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"), max_length=4000)
    audience = models.TextField(_("audience"), max_length=1000)
    locations = models.ManyToManyField(
        "accounts.Location", blank=True, related_name="+", verbose_name=_("locations")
    )
    job_roles = models.ManyToManyField(
        "accounts.JobRole", blank=True, related_name="+", verbose_name=_("job roles")
    )
    outcome = models.TextField(_("desired outcome"), max_length=2000)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sponsor"),
    )
    sponsor_name = models.CharField(_("sponsor (name)"), max_length=200, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_requests",
        verbose_name=_("requester"),
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    # The team's score; all four are set together (see services.score).
    value = models.PositiveSmallIntegerField(
        _("business value"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    risk = models.PositiveSmallIntegerField(
        _("risk reduction"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    effort_days = models.DecimalField(
        _("effort (person-days)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    pin = models.CharField(_("plan pin"), max_length=3, choices=Pin.choices, blank=True)
    revisit_on = models.DateField(_("revisit on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [models.Index(fields=["status", "revisit_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("intake:request", args=[self.pk])

    @property
    def is_scored(self) -> bool:
        return None not in (self.value, self.urgency, self.risk, self.effort_days)

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    @property
    def sponsor_label(self) -> str:
        return str(self.sponsor) if self.sponsor else self.sponsor_name


DECIDED = frozenset(
    {
        Request.Status.ACCEPTED,
        Request.Status.PARKED,
        Request.Status.DECLINED,
        Request.Status.WITHDRAWN,
        Request.Status.DONE,
    }
)
# Requests the portfolio plan chooses from.
PLANNABLE = frozenset({Request.Status.SCORED, Request.Status.REVIEW})


class Event(models.Model):
    """One step in a request's life, shown as its timeline; decisions keep who and why."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        ACCEPTED = "accepted", _("Accepted")
        PARKED = "parked", _("Parked")
        DECLINED = "declined", _("Declined")
        REVISIT = "revisit", _("Back for review")
        REOPENED = "reopened", _("Reopened")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DONE = "done", _("Done")

    request = models.ForeignKey(
        Request, models.CASCADE, related_name="events", verbose_name=_("request")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("reason or note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class Capacity(models.Model):
    """The team's days for new work in a quarter: people times days per person."""

    quarter = models.CharField(_("quarter"), max_length=7, unique=True)
    people = models.DecimalField(_("people"), max_digits=5, decimal_places=1)
    days_per_person = models.DecimalField(
        _("days per person for new work"), max_digits=5, decimal_places=1
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["quarter"]
        verbose_name = _("quarter capacity")
        verbose_name_plural = _("quarter capacities")

    def __str__(self) -> str:
        return self.quarter

    @property
    def gross_days(self) -> Decimal:
        return self.people * self.days_per_person


class Project(models.Model):
    """An accepted request, run by its owner in a target quarter."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DONE = "done", _("Done")

    request = models.OneToOneField(
        Request, models.CASCADE, related_name="project", verbose_name=_("request")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_projects",
        verbose_name=_("owner"),
    )
    quarter = models.CharField(_("target quarter"), max_length=7)
    effort_days = models.DecimalField(_("effort (person-days)"), max_digits=6, decimal_places=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The initiative that takes the project through its stakeholders, SWOT and brief. The
    # link lives here so that initiatives never depend on intake; the initiative reaches
    # back through the reverse accessor `initiative.project`.
    initiative = models.OneToOneField(
        "initiatives.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="project",
        verbose_name=_("initiative"),
    )

    class Meta:
        ordering = ["quarter", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.request.title

    def get_absolute_url(self) -> str:
        return reverse("intake:project", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.done_at is not None
