"""The annual plans page: two plans side by side, overlaps listed and marked in both."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.initiatives import services
from leerpad.initiatives.models import AnnualPlan, PlanEntry

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def _entry(
    plan: AnnualPlan,
    goal: str,
    start: int,
    end: int,
    roles: list[JobRole] | None = None,
    places: list[Location] | None = None,
) -> PlanEntry:
    return services.save_entry(
        PlanEntry(plan=plan, goal=goal, start_month=start, end_month=end), roles or [], places or []
    )


def test_plans_side_by_side_with_overlaps(
    client_for: ClientFor, greet: Person, cas: Person
) -> None:
    cashier = JobRole.objects.create(name="Cashier")
    garden = JobRole.objects.create(name="Garden specialist")
    ld = services.create_plan(2026, AnnualPlan.Kind.LD, greet)
    marketing = services.create_plan(2026, AnnualPlan.Kind.MARKETING, greet)
    _entry(ld, "Checkout service path", 3, 5, [cashier])
    _entry(ld, "Garden advice", 9, 10, [garden])
    _entry(marketing, "Smile at the till campaign", 5, 6, [cashier])
    _entry(marketing, "Spring garden story", 3, 4, [garden])  # same people, other months
    page = client_for(cas).get(reverse("initiatives:plans", args=[2026])).content.decode()
    assert "Checkout service path" in page and "Spring garden story" in page
    assert page.count("Strengthen each other: same audience in the same months.") == 1
    assert "Checkout service path” and marketing “Smile at the till campaign”: May, Cashier" in page
    # The overlap is marked in both columns.
    assert page.count('href="#overlap-1"') == 2
    assert 'href="#overlap-2"' not in page


def test_no_plan_yet_and_creating_one(client_for: ClientFor, greet: Person, dirk: Person) -> None:
    url = reverse("initiatives:plans", args=[2027])
    page = client_for(dirk).get(url).content.decode()
    assert "No plan for 2027 yet." in page and "Create the 2027 plan" not in page
    assert (
        client_for(dirk)
        .post(reverse("initiatives:plan_new", args=[2027]), {"kind": "ld", "owner": dirk.pk})
        .status_code
        == 403
    )
    response = client_for(greet).post(
        reverse("initiatives:plan_new", args=[2027]), {"kind": "ld", "owner": dirk.pk}
    )
    assert response.status_code == 302
    plan = AnnualPlan.objects.get(year=2027)
    assert plan.owner == dirk


def test_entry_form_validates_and_only_plan_owner_edits(
    client_for: ClientFor, greet: Person, dirk: Person, mira: Person
) -> None:
    plan = services.create_plan(2026, AnnualPlan.Kind.LD, dirk)
    url = reverse("initiatives:entry_new", args=[plan.pk])
    assert client_for(mira).get(url).status_code == 403
    response = client_for(dirk).post(url, {"goal": "Backwards", "start_month": 8, "end_month": 2})
    assert response.status_code == 400
    assert "The end month cannot come before the start month." in response.content.decode()
    response = client_for(dirk).post(url, {"goal": "Onboarding", "start_month": 2, "end_month": 8})
    assert response.status_code == 302
    entry = PlanEntry.objects.get()
    confirm = client_for(greet).get(reverse("initiatives:entry_delete", args=[entry.pk]))
    assert confirm.status_code == 200 and PlanEntry.objects.exists()
    client_for(greet).post(reverse("initiatives:entry_delete", args=[entry.pk]))
    assert not PlanEntry.objects.exists()
