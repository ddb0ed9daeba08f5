"""Writes: the consultation plan's order, the log and the buy-in history, SWOT cards
and votes, pros/cons, plan entries."""

from __future__ import annotations

import datetime as dt

import pytest

from leerpad.accounts.models import Person
from leerpad.initiatives import queries, services
from leerpad.initiatives.models import (
    AnnualPlan,
    BuyIn,
    Initiative,
    PlanEntry,
    ProCon,
    Stakeholder,
    SwotCard,
)

pytestmark = pytest.mark.django_db


def _stakeholder(
    initiative: Initiative, name: str, influence: int, interest: int, buy_in: str = BuyIn.UNKNOWN
) -> Stakeholder:
    return services.save_stakeholder(
        Stakeholder(
            initiative=initiative, name=name, influence=influence, interest=interest, buy_in=buy_in
        )
    )


def _order(initiative: Initiative) -> list[str]:
    return [s.name for s in initiative.stakeholders.order_by("position", "id")]


def test_stakeholders_join_the_plan_last_and_move(initiative: Initiative) -> None:
    a = _stakeholder(initiative, "A", 2, 2)
    b = _stakeholder(initiative, "B", 5, 5)
    c = _stakeholder(initiative, "C", 3, 3)
    assert _order(initiative) == ["A", "B", "C"]
    assert services.move_stakeholder(c, "up")
    assert _order(initiative) == ["A", "C", "B"]
    assert not services.move_stakeholder(a, "up")  # already first
    assert services.move_stakeholder(a, "down")
    assert _order(initiative) == ["C", "A", "B"]
    services.delete_stakeholder(a)
    assert list(
        initiative.stakeholders.order_by("position").values_list("position", flat=True)
    ) == [0, 1]
    assert b.pk


def test_a_stakeholder_needs_a_person_or_a_name(initiative: Initiative, lena: Person) -> None:
    with pytest.raises(services.InitiativeError):
        services.save_stakeholder(Stakeholder(initiative=initiative, influence=3, interest=3))
    row = services.save_stakeholder(
        Stakeholder(initiative=initiative, person=lena, influence=3, interest=3)
    )
    assert row.display_name == "Lena Test"


def test_suggested_order_is_applied(initiative: Initiative) -> None:
    _stakeholder(initiative, "Champion", 5, 5, BuyIn.CHAMPION)
    _stakeholder(initiative, "Small", 1, 1, BuyIn.UNKNOWN)
    _stakeholder(initiative, "Opposed boss", 5, 2, BuyIn.OPPOSED)
    services.apply_suggested_order(initiative)
    assert _order(initiative) == ["Opposed boss", "Champion", "Small"]


def test_logging_a_consultation_updates_buy_in_and_keeps_history(
    initiative: Initiative, dirk: Person
) -> None:
    s = _stakeholder(initiative, "Works council", 4, 4)
    assert queries.is_open(queries.stakeholders(initiative)[0])
    services.log_consultation(
        s, held_on=dt.date(2026, 3, 1), said="Worried", buy_in=BuyIn.HESITANT, author=dirk
    )
    services.log_consultation(
        s, held_on=dt.date(2026, 4, 1), said="Convinced", buy_in=BuyIn.SUPPORTIVE, author=dirk
    )
    s.refresh_from_db()
    assert s.buy_in == BuyIn.SUPPORTIVE
    history = list(s.consultations.order_by("held_on").values_list("buy_in_before", "buy_in_after"))
    assert history == [(BuyIn.UNKNOWN, BuyIn.HESITANT), (BuyIn.HESITANT, BuyIn.SUPPORTIVE)]
    assert not queries.is_open(queries.stakeholders(initiative)[0])


def test_consulted_but_unknown_buy_in_stays_open(initiative: Initiative, dirk: Person) -> None:
    s = _stakeholder(initiative, "Silent", 4, 4)
    services.log_consultation(
        s, held_on=dt.date(2026, 3, 1), said="No reaction", buy_in=BuyIn.UNKNOWN, author=dirk
    )
    assert queries.is_open(queries.stakeholders(initiative)[0])
    assert queries.open_consultations() == 1


