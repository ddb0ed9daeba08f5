"""Two people acting on the same request from pages loaded earlier: every decision reads
the row again under a lock and checks the state it has now, so the second one is refused
with a clear message and changes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Notification
from leerpad.intake import notices, quarters, services
from leerpad.intake.models import Event, Project, Request
from leerpad.intake.tests.helpers import scored, submit

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
QUARTER = "2027-Q1"


def _later() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


def _two_copies(request: Request) -> tuple[Request, Request]:
    """What two managers' pages loaded: the same row, twice."""
    return Request.objects.get(pk=request.pk), Request.objects.get(pk=request.pk)


def _kinds(request: Request) -> list[str]:
    return list(request.events.order_by("id").values_list("kind", flat=True))


def test_accept_after_a_decline_on_another_page_is_refused(
    lena: Person, dirk: Person, greet: Person, ada: Person
) -> None:
    first, second = _two_copies(scored(lena, dirk))
    services.decline(first, by=greet, reason="Not this year")
    with pytest.raises(services.IntakeError) as refused:
        services.accept(second, by=ada, owner=dirk, quarter=QUARTER)
    assert "decided this request meanwhile: it is declined now" in str(refused.value)
    assert "Nothing was changed" in str(refused.value)
    assert not Project.objects.exists()
    assert Request.objects.get(pk=first.pk).status == Request.Status.DECLINED
    assert _kinds(first) == ["submitted", "scored", "declined"]
    # The requester heard of one decision only.
    assert Notification.objects.filter(person=lena).count() == 1


@pytest.mark.parametrize("first_kind", ["accept", "park", "decline"])
@pytest.mark.parametrize("second_kind", ["accept", "park", "decline"])
def test_every_pair_of_decisions_keeps_the_first(
    lena: Person, dirk: Person, greet: Person, ada: Person, first_kind: str, second_kind: str
) -> None:
    first, second = _two_copies(scored(lena, dirk))

    def decide(copy: Request, kind: str, by: Person) -> None:
        if kind == "accept":
            services.accept(copy, by=by, owner=dirk, quarter=QUARTER)
        elif kind == "park":
            services.park(copy, by=by, reason="Later", revisit_on=_later())
        else:
            services.decline(copy, by=by, reason="No")

    decide(first, first_kind, greet)
    kept = Request.objects.get(pk=first.pk)
    with pytest.raises(services.IntakeError):
        decide(second, second_kind, ada)
    now = Request.objects.get(pk=first.pk)
    assert (now.status, now.revisit_on) == (kept.status, kept.revisit_on)
    assert Project.objects.count() == (1 if first_kind == "accept" else 0)
    assert Event.objects.filter(request=now, by=ada).count() == 0


def test_the_callers_copy_is_brought_up_to_date(lena: Person, dirk: Person, greet: Person) -> None:
    request = scored(lena, dirk)
    returned = services.park(request, by=greet, reason="Later", revisit_on=_later())
    assert returned.status == request.status == Request.Status.PARKED
    assert request.revisit_on == _later()
    reopened = services.reopen(request, by=greet)
    assert reopened.status == request.status == Request.Status.SCORED


def test_reopening_twice_from_two_pages(lena: Person, dirk: Person, greet: Person) -> None:
    request = scored(lena, dirk)
    services.accept(request, by=greet, owner=dirk, quarter=QUARTER)
    first, second = _two_copies(request)
    services.reopen(first, by=greet)
    with pytest.raises(services.IntakeError) as refused:
        services.reopen(second, by=greet)
    assert "it is scored now. Nothing was changed." in str(refused.value)
    assert _kinds(request).count("reopened") == 1


def test_reopen_then_accept_again_from_a_page_showing_the_old_decision(
    lena: Person, dirk: Person, greet: Person
) -> None:
    """The opposite order is fine: the page was stale, but the row is open now."""
    request = scored(lena, dirk)
    services.decline(request, by=greet, reason="No")
    stale = Request.objects.get(pk=request.pk)
    services.reopen(request, by=greet)
    services.accept(stale, by=greet, owner=dirk, quarter=QUARTER)
    assert Request.objects.get(pk=request.pk).status == Request.Status.ACCEPTED


