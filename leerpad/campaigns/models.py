"""Learning marketing: segments (who), and later campaigns, messages and experiments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _no_rules() -> dict[str, object]:
    return {"match": "all", "rules": []}


class Segment(models.Model):
    """A saved audience: rules over people and their learning, evaluated when used.

    `rules` holds the JSON of `campaigns.rules.RuleSet` (validated by `services`); the
    members are never stored, so a segment stays current.
    """

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    rules = models.JSONField(_("rules"), default=_no_rules)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:segment_edit", args=[self.pk])


# --- Campaigns and delivery (issue 7) -----------------------------------------------------

LANGUAGES = ("nl", "fr", "en")
# The language a message falls back to when the recipient's is missing (see `personalise`).
FALLBACK_LANGUAGES = ("en", "nl", "fr")
# The parts of a message in every language: hook (the opening line), story, ask (the
# call to action, the link's text) and, for e-mail, the subject.
MESSAGE_PARTS = ("subject", "hook", "story", "ask")


def _empty_texts() -> dict[str, dict[str, str]]:
    return {}


class Campaign(models.Model):
    """What the LD&M team wants people to do (the goal), who (the segment), when (the
    schedule) and what it says (its messages, one per channel).

    Later rounds add variants: a `Variant` will point to Messages of its campaign, so a
    message is always addressed as (campaign, message) and never by channel alone.
    """

    class Goal(models.TextChoices):
        VISIT = "visit", _("Visit Leerpad")
        ENROL = "enrol", _("Enrol in a path")
        COMPLETE_STEP = "complete_step", _("Complete a step of a path")
        REGISTER = "register", _("Register for a session")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Schedule(models.TextChoices):
        ONCE = "once", _("Once, at a date and time")
        WEEKLY = "weekly", _("Every week, on a weekday and hour")
        TRIGGERED = "triggered", _("When something happens to a person")

    class Trigger(models.TextChoices):
        NEW_HIRE = "new_hire", _("New hire: joined less than N days ago")
        STALLED = "stalled", _("Stalled: no progress in the goal's path for N days")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    goal = models.CharField(_("goal"), max_length=20, choices=Goal.choices, default=Goal.VISIT)
    goal_path = models.ForeignKey(
        "paths.Path",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("path"),
    )
    # A step is named by its uid, which stays the same across the path's versions.
    goal_step_uid = models.UUIDField(_("step"), null=True, blank=True)
    goal_session = models.ForeignKey(
        "catalog.Session",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    segment = models.ForeignKey(
        Segment, models.PROTECT, related_name="campaigns", verbose_name=_("segment")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    schedule = models.CharField(
        _("schedule"), max_length=20, choices=Schedule.choices, default=Schedule.ONCE
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    hour = models.PositiveSmallIntegerField(_("hour"), null=True, blank=True)
    trigger = models.CharField(
        _("trigger"), max_length=20, choices=Trigger.choices, blank=True, default=""
    )
    trigger_days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    """What a campaign says on one channel, in every language.

    `texts` is {"nl": {"subject", "hook", "story", "ask"}, "fr": {...}, "en": {...}} like
    the paths' `titles`; `link` is the Leerpad page the ask leads to (a path on this
    site, e.g. "/paths/welkom/"; empty: the goal's own page).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")
        IN_APP = "in_app", _("In Leerpad")

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="messages", verbose_name=_("campaign")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    texts = models.JSONField(_("texts"), default=_empty_texts)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # In-app messages only: show as a banner on top of the Learn home, not only in the list.
    banner = models.BooleanField(_("show as a banner"), default=False)

    class Meta:
        ordering = ["campaign", "channel", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.channel}"


