"""Texts kept per language in one JSON object ({"nl": ..., "fr": ..., "en": ...})."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language


def in_language(texts: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (default: the active one), else English, else any, else ""."""
    lang = (language or get_language() or "en")[:2]
    texts = texts or {}
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")
