"""A person's data in initiatives, for their GDPR export and erasure
(`privacy.signals.personal_data`, `erase_personal_data`).

What names a person here: stakeholder rows about them (with influence, interest and
buy-in: a judgement about them) and the consultations with them, the consultations, SWOT
cards and pros/cons they wrote, their votes and their place in initiative teams. On
erasure a stakeholder row keeps its place in the map as the free name "(erased)" (the map
and the log stay readable for the team) and the consultations with them keep their date
and buy-in but lose what was said; what they wrote keeps its text without the author;
votes and team places go.
Initiatives and plans they own keep pointing to the erased (anonymous) person row.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.initiatives.models import (
    Consultation,
    Initiative,
    ProCon,
    Stakeholder,
    SwotCard,
    SwotVote,
)
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data

ERASED_NAME = "(erased)"


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    return "initiatives", {
        "stakeholder_of": [
            {
                "initiative": s.initiative.title,
                "influence": s.influence,
                "interest": s.interest,
                "buy_in": s.buy_in,
                "function": s.function,
            }
            for s in Stakeholder.objects.filter(person=person).select_related("initiative")
        ],
        # What the team wrote down about them in consultations with them.
        "consultations_about_them": [
            {
                "initiative": c.stakeholder.initiative.title,
                "held_on": c.held_on.isoformat(),
                "said": c.said,
                "concerns": c.concerns,
                "next_step": c.next_step,
                "buy_in_before": c.buy_in_before,
                "buy_in_after": c.buy_in_after,
            }
            for c in Consultation.objects.filter(stakeholder__person=person)
            .select_related("stakeholder__initiative")
            .order_by("held_on", "pk")
        ],
        "consultations_logged": [
            {"held_on": c.held_on.isoformat(), "said": c.said, "concerns": c.concerns}
            for c in Consultation.objects.filter(author=person)
        ],
        "swot_cards": [
            {"text": c.text, "detail": c.detail, "at": iso(c.created_at)}
            for c in SwotCard.objects.filter(author=person)
        ],
        "pros_cons": [
            {"side": p.side, "text": p.text, "weight": p.weight}
            for p in ProCon.objects.filter(author=person)
        ],
        "votes": SwotVote.objects.filter(person=person).count(),
        "team_of": list(Initiative.objects.filter(members=person).values_list("title", flat=True)),
    }


@receiver(erase_personal_data, dispatch_uid="initiatives.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    stakeholders = Stakeholder.objects.filter(person=person)
    about_them = Consultation.objects.filter(stakeholder__person=person)
    consultations = Consultation.objects.filter(author=person)
    cards = SwotCard.objects.filter(author=person)
    pros_cons = ProCon.objects.filter(author=person)
    votes = SwotVote.objects.filter(person=person)
    memberships = Initiative.members.through.objects.filter(person_id=person.pk)
    counts = {
        # Counted with the stakeholder rows: the consultations with them belong to those
        # rows (privacy's labels name every count key).
        "stakeholder_rows": stakeholders.count(),
        "consultations_written": consultations.count(),
        "swot_cards_written": cards.count(),
        "pros_cons_written": pros_cons.count(),
        "votes": votes.count(),
        "team_memberships": memberships.count(),
    }
    if not dry_run:
        # What they said in a consultation is about them and would name them again ("as
        # store manager in Gent I..."): the text goes, the date and the buy-in history stay.
        # Before the rows below lose their link to the person.
        about_them.update(said=ERASED_NAME, concerns="", next_step="")
        # The function said who they are ("store manager Gent"): it goes with the name.
        stakeholders.update(person=None, name=ERASED_NAME, function="")
        consultations.update(author=None)
        cards.update(author=None)
        pros_cons.update(author=None)
        votes.delete()
        memberships.delete()
    return "initiatives", counts
