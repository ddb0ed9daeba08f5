"""The usable-until rule, as a pure function (no database)."""

from __future__ import annotations

import datetime as dt

from leerpad.assets.rules import ConsentTerm, Reason, State, allows, usability

TODAY = dt.date(2026, 6, 1)


def d(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def term(
    subject: str,
    until: int,
    *,
    given: int = -100,
    withdrawn: int | None = None,
    scopes: tuple[str, ...] = ("learning",),
    order: int = 0,
) -> ConsentTerm:
    return ConsentTerm(
        subject=subject,
        given_on=d(given),
        valid_until=d(until),
        withdrawn_on=d(withdrawn) if withdrawn is not None else None,
        scopes=frozenset(scopes),
        order=order,
    )


def test_no_rights_end_and_no_consent_means_no_end() -> None:
    found = usability(None, [], TODAY)
    assert found.until is None
    assert found.state == State.OK
    assert found.usable_now


def test_the_earliest_of_rights_and_every_consent() -> None:
    found = usability(d(200), [term("a", 90), term("b", 45)], TODAY)
    assert found.until == d(45)
    assert found.reason == Reason.CONSENT
    found = usability(d(20), [term("a", 90)], TODAY)
    assert (found.until, found.reason) == (d(20), Reason.RIGHTS)


def test_states_around_the_thirty_days() -> None:
    assert usability(d(31), [], TODAY).state == State.OK
    assert usability(d(30), [], TODAY).state == State.ENDING
    assert usability(d(0), [], TODAY).state == State.ENDING  # the last day is still usable
    ended = usability(d(-1), [], TODAY)
    assert ended.state == State.ENDED
    assert not ended.usable_now
    assert ended.days_left == -1


def test_withdrawn_consent_is_not_usable_now_even_if_valid_for_years() -> None:
    found = usability(None, [term("a", 900, withdrawn=0)], TODAY)
    assert found.reason == Reason.WITHDRAWN
    assert found.until == d(-1)
    assert not found.usable_now


def test_a_renewal_replaces_the_persons_earlier_consent() -> None:
    old = term("a", -5, given=-400)
    renewal = term("a", 300, given=-3)
    found = usability(None, [old, renewal], TODAY)
    assert found.until == d(300)
    assert found.state == State.OK
    # Someone else's expired consent still ends it.
    found = usability(None, [old, renewal, term("b", -5)], TODAY)
    assert found.state == State.ENDED


def test_same_day_records_the_later_one_counts() -> None:
    first = term("a", 300, given=-3, order=1)
    withdrawn_later = term("a", 300, given=-3, withdrawn=-1, order=2)
    assert not usability(None, [first, withdrawn_later], TODAY).usable_now
    assert usability(None, [withdrawn_later, term("a", 300, given=-3, order=3)], TODAY).usable_now


def test_unverifiable_consent_ends_the_day_before() -> None:
    found = usability(d(500), [term("a", 500)], TODAY, unverifiable_on=d(0))
    assert found.reason == Reason.UNVERIFIABLE
    assert not found.usable_now


def test_allows_needs_rights_and_every_counting_consent() -> None:
    consents = [term("a", 90, scopes=("learning", "marketing")), term("b", 90)]
    assert allows("learning", ["learning", "marketing"], consents) == (True, True)
    assert allows("marketing", ["learning", "marketing"], consents) == (True, False)
    assert allows("external", ["learning"], []) == (False, True)
