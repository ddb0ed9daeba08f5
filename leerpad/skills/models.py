"""Skills: what content teaches and what people can do.

Names are kept per language in one JSON object, because the set of languages is fixed
(nl, fr, en) and a skill is always shown whole; content and paths refer to skills by key.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Skill(models.Model):
    # A stable key such as "customer-conversations", used by imports and the API.
    key = models.SlugField(_("key"), max_length=120, unique=True)
    names = models.JSONField(_("names"), default=dict)  # {"nl": ..., "fr": ..., "en": ...}
    # ESCO or another framework's URI, when the skill comes from one.
    uri = models.URLField(_("URI"), max_length=500, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one), else any name, else the key."""
        lang = (language or get_language() or "en")[:2]
        names: dict[str, str] = self.names or {}
        return names.get(lang) or names.get("en") or next(iter(names.values()), self.key)
