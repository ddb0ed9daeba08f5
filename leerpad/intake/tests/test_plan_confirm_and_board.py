"""Accepting the plan asks first; the board's columns say how many requests they hold
and lead to the whole list, with the board's filters."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Notification
from leerpad.intake import quarters, queries, services
from leerpad.intake.models import Project, Request
from leerpad.intake.tests.helpers import scored, submit

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


def _plan_world(lena: Person, dirk: Person) -> tuple[str, dict[str, Request]]:
    """Free 10 days; the plan takes B and C (5 days each), not A."""
    quarter = quarters.of(timezone.localdate())
    services.save_capacity(quarter=quarter, people=Decimal(2), days_per_person=Decimal(5))
    made = {
        "A": scored(lena, dirk, "Teak care", value=5, urgency=5, risk=2, effort="6"),
        "B": scored(lena, dirk, "Till queues", value=5, urgency=2, risk=2, effort="5"),
        "C": scored(lena, dirk, "Paint mixing", value=3, urgency=3, risk=3, effort="4.5"),
    }
    return quarter, made


def _confirm_url(quarter: str, chosen: str | None = None) -> str:
    query = f"?quarter={quarter}" + (f"&chosen={chosen}" if chosen is not None else "")
    return reverse("intake:plan_accept") + query


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]
    ]


def test_the_plan_page_opens_the_confirmation(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    quarter, made = _plan_world(lena, dirk)
    page = client_for(greet).get(reverse("intake:plan"), {"quarter": quarter}).content.decode()
    form = page[page.index(f'action="{reverse("intake:plan_accept")}"') - 30 :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form
    assert f'name="chosen" value="{made["B"].pk},{made["C"].pk}"' in form


def test_confirmation_lists_what_becomes_a_project_and_changes_nothing(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    quarter, made = _plan_world(lena, dirk)
    chosen = f"{made['B'].pk},{made['C'].pk}"
    response = client_for(greet).get(_confirm_url(quarter, chosen))
    assert response.status_code == 200
    page = response.content.decode()
    rows = _rows(page)
    # Newest-scored order as on the plan: by score, highest first.
    assert len(rows) == 2
    assert {row.split(" ")[0] for row in rows} == {"Till", "Paint"}
    till = next(row for row in rows if row.startswith("Till queues"))
    assert f"{lena} 5 9.0 {greet}" in till
    paint = next(row for row in rows if row.startswith("Paint mixing"))
    assert f"{lena} 4.5 9.0 {greet}" in paint
    assert "Teak care" not in page
    assert f"These 2 requests become projects for {quarter}, owned by you ({greet})" in page
    assert "9.5 of 10 free days" in page
    assert "Reopen the decision" in page
    assert "plan changed since you opened it" not in page
    assert f'name="chosen" value="{chosen}"' in page
    # Looking is not accepting.
    assert not Project.objects.exists()
    assert not Notification.objects.filter(person=lena).exists()


def test_confirming_accepts_them_all_for_the_manager(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    quarter, made = _plan_world(lena, dirk)
    chosen = f"{made['B'].pk},{made['C'].pk}"
    done = client_for(greet).post(
        reverse("intake:plan_accept"), {"quarter": quarter, "chosen": chosen}, follow=True
    )
    assert f"Plan accepted: 2 requests became projects for {quarter}." in done.content.decode()
    projects = Project.objects.all()
    assert {p.request_id for p in projects} == {made["B"].pk, made["C"].pk}
    assert {p.owner_id for p in projects} == {greet.pk}
    assert {p.quarter for p in projects} == {quarter}
    assert Notification.objects.filter(person=lena).count() == 2


def test_confirmation_says_when_the_plan_changed(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    quarter, made = _plan_world(lena, dirk)
    client = client_for(greet)
    seen = f"{made['B'].pk},{made['C'].pk}"
    services.set_pin(made["A"], Request.Pin.IN)  # the plan is A alone now
    page = client.get(_confirm_url(quarter, seen)).content.decode()
    assert "The plan changed since you opened it" in page
    rows = _rows(page)
    assert len(rows) == 1 and rows[0].startswith("Teak care")
    assert f'name="chosen" value="{made["A"].pk}"' in page
    # Posting what the plan page showed is refused as before.
    refused = client.post(
        reverse("intake:plan_accept"), {"quarter": quarter, "chosen": seen}, follow=True
    )
    assert "nothing was accepted" in refused.content.decode()
    assert not Project.objects.exists()


def test_a_confirmation_left_open_while_the_plan_changes(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    quarter, made = _plan_world(lena, dirk)
    client = client_for(greet)
    page = client.get(_confirm_url(quarter)).content.decode()
    chosen = re.search(r'name="chosen" value="([0-9,]+)"', page)
    assert chosen is not None
    services.decline(made["C"], by=greet, reason="No")
    client.post(reverse("intake:plan_accept"), {"quarter": quarter, "chosen": chosen.group(1)})
    assert not Project.objects.exists()


def test_confirmation_of_an_empty_plan(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    scored(lena, dirk, "Too big", effort="50")
    quarter = quarters.of(timezone.localdate())
    services.save_capacity(quarter=quarter, people=Decimal(1), days_per_person=Decimal(5))
    page = client_for(greet).get(_confirm_url(quarter)).content.decode()
    assert "takes no request now: there is nothing to accept" in page
    assert 'name="chosen"' not in page and "Accept 0" not in page


def test_confirmation_is_for_managers(
    client: Client, client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    quarter, _made = _plan_world(lena, dirk)
    assert client.get(_confirm_url(quarter)).status_code == 302
    assert client_for(dirk).get(_confirm_url(quarter)).status_code == 403
    assert client_for(lena).get(_confirm_url(quarter)).status_code == 403


# --- the board beyond 50 per column ----------------------------------------------------


def _many_new(lena: Person, count: int, sponsor_name: str = "") -> None:
    Request.objects.bulk_create(
        Request(
            title=f"Request {n:02d}",
            problem="p",
            audience="a",
            outcome="o",
            requester=lena,
            sponsor_name=sponsor_name,
        )
        for n in range(count)
    )


def _column(page: str, key: str) -> str:
    part = page[page.index(f'id="column-{key}"') :]
    return part[: part.index("</section>")]


def test_a_full_column_says_how_many_and_links_to_all(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    _many_new(lena, 53)
    page = client_for(dirk).get(reverse("intake:board")).content.decode()
    new = _column(page, "new")
    assert new.count('class="intake-card"') == queries.CARDS_PER_COLUMN
    assert "The newest 50 of 53." in new
    assert f'href="{reverse("intake:column", args=["new"])}"' in new
    assert "Show all 53" in new
    # A column that fits says nothing of the kind.
    assert "Show all" not in _column(page, "scored")


def test_the_whole_column_is_paged(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    _many_new(lena, 53)
    client = client_for(dirk)
    url = reverse("intake:column", args=["new"])
    first = client.get(url).content.decode()
    assert first.count("intake-status-new") == 50
    assert "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("intake-status-new") == 3
    titles = re.findall(r">(Request \d\d)</a>", first + second)
    assert sorted(titles) == [f"Request {n:02d}" for n in range(53)]


def test_the_list_keeps_the_board_filters(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    _many_new(lena, 51, sponsor_name="Jan Peeters")
    _many_new(lena, 4, sponsor_name="Els Maes")
    client = client_for(dirk)
    board = client.get(reverse("intake:board"), {"sponsor": "peeters"}).content.decode()
    new = _column(board, "new")
    assert "Show all 51" in new
    link = f'href="{reverse("intake:column", args=["new"])}?sponsor=peeters"'
    assert link in new
    listed = client.get(reverse("intake:column", args=["new"]), {"sponsor": "peeters"})
    page = listed.content.decode()
    assert "Jan Peeters" in page and "Els Maes" not in page
    assert "Page 1 of 2" in page
    # The next page keeps the filter too.
    assert "?sponsor=peeters&amp;page=2" in page
    # The quarter filter: accepted work of another quarter is left out.
    accepted = scored(lena, dirk, "Accepted elsewhere")
    services.accept(accepted, by=greet, owner=dirk, quarter="2027-Q2")
    url = reverse("intake:column", args=["accepted"])
    assert "Accepted elsewhere" in client.get(url).content.decode()
    other = client.get(url, {"quarter": "2027-Q3"}).content.decode()
    assert "Accepted elsewhere" not in other and "No requests here." in other


def test_the_list_is_for_the_team(
    client: Client, client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    url = reverse("intake:column", args=["new"])
    assert client.get(url).status_code == 302
    assert client_for(lena).get(url).status_code == 403
    assert client_for(dirk).get(reverse("intake:column", args=["nope"])).status_code == 404


def test_board_empty_states_and_withdrawn(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    client = client_for(dirk)
    empty = client.get(reverse("intake:board")).content.decode()
    assert "No requests yet." in empty and 'id="column-new"' not in empty
    request = submit(lena, "Changed my mind")
    services.withdraw(request, by=lena)
    submit(lena, "Still wanted")
    page = client.get(reverse("intake:board")).content.decode()
    assert "Changed my mind" not in page
    assert "1 withdrawn request" in page
    listed = client.get(reverse("intake:column", args=["withdrawn"])).content.decode()
    assert "Changed my mind" in listed and "Still wanted" not in listed
    nothing = client.get(reverse("intake:board"), {"sponsor": "nobody"}).content.decode()
    assert "No request matches these filters." in nothing
    assert "Clear the filters" in nothing


# --- small things ----------------------------------------------------------------------


def test_plan_with_nothing_that_fits_says_so(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    scored(lena, dirk, "Too big", effort="50")
    quarter = quarters.of(timezone.localdate())
    services.save_capacity(quarter=quarter, people=Decimal(1), days_per_person=Decimal(5))
    page = client_for(greet).get(reverse("intake:plan"), {"quarter": quarter}).content.decode()
    assert "No request fits the free days" in page
    assert "Accept this plan" not in page


def test_old_links_to_confirmations_say_why_not(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    project = services.accept(request, by=greet, owner=dirk, quarter="2027-Q1")
    withdraw = client_for(lena).get(reverse("intake:withdraw", args=[request.pk]), follow=True)
    assert withdraw.redirect_chain[-1][0] == reverse("intake:request", args=[request.pk])
    assert "already decided; it cannot be withdrawn" in withdraw.content.decode()
    services.close_project(project, by=dirk)
    manager = client_for(greet)
    close = manager.get(reverse("intake:project_close", args=[project.pk]), follow=True)
    assert close.redirect_chain[-1][0] == reverse("intake:project", args=[project.pk])
    assert "The project is already done." in close.content.decode()
    reopen = manager.get(reverse("intake:reopen", args=[request.pk]), follow=True)
    assert reopen.redirect_chain[-1][0] == reverse("intake:request", args=[request.pk])
    assert "Only accepted, parked or declined requests can be reopened." in reopen.content.decode()
    assert Request.objects.get(pk=request.pk).status == Request.Status.DONE
