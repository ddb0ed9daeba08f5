"""Initiatives the LD&M team runs, and the team's annual plans.

An initiative carries its stakeholder map (who, how much influence and interest, how much
buy-in), the consultation plan (the stakeholders in the order they are consulted) and the
log of each consultation, a SWOT board with votes, a pros/cons list and the story of the
one-page brief. Annual plans (one L&D, one marketing per year) hold entries on a month
timeline, so the two can be laid side by side (`planning.overlaps`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
ONE_TO_THREE = [MinValueValidator(1), MaxValueValidator(3)]
MONTH = [MinValueValidator(1), MaxValueValidator(12)]


class Initiative(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        CONSULTING = "consulting", _("Consulting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="owned_initiatives",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    path = models.ForeignKey(
        "paths.Path",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("learning path"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="initiatives",
        verbose_name=_("team members"),
    )
    # The brief's story, per language ({"nl": ..., "fr": ..., "en": ...}; see core.texts).
    story_why = models.JSONField(_("why"), default=dict, blank=True)
    story_for_whom = models.JSONField(_("for whom"), default=dict, blank=True)
    story_changes = models.JSONField(_("what changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])


class BuyIn(models.TextChoices):
    # Ordered from no support to the most; `BUY_IN_RANK` gives the order.
    UNKNOWN = "unknown", _("Unknown")
    OPPOSED = "opposed", _("Opposed")
    HESITANT = "hesitant", _("Hesitant")
    NEUTRAL = "neutral", _("Neutral")
    SUPPORTIVE = "supportive", _("Supportive")
    CHAMPION = "champion", _("Champion")


# How much support each status means, for the suggested consultation order: unknown
# counts as no support at all ("silence is not consent").
BUY_IN_RANK = {
    BuyIn.UNKNOWN: 0,
    BuyIn.OPPOSED: 0,
    BuyIn.HESITANT: 1,
    BuyIn.NEUTRAL: 2,
    BuyIn.SUPPORTIVE: 3,
    BuyIn.CHAMPION: 4,
}


class Stakeholder(models.Model):
    """Someone whose support the initiative needs: a person of Leerpad, or a free name and
    function (a works council, a franchise owner). Also a place in the consultation plan."""

    initiative = models.ForeignKey(
        Initiative, models.CASCADE, related_name="stakeholders", verbose_name=_("initiative")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    function = models.CharField(_("function"), max_length=150, blank=True)
    influence = models.PositiveSmallIntegerField(_("influence"), validators=ONE_TO_FIVE)
    interest = models.PositiveSmallIntegerField(_("interest"), validators=ONE_TO_FIVE)
    buy_in = models.CharField(
        _("buy-in"), max_length=20, choices=BuyIn.choices, default=BuyIn.UNKNOWN
    )
    # The consultation plan: lower goes first; the owner reorders.
    position = models.PositiveIntegerField(_("order"), default=0)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person_id is not None and self.person is not None:
            return str(self.person)
        return self.name


class Consultation(models.Model):
    """One conversation with a stakeholder. The buy-in before and after are kept, so the
    log is the history of the stakeholder's buy-in."""

    stakeholder = models.ForeignKey(
        Stakeholder, models.CASCADE, related_name="consultations", verbose_name=_("stakeholder")
    )
    held_on = models.DateField(_("date"))
    said = models.TextField(_("what was said"))
    concerns = models.TextField(_("concerns"), blank=True)
    next_step = models.CharField(_("agreed next step"), max_length=200, blank=True)
    buy_in_before = models.CharField(_("buy-in before"), max_length=20, choices=BuyIn.choices)
    buy_in_after = models.CharField(_("buy-in after"), max_length=20, choices=BuyIn.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.stakeholder} {self.held_on}"


class SwotCard(models.Model):
    class Quadrant(models.TextChoices):
        STRENGTH = "strength", _("Strengths")
        WEAKNESS = "weakness", _("Weaknesses")
        OPPORTUNITY = "opportunity", _("Opportunities")
        THREAT = "threat", _("Threats")

    initiative = models.ForeignKey(
        Initiative, models.CASCADE, related_name="swot_cards", verbose_name=_("initiative")
    )
    quadrant = models.CharField(_("quadrant"), max_length=20, choices=Quadrant.choices)
    text = models.CharField(_("text"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("SWOT card")
        verbose_name_plural = _("SWOT cards")

    def __str__(self) -> str:
        return self.text


class SwotVote(models.Model):
    """A +1 on a card: one per person and card."""

    card = models.ForeignKey(SwotCard, models.CASCADE, related_name="votes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["card", "person"], name="swot_vote_once"),
        ]

    def __str__(self) -> str:
        return f"+1 {self.card_id}"


class ProCon(models.Model):
    class Side(models.TextChoices):
        PRO = "pro", _("Pro")
        CON = "con", _("Con")

    initiative = models.ForeignKey(
        Initiative, models.CASCADE, related_name="pros_cons", verbose_name=_("initiative")
    )
    side = models.CharField(_("side"), max_length=3, choices=Side.choices)
    text = models.CharField(_("text"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=ONE_TO_THREE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-weight", "created_at", "id"]
        verbose_name = _("pro or con")
        verbose_name_plural = _("pros and cons")

    def __str__(self) -> str:
        return self.text


class AnnualPlan(models.Model):
    class Kind(models.TextChoices):
        LD = "ld", _("L&D")
        MARKETING = "marketing", _("Marketing")

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="annual_plans",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="annual_plan_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class PlanEntry(models.Model):
    """One goal of an annual plan, for an audience, over a span of months. No job roles
    and no locations means everyone."""

    plan = models.ForeignKey(
        AnnualPlan, models.CASCADE, related_name="entries", verbose_name=_("plan")
    )
    goal = models.CharField(_("goal"), max_length=200)
    job_roles = models.ManyToManyField(
        "accounts.JobRole", blank=True, related_name="+", verbose_name=_("job roles")
    )
    locations = models.ManyToManyField(
        "accounts.Location", blank=True, related_name="+", verbose_name=_("locations")
    )
    audience_note = models.CharField(_("audience, in words"), max_length=200, blank=True)
    assets = models.TextField(_("assets"), blank=True)
    start_month = models.PositiveSmallIntegerField(_("start month"), validators=MONTH)
    end_month = models.PositiveSmallIntegerField(_("end month"), validators=MONTH)

    class Meta:
        ordering = ["start_month", "end_month", "id"]
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_month__gte=models.F("start_month")),
                name="plan_entry_months_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.goal
