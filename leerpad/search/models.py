"""What L&D tunes the search with: synonym groups across nl, fr and en."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SynonymGroup(models.Model):
    """Words that mean the same for finding content, in any of the three languages.

    A query for one of them also finds the others ("onthaal" finds "onboarding" and
    "accueil"). Expanded at query time, so an edit works at once, without a reindex.
    """

    terms = models.JSONField(_("words"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return ", ".join(self.terms)


class ItemVector(models.Model):
    """An item's sentence embedding, for semantic ranking (only with LEERPAD_SEARCH_MODEL).

    Kept in the database rather than beside the index, so every process reads the same
    vectors and one item's change is one row, not a rewrite of a large file.
    """

    item = models.OneToOneField(
        "catalog.ContentItem", models.CASCADE, primary_key=True, related_name="+"
    )
    model = models.CharField(max_length=300)  # which model made it: another model, other vectors
    vector = models.BinaryField()  # float32, unit length
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"vector of item {self.item_id}"
