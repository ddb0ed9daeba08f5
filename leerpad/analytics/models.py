"""What L&D decided about the analytics' suggestions (the analytics store itself is Parquet
files or ClickHouse, not Django models; see `store/`).

`AcceptedSuggestion` records that a suggestion made from a path version's funnel was
accepted (and which draft version it produced) or dismissed (it is not offered again for
that version). The funnel page reads it to say "version 3 came from this suggestion" and to
compare the version it came from with the one it produced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AcceptedSuggestion(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    path = models.ForeignKey(
        "paths.Path", models.CASCADE, related_name="suggestions", verbose_name=_("path")
    )
    from_version = models.ForeignKey(
        "paths.PathVersion",
        models.CASCADE,
        related_name="suggestions_made",
        verbose_name=_("made from version"),
    )
    # The draft the change went into; None for a dismissal, or when the draft was discarded.
    draft_version = models.ForeignKey(
        "paths.PathVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions_applied",
        verbose_name=_("new version"),
    )
    # Which suggestion: its kind and steps (`suggestions.Suggestion.key`), stable for a
    # version so that a dismissal keeps hiding it when the figures move.
    key = models.CharField(_("suggestion"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The figures and text as L&D saw them when deciding (they change as learners go on).
    evidence = models.JSONField(_("evidence"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("path suggestion decision")
        verbose_name_plural = _("path suggestion decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["from_version", "key"], name="analytics_suggestion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path_id} v{self.from_version_id}: {self.key} ({self.status})"
