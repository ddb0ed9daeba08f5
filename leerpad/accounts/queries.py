"""Reads of people: permission and eager loading in one place."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leerpad.accounts.models import Person


def people_directory(
    *,
    search: str = "",
    location_id: int | None = None,
    role: str = "",
    include_inactive: bool = False,
) -> QuerySet[Person]:
    """People for the admin directory, with what the list shows loaded up front."""
    people = Person.objects.select_related("job_role", "location", "team").prefetch_related(
        "groups"
    )
    if not include_inactive:
        people = people.filter(is_active=True)
    if search:
        for word in search.split()[:5]:
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(employee_number__iexact=word)
            )
    if location_id:
        people = people.filter(location_id=location_id)
    if role:
        people = people.filter(groups__name=role)
    return people.order_by("last_name", "first_name", "pk")
