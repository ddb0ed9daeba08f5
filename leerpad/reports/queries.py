"""Reads of the reports app."""

from __future__ import annotations

from django.db.models import QuerySet

from leerpad.reports.models import MonthlyReport


def reports_for(*, editor: bool) -> QuerySet[MonthlyReport]:
    """Past reports, newest month first: drafts too for those who make reports."""
    found = MonthlyReport.objects.select_related("created_by").defer("html", "figures")
    return found if editor else found.filter(published=True)
