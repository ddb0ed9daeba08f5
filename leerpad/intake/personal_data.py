"""A person's intake data for their GDPR export and erasure.

Erasure keeps the requests a person submitted (the business need is not personal) and the
scores and decisions they recorded (the team's record), but removes every link to them:
as requester, sponsor, scorer, decision maker, project owner and editor of the
weights. Free-text fields are
kept as written.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.intake.models import Event, Project, Request, Weights
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    return "intake", {
        "requests": [
            {
                "title": r.title,
                "problem": r.problem,
                "audience": r.audience,
                "outcome": r.outcome,
                "status": r.status,
                "submitted_at": iso(r.created_at),
            }
            for r in Request.objects.filter(requester=person).order_by("created_at", "pk")
        ],
        "sponsored": list(Request.objects.filter(sponsor=person).values_list("title", flat=True)),
        "projects_owned": list(
            Project.objects.filter(owner=person).values_list("request__title", flat=True)
        ),
    }


@receiver(erase_personal_data, dispatch_uid="intake.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    requested = Request.objects.filter(requester=person)
    sponsored = Request.objects.filter(sponsor=person)
    scored = Request.objects.filter(scored_by=person)
    events = Event.objects.filter(by=person)
    owned = Project.objects.filter(owner=person)
    weights = Weights.objects.filter(updated_by=person)
    counts = {
        "requests_unlinked": requested.count(),
        "sponsorships_unlinked": sponsored.count(),
        "scores_unlinked": scored.count(),
        "decisions_and_steps_unlinked": events.count(),
        "projects_unlinked": owned.count(),
        "weights_unlinked": weights.count(),
    }
    if not dry_run:
        requested.update(requester=None)
        sponsored.update(sponsor=None)
        scored.update(scored_by=None)
        events.update(by=None)
        owned.update(owner=None)
        weights.update(updated_by=None)
    return "intake", counts
