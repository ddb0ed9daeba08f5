"""The access log: every time someone looked at one other person's data, and why."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Short codes for "what was looked at". Other apps may use their own code (a short slug);
# the known ones get a translated label on the pages.
WHAT_LABELS = {
    "learning_record": _("learning record"),
    "path_progress": _("path progress"),
    "quiz_answers": _("quiz answers"),
    "skills": _("skills and evidence"),
    "recommendations": _("recommendations"),
    "profile": _("profile"),
    # What a coach sees on the coachee page the person agreed to (CoachConsent).
    "coach_view": _("path progress and learning record (coach)"),
}

REASON_MIN_LENGTH = 10


class AccessRecord(models.Model):
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("viewer"),
    )
    # The viewer's name as it was: the record keeps saying who looked after their account goes.
    viewer_name = models.CharField(_("viewer name"), max_length=300)
    # Records about a person are personal data about them: erasing the person erases these.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("whose data"),
    )
    what = models.CharField(_("what"), max_length=40)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects: ClassVar[models.Manager[AccessRecord]] = models.Manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        indexes = [models.Index(fields=["subject", "-at"]), models.Index(fields=["-at"])]

    def __str__(self) -> str:
        return f"{self.viewer_name} → {self.subject} ({self.what}, {self.at:%Y-%m-%d %H:%M})"

    @property
    def what_label(self) -> str:
        return str(WHAT_LABELS.get(self.what, self.what))


class CoachConsent(models.Model):
    """A person's agreement that their coach may see their path progress and learning record.

    One row per time they agreed; withdrawing stamps `withdrawn_at` and keeps the row, so
    the history (when sharing was on) stays readable for the person and for an audit. At
    most one row per person is open (not withdrawn): that is the consent in force.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects: ClassVar[models.Manager[CoachConsent]] = models.Manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("coach consent")
        verbose_name_plural = _("coach consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="privacy_one_open_coach_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.given_at:%Y-%m-%d} to {self.withdrawn_at or '…'}"


class ExportRecord(models.Model):
    """One pseudonymous CSV export of the analytics events: who, when, which period, rows."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    by_name = models.CharField(_("exported by"), max_length=300)
    at = models.DateTimeField(_("when"), default=timezone.now)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    columns = models.JSONField(_("columns"), default=list)
    # None until the download finished: a stopped download leaves the record, without rows.
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    objects: ClassVar[models.Manager[ExportRecord]] = models.Manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self) -> str:
        return f"{self.by_name} {self.start}..{self.end} ({self.rows})"


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("delete them")
    ANONYMISE = "anonymise", _("make them anonymous")


class RetentionPolicy(models.Model):
    """How long statements are kept (one row: `RetentionPolicy.current()`)."""

    months = models.PositiveSmallIntegerField(
        _("keep statements for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: keep them for as long as the person has an account."),
    )
    action = models.CharField(
        _("then"),
        max_length=20,
        choices=RetentionAction.choices,
        default=RetentionAction.ANONYMISE,
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by_name = models.CharField(_("changed by"), max_length=300, blank=True)

    objects: ClassVar[models.Manager[RetentionPolicy]] = models.Manager()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policy")

    def __str__(self) -> str:
        return f"{self.months or '∞'} months, then {self.action}"

    @classmethod
    def current(cls) -> RetentionPolicy:
        """The policy (the first row; an unsaved "keep for ever" when none was set)."""
        return cls.objects.order_by("pk").first() or cls()


class RetentionRun(models.Model):
    """One application of the retention policy: kept as the record that it ran."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"))
    action = models.CharField(_("action"), max_length=20, choices=RetentionAction.choices)
    cutoff = models.DateTimeField(_("statements recorded before"))
    statements = models.PositiveIntegerField(_("statements"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The analytics store still holds the old rows until this is cleared (store.py).
    store_pending = models.BooleanField(_("analytics store still to update"), default=False)

    objects: ClassVar[models.Manager[RetentionRun]] = models.Manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d} {self.action} {self.statements}"


class ErasureRequester(models.TextChoices):
    # Who asked, as a category: free text here would end up holding the person's name.
    PERSON = "person", _("the person themselves")
    HR = "hr", _("HR, on their behalf")
    DPO = "dpo", _("the data protection officer")
    OTHER = "other", _("someone else, with a mandate")


class ErasureRecord(models.Model):
    """That a person's data was erased (GDPR Art. 17), without saying who they were.

    `reference` is a keyed hash of the person's id (`services.erasure_reference`): whoever
    holds the id (an old backup, a support ticket) can check that the erasure was done,
    while the record alone names no one.
    """

    at = models.DateTimeField(_("erased at"), default=timezone.now)
    requested_by = models.CharField(_("asked by"), max_length=20, choices=ErasureRequester.choices)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    done_by_name = models.CharField(_("erased by"), max_length=300)
    reference = models.CharField(_("reference"), max_length=32, db_index=True)
    counts = models.JSONField(_("what was erased"), default=dict)
    # The analytics store is erased after the commit; until that worked, the periodic task
    # retries with these keys (pseudonymous: hashes of the person's old identifiers).
    store_pending = models.BooleanField(_("analytics store still to erase"), default=True)
    store_person_id = models.PositiveBigIntegerField(null=True, blank=True)
    store_actor_keys = models.JSONField(default=list, blank=True)
    # Statements naming the person other than as actor were anonymised: the store's copies
    # of them must be exported again.
    store_refresh = models.BooleanField(default=False)

    objects: ClassVar[models.Manager[ErasureRecord]] = models.Manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")

    def __str__(self) -> str:
        return f"{self.reference} {self.at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return sum(
            n
            for section in self.counts.values()
            if isinstance(section, dict)
            for n in section.values()
            if isinstance(n, int)
        )
