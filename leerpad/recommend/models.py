"""What the recommender learns from people directly: "not for me"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dismissal(models.Model):
    """A person said a suggested item or path is not for them; it is not suggested again,
    and items like it rank lower for them."""

    class Reason(models.TextChoices):
        NOT_RELEVANT = "not_relevant", _("Not relevant for me")
        KNOW_IT = "know_it", _("I know this already")
        NOT_NOW = "not_now", _("Not now")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "catalog.ContentItem", models.CASCADE, null=True, blank=True, related_name="+"
    )
    path = models.ForeignKey("paths.Path", models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, default=Reason.NOT_RELEVANT
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "item"], name="dismissal_item_unique"),
            models.UniqueConstraint(fields=["person", "path"], name="dismissal_path_unique"),
            models.CheckConstraint(
                condition=models.Q(item__isnull=False) | models.Q(path__isnull=False),
                name="dismissal_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ✗ {self.item_id or self.path_id}"
