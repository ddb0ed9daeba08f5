"""Absolute addresses of Leerpad's own pages: for xAPI activity ids, e-mails, the API."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` ("/paths/welkom/") on this Leerpad's public address (settings.SITE_URL)."""
    return str(settings.SITE_URL).rstrip("/") + path
