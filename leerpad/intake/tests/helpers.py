from __future__ import annotations

from decimal import Decimal

from leerpad.accounts.models import Person
from leerpad.intake import services
from leerpad.intake.models import Request


def submit(by: Person, title: str = "Checkout training") -> Request:
    return services.submit(
        by=by,
        title=title,
        problem="Queues at the tills on Saturdays.",
        audience="Cashiers",
        outcome="Shorter queues",
    )


def scored(
    by: Person,
    scorer: Person,
    title: str = "Checkout training",
    *,
    value: int = 5,
    urgency: int = 3,
    risk: int = 2,
    effort: str = "4",
) -> Request:
    request = submit(by, title)
    return services.score(
        request,
        by=scorer,
        value=value,
        urgency=urgency,
        risk=risk,
        effort_days=Decimal(effort),
    )