def test_withdraw_after_a_decision_is_refused(lena: Person, dirk: Person, greet: Person) -> None:
    requesters_page, managers_page = _two_copies(scored(lena, dirk))
    services.accept(managers_page, by=greet, owner=dirk, quarter=QUARTER)
    with pytest.raises(services.IntakeError) as refused:
        services.withdraw(requesters_page, by=lena)
    assert "already accepted" in str(refused.value)
    assert Request.objects.get(pk=requesters_page.pk).status == Request.Status.ACCEPTED
    assert Project.objects.count() == 1


def test_decisions_after_a_withdrawal_are_refused(
    lena: Person, dirk: Person, greet: Person
) -> None:
    requesters_page, managers_page = _two_copies(scored(lena, dirk))
    services.withdraw(requesters_page, by=lena)
    with pytest.raises(services.IntakeError) as refused:
        services.accept(managers_page, by=greet, owner=dirk, quarter=QUARTER)
    assert "it is withdrawn now. Nothing was changed." in str(refused.value)
    # A withdrawn request cannot be reopened, so the message does not suggest it.
    assert "Reopen" not in str(refused.value)
    assert not Project.objects.exists()


def test_scoring_a_request_decided_meanwhile_is_refused(
    lena: Person, dirk: Person, greet: Person
) -> None:
    scorers_page, managers_page = _two_copies(scored(lena, dirk))
    services.decline(managers_page, by=greet, reason="No")
    with pytest.raises(services.IntakeError):
        services.score(scorers_page, by=dirk, value=10, urgency=10, risk=10, effort_days=Decimal(1))
    assert Request.objects.get(pk=scorers_page.pk).value == 5
    assert Request.objects.get(pk=scorers_page.pk).status == Request.Status.DECLINED


def test_a_pin_from_an_old_plan_page_is_refused(lena: Person, dirk: Person, greet: Person) -> None:
    plan_page, request_page = _two_copies(scored(lena, dirk))
    services.decline(request_page, by=greet, reason="No")
    with pytest.raises(services.IntakeError):
        services.set_pin(plan_page, Request.Pin.IN)
    assert Request.objects.get(pk=plan_page.pk).pin == Request.Pin.NONE


def test_accept_plan_after_one_of_its_requests_was_decided(
    lena: Person, dirk: Person, greet: Person
) -> None:
    quarter = quarters.of(timezone.localdate())
    services.save_capacity(quarter=quarter, people=Decimal(2), days_per_person=Decimal(5))
    b = scored(lena, dirk, "B", value=5, urgency=2, risk=2, effort="5")
    c = scored(lena, dirk, "C", value=3, urgency=3, risk=3, effort="5")
    services.decline(Request.objects.get(pk=c.pk), by=greet, reason="No")
    with pytest.raises(services.IntakeError) as refused:
        services.accept_plan(quarter, by=greet, expected={b.pk, c.pk}, owner=greet)
    assert "nothing was accepted" in str(refused.value)
    assert not Project.objects.exists()
    assert Request.objects.get(pk=b.pk).status == Request.Status.SCORED


def test_accepting_the_same_plan_twice(lena: Person, dirk: Person, greet: Person) -> None:
    quarter = quarters.of(timezone.localdate())
    services.save_capacity(quarter=quarter, people=Decimal(2), days_per_person=Decimal(5))
    b = scored(lena, dirk, "B", effort="5")
    services.accept_plan(quarter, by=greet, expected={b.pk}, owner=greet)
    with pytest.raises(services.IntakeError):
        services.accept_plan(quarter, by=greet, expected={b.pk}, owner=greet)
    assert Project.objects.count() == 1


