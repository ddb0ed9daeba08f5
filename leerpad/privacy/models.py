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
