from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from leerpad.accounts.models import Location, Person
from leerpad.core.access import Role, roles_of

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[str, str, str | None, str | None, str]]:
    return [
        (
            p.email,
            p.get_full_name(),
            p.location.name if p.location else None,
            p.job_role.name if p.job_role else None,
            p.language,
        )
        for p in Person.objects.select_related("location", "job_role").order_by("email")
    ]


def test_demo_organisation_has_the_promised_shape() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert 280 <= Person.objects.count() <= 320
    assert Location.objects.count() == 8
    output = out.getvalue()
    for role in Role:
        assert role.value in output, f"no demo login printed for {role}"
    # Every store has a coach, and the coach coaches the store's people.
    for location in Location.objects.exclude(name__startswith="Hoofdkantoor"):
        coaches = [p for p in location.people.all() if Role.COACH in roles_of(p)]
        assert len(coaches) == 1
        assert coaches[0].coachees.count() > 20
    ldm = Person.objects.filter(team__name="LD&M")
    assert ldm.count() == 8
    greet = Person.objects.get(email="greet.wouters@deltahuis.example")
    assert Role.LDM_MANAGER in roles_of(greet)
    assert greet.reports.count() == 7
    assert Person.objects.get(email="ada.claes@deltahuis.example").check_password("leerpad-demo")


def test_demo_is_deterministic() -> None:
    call_command("demo", stdout=StringIO())
    first = _snapshot()
    from leerpad.accounts.models import JobRole, Team

    # Some apps protect what points at people and places (an initiative always has an
    # owner, a voice space its team); those rows go first, found generically so that
    # core's test does not need to know the apps.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.related_model in {Person, Location, JobRole, Team}
                and field.remote_field.on_delete is models.PROTECT
            ):
                model._default_manager.all().delete()
    Person.objects.all().delete()
    Location.objects.all().delete()

    JobRole.objects.all().delete()
    Team.objects.all().delete()
    call_command("demo", stdout=StringIO())
    assert _snapshot() == first


def test_demo_refuses_a_database_with_people_unless_if_empty(lena: Person) -> None:
    with pytest.raises(CommandError, match="already has people"):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded again" in out.getvalue()
    assert Person.objects.count() == 1
