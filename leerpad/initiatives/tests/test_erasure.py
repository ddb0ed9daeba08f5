"""Erasing a person (privacy): stakeholder rows become "(erased)", what they wrote stays
without author, votes and team places go; the dry run only counts."""

from __future__ import annotations

import datetime as dt

import pytest

from leerpad.accounts.models import Person
from leerpad.initiatives import services
from leerpad.initiatives.models import (
    Consultation,
    Initiative,
    ProCon,
    Stakeholder,
    SwotCard,
    SwotVote,
)
from leerpad.initiatives.personal_data import personal_data
from leerpad.privacy import erasure

pytestmark = pytest.mark.django_db


def test_erasure(initiative: Initiative, lena: Person, dirk: Person, ada: Person) -> None:
    initiative.members.add(lena)
    row = services.save_stakeholder(
        Stakeholder(
            initiative=initiative, person=lena, function="Cashier Gent", influence=2, interest=4
        )
    )
    other = services.save_stakeholder(
        Stakeholder(initiative=initiative, name="Works council", influence=4, interest=4)
    )
    services.log_consultation(
        other, held_on=dt.date(2026, 2, 1), said="Fine", buy_in="neutral", author=lena
    )
    card = services.add_card(
        initiative, SwotCard.Quadrant.STRENGTH, "Regulars know us", "", author=lena
    )
    services.toggle_vote(card, lena)
    services.toggle_vote(card, dirk)
    services.add_procon(initiative, ProCon.Side.PRO, "Fewer queues", 2, author=lena)

    section, data = personal_data(None, lena)
    assert section == "initiatives"
    assert data["stakeholder_of"][0]["function"] == "Cashier Gent"
    assert data["swot_cards"][0]["text"] == "Regulars know us" and data["votes"] == 1
    assert data["team_of"] == [initiative.title]

    preview = erasure.preview(lena)["initiatives"]
    assert preview == {
        "stakeholder_rows": 1,
        "consultations_written": 1,
        "swot_cards_written": 1,
        "pros_cons_written": 1,
        "votes": 1,
        "team_memberships": 1,
    }
    assert Stakeholder.objects.filter(person=lena).exists()  # the preview changed nothing

    erasure.erase(lena, requested_by="person", by=ada)
    row.refresh_from_db()
    assert (row.person_id, row.name, row.function) == (None, "(erased)", "")
    assert Consultation.objects.get().author is None and Consultation.objects.get().said == "Fine"
    card.refresh_from_db()
    assert card.author is None and card.text == "Regulars know us"
    assert ProCon.objects.get().author is None
    assert list(SwotVote.objects.values_list("person_id", flat=True)) == [dirk.pk]
    assert not initiative.members.exists()


def test_erasure_removes_what_a_stakeholder_said(
    initiative: Initiative, lena: Person, dirk: Person, ada: Person
) -> None:
    """A consultation with a person is about them: it is in their export, and erasing
    them keeps its date and buy-in history but not what was said."""
    row = services.save_stakeholder(
        Stakeholder(initiative=initiative, person=lena, influence=2, interest=4)
    )
    services.log_consultation(
        row,
        held_on=dt.date(2026, 2, 1),
        said="As the only cashier on Sundays I worry about the new tills.",
        concerns="Sunday shifts",
        next_step="Visit Gent",
        buy_in="hesitant",
        author=dirk,
    )
    _section, data = personal_data(None, lena)
    assert data["consultations_about_them"][0]["said"].startswith("As the only cashier")
    assert Consultation.objects.get().said.startswith("As the only")  # not yet erased

    erasure.erase(lena, requested_by="person", by=ada)
    entry = Consultation.objects.get()
    assert (entry.said, entry.concerns, entry.next_step) == ("(erased)", "", "")
    assert (entry.held_on, entry.buy_in_before, entry.buy_in_after) == (
        dt.date(2026, 2, 1),
        "unknown",
        "hesitant",
    )
    assert entry.author == dirk and entry.stakeholder_id == row.pk
