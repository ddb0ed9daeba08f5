"""Reads of the privacy app: the access log, for the person it is about and for admins."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leerpad.accounts.models import Person
from leerpad.privacy.models import AccessRecord


def records_about(person: Person) -> QuerySet[AccessRecord]:
    """Everything recorded about who looked at this person's data, newest first."""
    return AccessRecord.objects.filter(subject=person).select_related("viewer")


def all_records(q: str = "", what: str = "") -> QuerySet[AccessRecord]:
    """Every record (admins only), filtered by either person's name or e-mail and by what."""
    records = AccessRecord.objects.select_related("viewer", "subject")
    for word in q.split():
        records = records.filter(
            Q(viewer_name__icontains=word)
            | Q(viewer__email__icontains=word)
            | Q(subject__first_name__icontains=word)
            | Q(subject__last_name__icontains=word)
            | Q(subject__email__icontains=word)
        )
    if what:
        records = records.filter(what=what)
    return records
