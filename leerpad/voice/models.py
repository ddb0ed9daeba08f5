"""Safe voice: spaces, anonymous questions, themes and pulse surveys.

Anonymity is built into the tables, not promised by the views: `Question`, `Ballot` and
`ResponseSlot` have no link to a person (no foreign key, no author, no IP, no time of day)
and a random UUID primary key. See docs/voice.md for the threat model.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_STATEMENTS = 5
SCALE = (1, 2, 3, 4, 5)


class Space(models.Model):
    """Where voice happens: a team, a location or an initiative, with its audience."""

    class Audience(models.TextChoices):
        TEAM = "team", _("the members of a team")
        LOCATION = "location", _("the people of a location")
        LIST = "list", _("a chosen list of people")

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.TEAM
    )
    team = models.ForeignKey(
        "accounts.Team",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    location = models.ForeignKey(
        "accounts.Location",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_on = models.DateField(_("created on"))

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("voice space")
        verbose_name_plural = _("voice spaces")

    def __str__(self) -> str:
        return self.title


class Facilitator(models.Model):
    """A person who moderates a space; may be someone outside the LD&M team."""

    space = models.ForeignKey(
        Space, models.CASCADE, related_name="facilitators", verbose_name=_("space")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("person")
    )

    class Meta:
        ordering = ["space", "person"]
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        constraints = [
            models.UniqueConstraint(fields=["space", "person"], name="voice_facilitator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.space}"


class Member(models.Model):
    """One person on a space's chosen audience list (spaces with audience "list")."""

    space = models.ForeignKey(
        Space, models.CASCADE, related_name="members", verbose_name=_("space")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("person")
    )

    class Meta:
        ordering = ["space", "person"]
        verbose_name = _("audience member")
        verbose_name_plural = _("audience members")
        constraints = [
            models.UniqueConstraint(fields=["space", "person"], name="voice_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.space}"


class Theme(models.Model):
    """Questions grouped by the facilitator, answered together."""

    space = models.ForeignKey(Space, models.CASCADE, related_name="themes", verbose_name=_("space"))
    title = models.CharField(_("title"), max_length=160)
    answer = models.TextField(_("answer"), blank=True, max_length=5000)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """An anonymous question, concern or idea. Deliberately no author, no IP, no time of
    day: only the date it was asked. Rows of one day are rewritten in random order at
    every new question (see `services.ask`), so row order inside a day says nothing."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("question")
        CONCERN = "concern", _("concern")
        IDEA = "idea", _("idea")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    space = models.ForeignKey(
        Space, models.CASCADE, related_name="questions", verbose_name=_("space")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField(_("text"), max_length=2000)
    asked_on = models.DateField(_("asked on"))
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    theme = models.ForeignKey(
        Theme,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("theme"),
    )
    answer = models.TextField(_("answer"), blank=True, max_length=5000)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        # By date, then by the random id: never by the order in which they were stored.
        ordering = ["-asked_on", "id"]
        verbose_name = _("anonymous question")
        verbose_name_plural = _("anonymous questions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.asked_on})"


class Pulse(models.Model):
    """A short survey: 1 to 5 statements rated 1 to 5, and an optional open question."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    space = models.ForeignKey(Space, models.CASCADE, related_name="pulses", verbose_name=_("space"))
    title = models.CharField(_("title"), max_length=160)
    open_question = models.CharField(_("open question"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closes_on = models.DateField(
        _("closes on"),
        null=True,
        blank=True,
        help_text=_("Optional: the last day people can answer."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set when the audience got the reminder before `closes_on` (`services.send_reminders`):
    # the claim that makes the reminder go out once, however often the scheduler runs.
    reminder_sent_on = models.DateField(_("reminder sent on"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("pulse survey")
        verbose_name_plural = _("pulse surveys")

    def __str__(self) -> str:
        return self.title


class Statement(models.Model):
    pulse = models.ForeignKey(
        Pulse, models.CASCADE, related_name="statements", verbose_name=_("pulse survey")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("statement"), max_length=300)

    class Meta:
        ordering = ["pulse", "position"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["pulse", "position"], name="voice_statement_position")
        ]

    def __str__(self) -> str:
        return self.text


class Ballot(models.Model):
    """The right of one audience member to answer a pulse once. Holds only
    sha256(token), token = HMAC(SECRET_KEY, pulse id, person id): without SECRET_KEY the
    database cannot tell whose ballot this is. Created in shuffled order; adding a late
    joiner rewrites the pulse's ballots in a new shuffled order (`services._add_ballots`),
    so the newest row is not theirs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pulse = models.ForeignKey(Pulse, models.CASCADE, related_name="+", verbose_name=_("pulse"))
    token_hash = models.CharField(max_length=64, unique=True)
    spent = models.BooleanField(_("spent"), default=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)


class ResponseSlot(models.Model):
    """One pre-created answer place. A vote fills a randomly chosen empty slot; slots carry
    no date and no link to a ballot or a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pulse = models.ForeignKey(Pulse, models.CASCADE, related_name="+", verbose_name=_("pulse"))
    filled = models.BooleanField(_("filled"), default=False)
    r1 = models.PositiveSmallIntegerField(null=True, blank=True)
    r2 = models.PositiveSmallIntegerField(null=True, blank=True)
    r3 = models.PositiveSmallIntegerField(null=True, blank=True)
    r4 = models.PositiveSmallIntegerField(null=True, blank=True)
    r5 = models.PositiveSmallIntegerField(null=True, blank=True)
    open_answer = models.TextField(_("open answer"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("response slot")
        verbose_name_plural = _("response slots")

    def __str__(self) -> str:
        return str(self.id)


RATING_FIELDS = ("r1", "r2", "r3", "r4", "r5")