def test_votes_toggle_once_per_person(initiative: Initiative, dirk: Person, mira: Person) -> None:
    card = services.add_card(
        initiative, SwotCard.Quadrant.STRENGTH, "Coaches on site", "", author=dirk
    )
    assert services.toggle_vote(card, mira) is True
    assert services.toggle_vote(card, dirk) is True
    assert card.votes.count() == 2
    assert services.toggle_vote(card, mira) is False
    assert list(card.votes.values_list("person_id", flat=True)) == [dirk.pk]


def test_merge_moves_votes_without_doubles(
    initiative: Initiative, dirk: Person, mira: Person, greet: Person
) -> None:
    source = services.add_card(
        initiative, SwotCard.Quadrant.THREAT, "Queues", "long at noon", author=mira
    )
    target = services.add_card(initiative, SwotCard.Quadrant.THREAT, "Busy tills", "", author=dirk)
    for person in (dirk, mira):
        services.toggle_vote(source, person)
    services.toggle_vote(target, dirk)
    services.merge_cards(source, target)
    assert not SwotCard.objects.filter(pk=source.pk).exists()
    target.refresh_from_db()
    assert "Queues" in target.detail and "long at noon" in target.detail
    assert sorted(target.votes.values_list("person_id", flat=True)) == sorted([dirk.pk, mira.pk])
    with pytest.raises(services.InitiativeError):
        services.merge_cards(target, target)


def test_top_cards_by_votes(initiative: Initiative, dirk: Person, mira: Person) -> None:
    low = services.add_card(initiative, SwotCard.Quadrant.STRENGTH, "Low", "", author=dirk)
    high = services.add_card(initiative, SwotCard.Quadrant.STRENGTH, "High", "", author=dirk)
    services.toggle_vote(high, mira)
    services.toggle_vote(high, dirk)
    services.toggle_vote(low, dirk)
    top = queries.top_cards(initiative, dirk, per_quadrant=1)
    assert [c.text for c in top[SwotCard.Quadrant.STRENGTH]] == ["High"]
    assert top[SwotCard.Quadrant.STRENGTH][0].vote_count == 2  # type: ignore[attr-defined]


def test_pros_and_cons_sum_their_weights(initiative: Initiative, dirk: Person) -> None:
    services.add_procon(initiative, ProCon.Side.PRO, "Happier customers", 3, author=dirk)
    services.add_procon(initiative, ProCon.Side.PRO, "Fewer complaints", 2, author=dirk)
    services.add_procon(initiative, ProCon.Side.CON, "Training time", 2, author=dirk)
    found = queries.pros_cons(initiative)
    assert (found.pro_sum, found.con_sum) == (5, 2)
    with pytest.raises(services.InitiativeError):
        services.add_procon(initiative, ProCon.Side.CON, "Too heavy", 4, author=dirk)


def test_story_keeps_only_written_languages(initiative: Initiative) -> None:
    services.save_story(
        initiative, {"nl": " Waarom ", "fr": "", "en": "Why"}, {}, {"fr": "Changement"}
    )
    initiative.refresh_from_db()
    assert initiative.story_why == {"nl": "Waarom", "en": "Why"}
    assert initiative.story_changes == {"fr": "Changement"}


def test_plan_entries_need_months_in_order(greet: Person) -> None:
    plan = services.create_plan(2026, AnnualPlan.Kind.LD, greet)
    with pytest.raises(services.InitiativeError):
        services.create_plan(2026, AnnualPlan.Kind.LD, greet)
    with pytest.raises(services.InitiativeError):
        services.save_entry(
            PlanEntry(plan=plan, goal="Backwards", start_month=6, end_month=3), [], []
        )
    entry = services.save_entry(
        PlanEntry(plan=plan, goal="Onboarding", start_month=3, end_month=6), [], []
    )
    assert queries.span_of(entry).everyone
