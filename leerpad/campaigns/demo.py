"""Demo segments for the marketers of "Delta Huis & Tuin" (see accounts/demo.py): the
audiences the LD&M team nudges most. Loaded after the people, paths and their history
(INSTALLED_APPS order); a rule whose path or job role is missing is left out."""

from __future__ import annotations

from typing import Any

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.campaigns import services
from leerpad.campaigns.models import Segment
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext
from leerpad.paths.models import Path


def _path(key: str) -> list[dict[str, Any]]:
    return [] if not Path.objects.filter(key=key).exists() else [{"path": key}]


def _specs() -> list[tuple[str, str, dict[str, Any]]]:
    gent = Location.objects.filter(name="Delta Gent").first()
    cashier = JobRole.objects.filter(name="Cashier").first()
    specs: list[tuple[str, str, dict[str, Any]]] = []
    for safety in _path("safety-at-work"):
        specs.append(
            (
                "Stalled in Safety at work for 14 days",
                "Enrolled, active, and nothing done in the path for two weeks: a friendly nudge.",
                {"match": "all", "rules": [{"type": "stalled", "days": 14, **safety}]},
            )
        )
    if gent is not None:
        specs.append(
            (
                "New hires in Gent",
                "Joined in the last 90 days and working in Delta Gent: the welcome series.",
                {
                    "match": "all",
                    "rules": [
                        {"type": "location", "locations": [gent.pk]},
                        {"type": "joined_within", "days": 90},
                    ],
                },
            )
        )
    if cashier is not None:
        rules: list[dict[str, Any]] = [{"type": "job_role", "job_roles": [cashier.pk]}]
        rules += [{"type": "enrolled", "not": True, **p} for p in _path("onboarding-cashier")]
        specs.append(
            (
                "Cashiers without the checkout path",
                "Cashiers who never enrolled in the cashier onboarding path.",
                {"match": "all", "rules": rules},
            )
        )
    specs.append(
        (
            "Quiet for a month",
            "No activity in Leerpad in the last 30 days (including people who never came).",
            {"match": "all", "rules": [{"type": "inactive", "days": 30}]},
        )
    )
    specs.append(
        (
            "French speakers who never used Leerpad",
            "For the launch message in French.",
            {
                "match": "all",
                "rules": [{"type": "language", "languages": ["fr"]}, {"type": "never_visited"}],
            },
        )
    )
    return specs


def load(ctx: DemoContext) -> None:
    if Segment.objects.exists():
        return
    marketer = Person.objects.filter(groups__name=Role.MARKETER.value).order_by("pk").first()
    for name, description, rules in _specs():
        services.create_segment(name, description, rules, by=marketer)
    ctx.notes.append(f"campaigns: {Segment.objects.count()} segments")