def _new_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Preference(models.Model):
    """How a person wants to be reached: channels they opted out of, quiet hours, their
    time zone. Created on first need, with every channel open."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="campaign_preference",
        verbose_name=_("person"),
    )
    opted_out = models.JSONField(_("channels opted out of"), default=list)
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=_new_token)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")

    def __str__(self) -> str:
        return f"{self.person_id}"

    def zone_name(self) -> str:
        return self.time_zone or settings.TIME_ZONE


class Delivery(models.Model):
    """One message to one person for one occurrence of a campaign: the outbox row.

    The unique (campaign, message, person, occurrence) makes planning idempotent; the
    status moves queued → sending → sent (or back to queued with a later attempt, or
    failed after the last); `skipped` rows record who the respect rules left out, and why.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Reason(models.TextChoices):
        NONE = "", "-"
        OPTED_OUT = "opted_out", _("Opted out of the channel")
        CAPPED = "capped", _("Reached the weekly message limit")
        GOAL_REACHED = "goal_reached", _("Already reached the goal")
        NO_ADDRESS = "no_address", _("No address for the channel")
        CANCELLED = "cancelled", _("Campaign cancelled")
        INACTIVE = "inactive", _("Account no longer active")
        # The experiment's hold-out group: counted in the results, never sent anything.
        HOLDOUT = "holdout", _("Hold-out group of the experiment")

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="deliveries", verbose_name=_("campaign")
    )
    message = models.ForeignKey(
        Message, models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("person")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Message.Channel.choices)
    # Which send of the campaign: "once", the ISO week of a weekly send ("2026-W48"), or
    # "trigger" (a triggered campaign reaches each person once).
    occurrence = models.CharField(_("occurrence"), max_length=20)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, blank=True, default=""
    )
    language = models.CharField(_("language"), max_length=5, blank=True)
    scheduled_for = models.DateTimeField(_("planned for"))
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The attempt that holds the row while it is `sending`; a mark from another attempt
    # does not apply.
    attempt_id = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("first click"), null=True, blank=True)
    payload = models.JSONField(_("what was sent"), default=dict, blank=True)
    # The experiment arm the person was assigned to ("A", "B", ... or HOLDOUT_KEY); the
    # assignment itself is computed (campaigns.experiments), this copy lets reports group.
    variant = models.CharField(_("variant"), max_length=12, blank=True, default="")
    # Where the person worked and in which job role when the row was planned: the report
    # "what works for whom" groups by these, so someone who moves later still counts for
    # the place the message reached them. Planning copies them from the person; rows from
    # before this snapshot existed were filled from the person's values at migration time.
    location = models.ForeignKey(
        "accounts.Location",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location when planned"),
    )
    job_role = models.ForeignKey(
        "accounts.JobRole",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job role when planned"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["scheduled_for", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "message", "person", "occurrence"],
                name="delivery_idempotency_key",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["person", "scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.message_id}/{self.person_id}/{self.occurrence}"


class Notification(models.Model):
    """A message in Leerpad itself: the list behind "Notifications", or a banner."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    # One notification per delivery: a retried in-app delivery finds it instead of adding one.
    delivery = models.OneToOneField(
        Delivery, models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    link_text = models.CharField(_("link text"), max_length=200, blank=True)
    banner = models.BooleanField(_("banner"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["person", "read_at"])]

    def __str__(self) -> str:
        return self.title


# --- Experiments (issue 7) -----------------------------------------------------------------

HOLDOUT_KEY = "holdout"


class Experiment(models.Model):
    """An A/B/n test of one part of a campaign's messages, judged on a learning outcome.

    People are not stored per arm: `campaigns.experiments.assign` computes the arm from a
    hash of the experiment and the person, and planning copies it onto `Delivery.variant`.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RUNNING = "running", _("Running")
        STOPPED = "stopped", _("Stopped")

    class Varies(models.TextChoices):
        SUBJECT = "subject", _("Subject")
        HOOK = "hook", _("Connecting text (hook)")
        STORY = "story", _("Story")
        ASK = "ask", _("Call to action")
        CHANNEL = "channel", _("Channel")
        SEND_TIME = "send_time", _("Send time")

    class Metric(models.TextChoices):
        VISITED = "visited", _("Visited Leerpad")
        ENROLLED = "enrolled", _("Enrolled in the path")
        COMPLETED_STEP = "completed_step", _("Completed the step")
        COMPLETED_PATH = "completed_path", _("Completed the path")
        CLICKED = "clicked", _("Clicked the link")

    class Mode(models.TextChoices):
        SEQUENTIAL = "sequential", _("Look every day (always valid)")
        FIXED = "fixed", _("Read once at the planned size")

    campaign = models.OneToOneField(
        Campaign, models.CASCADE, related_name="experiment", verbose_name=_("campaign")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    varies = models.CharField(
        _("what varies"), max_length=20, choices=Varies.choices, default=Varies.HOOK
    )
    metric = models.CharField(
        _("metric"), max_length=20, choices=Metric.choices, default=Metric.VISITED
    )
    window_days = models.PositiveSmallIntegerField(_("window in days"), default=14)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.SEQUENTIAL)
    # The plan made before launch (power.plan over the segment's size).
    planned_per_arm = models.PositiveIntegerField(
        _("planned people per variant"), null=True, blank=True
    )
    mde = models.FloatField(_("minimum detectable effect"), null=True, blank=True)
    holdout_percent = models.PositiveSmallIntegerField(_("hold-out group (%)"), default=0)
    bandit = models.BooleanField(_("bandit mode"), default=False)
    bandit_floor = models.FloatField(_("minimum share per variant"), default=0.05)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self) -> str:
        return f"{self.campaign_id}"


def _empty_overrides() -> dict[str, str]:
    return {}


class Variant(models.Model):
    """One arm: the campaign's messages with one part replaced.

    The campaign's Message rows stay as they are (one per channel); a variant only holds
    what differs: `texts` ({language: text}) for the varied part, `channels` (a subset of
    the campaign's channels) or `delay_hours` (a later send). The first variant (key "A")
    is the control and normally overrides nothing.
    """

    experiment = models.ForeignKey(
        Experiment, models.CASCADE, related_name="variants", verbose_name=_("experiment")
    )
    key = models.CharField(_("key"), max_length=2)
    name = models.CharField(_("name"), max_length=120, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    texts = models.JSONField(_("varied text per language"), default=_empty_overrides, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    delay_hours = models.PositiveSmallIntegerField(_("send later by (hours)"), default=0)

    class Meta:
        ordering = ["experiment", "key"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="variant_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class BanditRun(models.Model):
    """The history of bandit mode: the weights set on one day, and the counts behind them."""

    experiment = models.ForeignKey(
        Experiment, models.CASCADE, related_name="bandit_runs", verbose_name=_("experiment")
    )
    ran_on = models.DateField(_("day"))
    weights = models.JSONField(_("weights"), default=dict)
    chance_best = models.JSONField(_("chance to be best"), default=dict)
    counts = models.JSONField(_("people and outcomes"), default=dict)
    reweighted = models.BooleanField(_("reweighted"), default=False)

    class Meta:
        ordering = ["-ran_on", "-id"]
        verbose_name = _("bandit run")
        verbose_name_plural = _("bandit runs")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "ran_on"], name="bandit_run_daily")
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}/{self.ran_on}"


class ExperimentLook(models.Model):
    """One daily look of a sequential experiment: the state the always-valid test carries.

    The mixture SPRT's p-value is the smallest over all looks so far, and its interval the
    intersection of every look's; storing each day's state is what makes a verdict reached
    on Tuesday stay reached on Wednesday, as the method promises.
    """

    experiment = models.ForeignKey(
        Experiment, models.CASCADE, related_name="looks", verbose_name=_("experiment")
    )
    day = models.DateField(_("day"))
    # {variant key: {"looks", "min_p_value", "low", "high"}}; an open bound is null.
    states = models.JSONField(_("sequential state"), default=dict)
    # {arm key: [people, outcomes]} behind the look, for the page's history table.
    counts = models.JSONField(_("people and outcomes"), default=dict)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("experiment look")
        verbose_name_plural = _("experiment looks")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "day"], name="experiment_look_daily")
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}/{self.day}"


# --- The message library (issue 7, "templates with storytelling") ------------------------

ANY_CHANNEL = "any"


def _no_tags() -> list[str]:
    return []


class MessageTemplate(models.Model):
    """A reusable message: hook, story and ask (and a subject) per language, in the same
    JSON shape as `Message.texts`, so filling a campaign message from it is a plain copy.

    Not linked to the campaigns that used it: a campaign keeps its own copy of the texts
    (editing a template must never change a message already sent); `times_used` counts
    the campaign messages saved from it.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    purpose = models.TextField(_("purpose and notes"), max_length=1000, blank=True)
    channel = models.CharField(
        _("channel"),
        max_length=20,
        choices=[(ANY_CHANNEL, _("Any channel")), *Message.Channel.choices],
        default=ANY_CHANNEL,
    )
    tags = models.JSONField(_("tags"), default=_no_tags, blank=True)
    texts = models.JSONField(_("texts"), default=_empty_texts)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    times_used = models.PositiveIntegerField(_("times used"), default=0)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:library_detail", args=[self.pk])