def test_closing_a_project_whose_request_was_reopened(
    lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    project = services.accept(request, by=greet, owner=dirk, quarter=QUARTER)
    stale_project = Project.objects.select_related("request").get(pk=project.pk)
    services.reopen(request, by=greet)
    with pytest.raises(services.IntakeError):
        services.close_project(stale_project, by=dirk)
    with pytest.raises(services.IntakeError):
        services.start_initiative(stale_project, by=dirk)
    assert Request.objects.get(pk=request.pk).status == Request.Status.SCORED
    assert "done" not in _kinds(request)


def test_the_page_says_who_was_first(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person, ada: Person
) -> None:
    """Two managers with the request page open: one declines, the other then accepts.
    The second sees the page as it is now with the reason nothing happened."""
    request = scored(lena, dirk)
    client_for(greet).post(
        reverse("intake:decide", args=[request.pk, "decline"]), {"reason": "Not this year"}
    )
    late = client_for(ada).post(
        reverse("intake:decide", args=[request.pk, "accept"]),
        {"owner": dirk.pk, "quarter": QUARTER},
        follow=True,
    )
    page = late.content.decode()
    assert late.redirect_chain[-1][0] == reverse("intake:request", args=[request.pk])
    # Each request to the server loads the row anew, so the refusal says what it is now.
    assert "This request is already declined. Reopen it first if the decision must change." in page
    assert not Project.objects.exists()
    # The scoring form of a team member's old page is refused the same way.
    score = client_for(dirk).post(
        reverse("intake:score", args=[request.pk]),
        {"value": 8, "urgency": 5, "risk": 2, "effort_days": "3"},
        follow=True,
    )
    assert "already declined. Reopen it before scoring it again." in score.content.decode()
    assert Request.objects.get(pk=request.pk).value == 5


def test_a_plain_refusal_stays_in_the_form(
    client_for: ClientFor, lena: Person, greet: Person
) -> None:
    """Not a race: accepting an unscored request shows the reason next to the form."""
    request = submit(lena)
    response = client_for(greet).post(
        reverse("intake:decide", args=[request.pk, "accept"]),
        {"owner": greet.pk, "quarter": QUARTER},
    )
    assert response.status_code == 400
    assert "Score the request (with its effort) before accepting it." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_managers_at_the_same_moment(
    lena: Person, dirk: Person, greet: Person, ada: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real concurrency (PostgreSQL only: SQLite has no row locks): while the first
    decision is inside its transaction, the second waits for the row and is then refused."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (make test-postgres)")
    first, second = _two_copies(scored(lena, dirk))
    inside, release = threading.Event(), threading.Event()
    real_tell = notices.tell_requester

    def slow_tell(request: Request, event: Event) -> None:
        # The first decision holds its lock here until the test lets it go.
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)
        real_tell(request, event)

    monkeypatch.setattr(notices, "tell_requester", slow_tell)
    outcome: dict[str, BaseException | None] = {}

    def run(name: str, action: Callable[[], object]) -> None:
        try:
            action()
            outcome[name] = None
        except BaseException as exc:  # reported to the test below
            outcome[name] = exc
        finally:
            connection.close()

    decline = threading.Thread(
        target=run,
        name="first",
        args=("first", lambda: services.decline(first, by=greet, reason="No")),
    )
    accept = threading.Thread(
        target=run,
        name="second",
        args=(
            "second",
            lambda: services.accept(second, by=ada, owner=dirk, quarter=QUARTER),
        ),
    )
    decline.start()
    assert inside.wait(10)
    accept.start()
    accept.join(0.5)
    assert accept.is_alive(), "the second decision must wait for the first one's lock"
    release.set()
    decline.join(10)
    accept.join(10)
    assert outcome["first"] is None
    assert isinstance(outcome["second"], services.IntakeError)
    assert "it is declined now" in str(outcome["second"])
    assert Request.objects.get(pk=first.pk).status == Request.Status.DECLINED
    assert not Project.objects.exists()
