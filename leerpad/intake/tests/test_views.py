"""The intake pages through the test client: who may do what, validation shown, the
board, the plan, the tile and the home panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Notification
from leerpad.intake import quarters, services
from leerpad.intake.models import Capacity, Milestone, Project, Request, Weights
from leerpad.intake.tests.helpers import scored, submit

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
TIMES = "\u00d7"  # the multiplication sign the pages show


def test_anonymous_is_sent_to_login(client: Client, lena: Person) -> None:
    request = submit(lena)
    for url in (
        reverse("intake:new"),
        reverse("intake:mine"),
        reverse("intake:board"),
        reverse("intake:plan"),
        reverse("intake:request", args=[request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response["Location"] or "login" in response["Location"]


def test_learner_submits_and_follows_a_request(client_for: ClientFor, lena: Person) -> None:
    client = client_for(lena)
    response = client.post(
        reverse("intake:new"),
        {
            "title": "Garden furniture advice",
            "problem": "Customers ask about teak care and we do not know.",
            "audience": "Garden specialists",
            "outcome": "Confident advice",
            "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "sponsor_name": "Store manager Gent",
        },
    )
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:request", args=[request.pk])
    assert request.requester == lena
    page = client.get(reverse("intake:mine")).content.decode()
    assert "Garden furniture advice" in page and "Submitted" in page
    detail = client.get(reverse("intake:request", args=[request.pk])).content.decode()
    assert "Withdraw this request" in detail
    assert "Save the score" not in detail  # learners do not score


def test_request_form_shows_errors(client_for: ClientFor, lena: Person) -> None:
    response = client_for(lena).post(
        reverse("intake:new"),
        {
            "title": "",
            "problem": "p",
            "audience": "a",
            "outcome": "o",
            "deadline": "2001-01-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "The deadline cannot be in the past." in page
    assert not Request.objects.exists()


def test_others_cannot_see_a_request(
    client_for: ClientFor, lena: Person, make_person: Callable[..., Person], dirk: Person
) -> None:
    request = submit(lena)
    other = make_person("Olaf")
    assert client_for(other).get(reverse("intake:request", args=[request.pk])).status_code == 403
    assert client_for(dirk).get(reverse("intake:request", args=[request.pk])).status_code == 200


def test_withdraw_with_confirmation(client_for: ClientFor, lena: Person, cas: Person) -> None:
    request = submit(lena)
    url = reverse("intake:withdraw", args=[request.pk])
    assert client_for(cas).post(url).status_code == 403
    client = client_for(lena)
    assert "You cannot undo this" in client.get(url).content.decode()
    assert Request.objects.get(pk=request.pk).status == Request.Status.NEW
    client.post(url)
    assert Request.objects.get(pk=request.pk).status == Request.Status.WITHDRAWN


def test_team_pages_are_for_the_team(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    learner = client_for(lena)
    for name in ("intake:board", "intake:plan", "intake:capacity", "intake:weights"):
        assert learner.get(reverse(name)).status_code == 403, name
    team = client_for(dirk)
    assert team.get(reverse("intake:board")).status_code == 200
    assert team.get(reverse("intake:plan")).status_code == 200
    # Weights and capacity are the managers'.
    assert team.get(reverse("intake:capacity")).status_code == 403
    assert team.get(reverse("intake:weights")).status_code == 403


def test_scoring_from_the_page(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    request = submit(lena)
    url = reverse("intake:score", args=[request.pk])
    assert client_for(lena).post(url, {"value": 5}).status_code == 403
    client = client_for(dirk)
    bad = client.post(url, {"value": 4, "urgency": 3, "risk": 2, "effort_days": "0"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    client.post(url, {"value": 8, "urgency": 5, "risk": 2, "effort_days": "3"})
    request.refresh_from_db()
    assert (request.value, request.effort_days) == (8, Decimal(3))
    page = client.get(reverse("intake:request", args=[request.pk])).content.decode()
    # The formula with each part: (1 x 8 + 1 x 5 + 1 x 2) / 3 = 15 / 3 = 5.00
    assert f"(1 {TIMES} value 8" in page
    assert "= 15 ÷ 3 = <strong>5.00</strong>" in page


def test_decisions_are_for_managers_and_validated(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    park = reverse("intake:decide", args=[request.pk, "park"])
    assert client_for(dirk).post(park, {"reason": "x"}).status_code == 403
    client = client_for(greet)
    bad = client.post(park, {"reason": "", "revisit_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Say why the request is parked." in page or "This field is required." in page
    assert "The revisit date must be in the future." in page
    decline = reverse("intake:decide", args=[request.pk, "decline"])
    assert "This field is required." in client.post(decline, {"reason": ""}).content.decode()
    client.post(decline, {"reason": "Not this year"})
    assert Request.objects.get(pk=request.pk).status == Request.Status.DECLINED
    assert Notification.objects.filter(person=lena).exists()


def test_accept_then_project_milestones_and_reopen(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk)
    client = client_for(greet)
    response = client.post(
        reverse("intake:decide", args=[request.pk, "accept"]),
        {"owner": dirk.pk, "quarter": "2027-q1"},
    )
    project = Project.objects.get(request=request)
    assert response["Location"] == reverse("intake:project", args=[project.pk])
    assert project.quarter == "2027-Q1" and project.owner == dirk
    # The owner adds and ticks milestones; another team member only looks.
    owner = client_for(dirk)
    owner.post(
        reverse("intake:project", args=[project.pk]),
        {"title": "Pilot in Gent", "due": "2027-02-01"},
    )
    milestone = Milestone.objects.get(project=project)
    owner.post(reverse("intake:milestone_tick", args=[milestone.pk]), {"done": "1"})
    assert Milestone.objects.get(pk=milestone.pk).done
    # Reopen asks first, then undoes the decision.
    client = client_for(greet)
    reopen = reverse("intake:reopen", args=[request.pk])
    assert "will be deleted" in client.get(reopen).content.decode()
    assert Project.objects.filter(pk=project.pk).exists()
    client.post(reopen)
    assert Request.objects.get(pk=request.pk).status == Request.Status.SCORED
    assert not Project.objects.exists()


def test_milestones_only_by_owner_or_manager(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person, mira: Person
) -> None:
    project = services.accept(scored(lena, dirk), by=greet, owner=dirk, quarter="2027-Q1")
    milestone = services.add_milestone(project, title="Kick-off", due=timezone.localdate())
    marketer = client_for(mira)
    tick = reverse("intake:milestone_tick", args=[milestone.pk])
    assert marketer.post(tick, {"done": "1"}).status_code == 403
    assert marketer.get(reverse("intake:project", args=[project.pk])).status_code == 200
    response = client_for(greet).post(tick, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="milestone-' in response.content.decode()


def test_board_shows_parked_with_revisit_date(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    request = scored(lena, dirk, "Parked thing")
    revisit = timezone.localdate() + dt.timedelta(days=20)
    services.park(request, by=greet, reason="later", revisit_on=revisit)
    page = client_for(dirk).get(reverse("intake:board")).content.decode()
    parked = page[page.index('id="column-parked"') :]
    parked = parked[: parked.index("</section>")]
    assert "Parked thing" in parked
    assert "back on" in parked


def test_plan_page_explains_and_manager_accepts(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    quarter = quarters.of(timezone.localdate())
    services.save_capacity(quarter=quarter, people=Decimal(2), days_per_person=Decimal(5))
    a = scored(lena, dirk, "A", value=5, urgency=5, risk=2, effort="6")
    b = scored(lena, dirk, "B", value=5, urgency=2, risk=2, effort="5")
    c = scored(lena, dirk, "C", value=3, urgency=3, risk=3, effort="5")
    page = client_for(dirk).get(reverse("intake:plan"), {"quarter": quarter}).content.decode()
    assert f"2 people {TIMES} 5 days = 10 days, minus 0 days for running projects" in page
    assert "leaving it out would lose 6.0 in total value" in page
    assert "taking it in would cost 6.0 of total value" in page
    assert "would have given a value of 12.0" in page
    assert "Accept this plan" not in page  # not a manager
    client = client_for(greet)
    # Pin A in: the plan becomes A alone.
    client.post(reverse("intake:pin", args=[a.pk]), {"pin": "in", "quarter": quarter})
    assert Request.objects.get(pk=a.pk).pin == "in"
    # The button asks first: the confirmation lists what becomes a project.
    confirm = client.get(reverse("intake:plan_accept"), {"quarter": quarter, "chosen": str(a.pk)})
    assert "A</a>" in confirm.content.decode() and "B</a>" not in confirm.content.decode()
    assert not Project.objects.exists()
    # A stale plan is refused; the current one is accepted.
    client.post(reverse("intake:plan_accept"), {"quarter": quarter, "chosen": f"{b.pk},{c.pk}"})
    assert not Project.objects.exists()
    done = client.post(
        reverse("intake:plan_accept"), {"quarter": quarter, "chosen": str(a.pk)}, follow=True
    )
    assert Project.objects.get().request_id == a.pk
    assert f"Plan accepted: 1 request became a project for {quarter}." in done.content.decode()


def test_capacity_and_weights_pages(client_for: ClientFor, greet: Person) -> None:
    client = client_for(greet)
    bad = client.post(
        reverse("intake:capacity"), {"quarter": "Q1 2027", "people": "3", "days_per_person": "8"}
    )
    assert "Write the quarter as 2027-Q1." in bad.content.decode()
    client.post(
        reverse("intake:capacity"), {"quarter": "2027-Q1", "people": "3", "days_per_person": "8"}
    )
    assert Capacity.objects.get().gross_days == Decimal(24)
    assert f"3 {TIMES} 8 = 24" in client.get(reverse("intake:capacity")).content.decode()
    zero = client.post(reverse("intake:weights"), {"value": "0", "urgency": "0", "risk": "0"})
    assert "At least one weight must be above zero." in zero.content.decode()
    client.post(reverse("intake:weights"), {"value": "2", "urgency": "1", "risk": "0.5"})
    assert Weights.current().risk == Decimal("0.5")


def test_workspace_tile_and_home_panel(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    submit(lena)
    tile_page = client_for(dirk).get(reverse("workspace")).content.decode()
    assert "Intake and focus" in tile_page and "1 new request" in tile_page
    home = client_for(lena).get(reverse("core:home")).content.decode()
    assert "Ask the LD&M team" in home and "1 open request" in home


def test_board_and_mine_do_not_query_per_request(
    client_for: ClientFor,
    lena: Person,
    dirk: Person,
    greet: Person,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(8):
        request = scored(lena, dirk, f"R{n}")
        if n % 2:
            services.accept(request, by=greet, owner=dirk, quarter="2027-Q1")
    team = client_for(dirk)
    team.get(reverse("intake:board"))  # warm up (sessions, weights row)
    # Two per column (count and cards) plus the page's own: not one per card.
    with django_assert_max_num_queries(17):
        team.get(reverse("intake:board"))
    learner = client_for(lena)
    learner.get(reverse("intake:mine"))
    with django_assert_max_num_queries(7):
        learner.get(reverse("intake:mine"))


def test_unknown_decision_is_not_found(client_for: ClientFor, lena: Person, greet: Person) -> None:
    request = submit(lena)
    url = reverse("intake:decide", args=[request.pk, "shelve"])
    assert client_for(greet).post(url).status_code == 404


def test_data_export_lists_requests(lena: Person) -> None:
    from leerpad.intake.personal_data import personal_data

    submit(lena, "Teak care")
    section, data = personal_data(sender=None, person=lena)
    assert section == "intake"
    assert [r["title"] for r in data["requests"]] == ["Teak care"]


def test_a_project_owner_has_the_workspace(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    """A learner cannot open a project page, so they cannot be made its owner."""
    request = scored(lena, dirk)
    client = client_for(greet)
    response = client.post(
        reverse("intake:decide", args=[request.pk, "accept"]),
        {"owner": lena.pk, "quarter": "2027-Q1"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Project.objects.exists()
    project = services.accept(request, by=greet, owner=dirk, quarter="2027-Q1")
    response = client.post(
        reverse("intake:project_owner", args=[project.pk]), {"owner": lena.pk}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    project.refresh_from_db()
    assert project.owner == dirk


def test_marking_a_project_done_asks_first(
    client_for: ClientFor, lena: Person, dirk: Person, greet: Person
) -> None:
    project = services.accept(scored(lena, dirk), by=greet, owner=dirk, quarter="2027-Q1")
    milestone = services.add_milestone(project, title="Pilot", due=timezone.localdate())
    owner = client_for(dirk)
    close = reverse("intake:project_close", args=[project.pk])
    assert close in owner.get(reverse("intake:project", args=[project.pk])).content.decode()
    confirm = owner.get(close)
    assert confirm.status_code == 200
    assert "cannot be reopened" in confirm.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    assert not Notification.objects.filter(person=lena, title__contains="done").exists()
    assert owner.post(close).status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.DONE
    # A done project's milestones stay as they were: no tick buttons, no ticking.
    page = owner.get(reverse("intake:project", args=[project.pk])).content.decode()
    assert reverse("intake:milestone_tick", args=[milestone.pk]) not in page
    owner.post(reverse("intake:milestone_tick", args=[milestone.pk]), {"done": "1"})
    stale = owner.post(
        reverse("intake:milestone_tick", args=[milestone.pk]),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    assert stale["HX-Redirect"] == reverse("intake:project", args=[project.pk])
    milestone.refresh_from_db()
    assert not milestone.done
    assert client_for(lena).get(close).status_code == 403


def test_the_accepted_step_reads_in_the_readers_language(
    client_for: ClientFor, mira: Person, dirk: Person, greet: Person
) -> None:
    """Greet decides in Dutch; Mira (French) reads "planned for" in French, and an English
    reader in English: the timeline does not freeze the manager's language."""
    from django.conf import settings
    from django.utils import translation

    request = scored(mira, dirk)
    with translation.override("nl"):
        services.accept(request, by=greet, owner=dirk, quarter="2027-Q1")
    url = reverse("intake:request", args=[request.pk])
    client = client_for(mira)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(url).content.decode()
    assert "prévu pour 2027-Q1" in page and "gepland" not in page
    other = client_for(dirk)
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = other.get(url).content.decode()
    assert "planned for 2027-Q1" in english and "gepland" not in english


def test_the_capacity_page_does_not_query_per_quarter(
    client_for: ClientFor,
    lena: Person,
    dirk: Person,
    greet: Person,
    django_assert_max_num_queries: Any,
) -> None:
    """Quarters pile up over the years: the page reads them all in a fixed number of queries,
    with each quarter's running work still subtracted."""
    for year in range(2027, 2033):
        for q in (1, 2):
            services.save_capacity(
                quarter=f"{year}-Q{q}", people=Decimal(2), days_per_person=Decimal(10)
            )
    for n, quarter in enumerate(("2027-Q1", "2028-Q2", "2031-Q1")):
        project = services.accept(
            scored(lena, dirk, f"Project {n}", effort="6"), by=greet, owner=dirk, quarter=quarter
        )
        services.add_milestone(project, title="Half", due=timezone.localdate())
        done = services.add_milestone(project, title="Other half", due=timezone.localdate())
        services.tick_milestone(done, done=True)
    client = client_for(greet)
    client.get(reverse("intake:capacity"))  # warm the session and the role cache
    with django_assert_max_num_queries(10):
        page = client.get(reverse("intake:capacity")).content.decode()
    assert page.count("2032-Q2") >= 1
    assert "Project 1: 3.0" in page  # 6 days, one of two milestones open
