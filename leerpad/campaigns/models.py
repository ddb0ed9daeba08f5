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
