"""A campaign's funnel: people (not messages) per step, the window, nesting of the first
steps, the goal counted for everyone, rows per variant with the hold-out group, and
small variant rows withholding what people did; the page and its permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.campaigns import funnel, services
from leerpad.campaigns.models import HOLDOUT_KEY, Campaign, Delivery, Experiment
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign
from leerpad.campaigns.tests.experiment_helpers import assign_people, experiment
from leerpad.core import extensions as xapi
from leerpad.lrs.services import record_for_person
from leerpad.paths.models import Enrolment
from leerpad.paths.tests.learner_helpers import make_path

DAY = dt.timedelta(days=1)
ClientFor = Callable[[Person], Client]


@pytest.fixture
def make_people(make_person: Callable[..., Person]) -> Callable[[str, int], list[Person]]:
    def make(prefix: str, n: int) -> list[Person]:
        return [make_person(f"{prefix}{i:02d}") for i in range(n)]

    return make


def _deliver(c: Campaign, person: Person, status: str, **fields: Any) -> Delivery:
    message = c.messages.first()
    assert message is not None
    sent = status in (Delivery.Status.SENT, Delivery.Status.FAILED)
    return Delivery.objects.create(
        campaign=c,
        message=message,
        person=person,
        channel=message.channel,
        occurrence=fields.pop("occurrence", "once"),
        status=status,
        scheduled_for=TUESDAY,
        sent_at=TUESDAY + dt.timedelta(hours=1) if sent else None,
        **fields,
    )


def _steps(row: funnel.Row) -> dict[str, tuple[Any, Any]]:
    return {step.key: (step.count, step.rate) for step in row.steps}


def test_people_per_step_in_the_window_with_nested_first_steps(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    path = make_path("welkom")
    c = campaign(goal=Campaign.Goal.ENROL, goal_path=path)
    p = make_people("P", 8)
    sent = [_deliver(c, person, Delivery.Status.SENT) for person in p[:5]]
    # A second weekly message to the same person: people are counted once.
    _deliver(c, p[0], Delivery.Status.SENT, occurrence="2026-W50")
    _deliver(c, p[5], Delivery.Status.FAILED)
    _deliver(c, p[6], Delivery.Status.QUEUED)
    _deliver(c, p[7], Delivery.Status.SKIPPED, reason=Delivery.Reason.OPTED_OUT)
    for delivery in sent[:3]:
        services.follow_link(delivery, now=TUESDAY + DAY)
    services.follow_link(sent[3], now=TUESDAY + 20 * DAY)  # clicked, but after the window
    # p4 arrives through a forwarded campaign link without clicking their own message.
    record_for_person(
        p[4],
        "http://id.tincanapi.com/verb/viewed",
        {"en-US": "viewed"},
        {"objectType": "Activity", "id": "https://leerpad.test/items/1"},
        context={"extensions": {xapi.ARRIVAL: "campaign", xapi.CAMPAIGN: c.key}},
        timestamp=TUESDAY + 2 * DAY,
    )
    version = path.current
    assert version is not None
    Enrolment.objects.create(person=p[0], path=path, version=version, enrolled_at=TUESDAY + DAY)
    Enrolment.objects.create(person=p[4], path=path, version=version, enrolled_at=TUESDAY + DAY)
    Enrolment.objects.create(
        person=p[1], path=path, version=version, enrolled_at=TUESDAY + 30 * DAY
    )

    found = funnel.funnel(c)
    assert found.window_days == funnel.DEFAULT_WINDOW_DAYS and not found.experiment
    (row,) = found.rows
    assert row.people == 7  # the opted-out person was never sent anything
    steps = _steps(row)
    # Enrolling is the goal itself: no separate enrolled step.
    assert list(steps) == ["sent", "delivered", "clicked", "visited", "goal"]
    assert steps["sent"] == (6, pytest.approx(6 / 7))
    assert steps["delivered"] == (5, pytest.approx(5 / 6))
    assert steps["clicked"] == (4, pytest.approx(4 / 5))
    assert steps["visited"] == (3, pytest.approx(3 / 4))
    # The goal counts everyone of the row, however they came (p4 enrolled without clicking).
    assert steps["goal"] == (2, pytest.approx(2 / 7))
    assert row.steps[-1].of_all and not row.steps[0].of_all


def test_rows_per_variant_with_the_hold_out_and_small_rows_withheld(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    exp = experiment(window_days=7, metric=Experiment.Metric.VISITED, holdout=10)
    a, b, held = make_people("A", 6), make_people("B", 3), make_people("H", 5)
    assign_people(exp, a, "A")
    assign_people(exp, b, "B")
    assign_people(exp, held, HOLDOUT_KEY)
    deliveries = {d.person_id: d for d in exp.campaign.deliveries.all()}
    services.follow_link(deliveries[a[0].pk], now=TUESDAY + DAY)
    services.follow_link(deliveries[a[1].pk], now=TUESDAY + 10 * DAY)  # after the 7 days
    services.follow_link(deliveries[b[0].pk], now=TUESDAY + DAY)
    record_for_person(
        held[0],
        "http://id.tincanapi.com/verb/viewed",
        {"en-US": "viewed"},
        {"objectType": "Activity", "id": "https://leerpad.test/items/1"},
        timestamp=TUESDAY + DAY,
    )
    found = funnel.funnel(exp.campaign)
    assert found.experiment and found.window_days == 7 and found.k == 5
    rows = {row.key: row for row in found.rows}
    assert list(rows) == ["", "A", "B", HOLDOUT_KEY]
    assert rows[""].people == 9  # the hold-out group was sent nothing
    assert _steps(rows["A"])["clicked"] == (2, pytest.approx(2 / 6))
    assert _steps(rows["A"])["visited"] == (1, pytest.approx(1 / 2))
    # The goal (visit Leerpad): any visit inside the window, the click's own included.
    assert _steps(rows["A"])["goal"] == (1, pytest.approx(1 / 6))
    # B has fewer than k people: its sends show, what its people did does not.
    small = _steps(rows["B"])
    assert not rows["B"].shown and small["sent"] == (3, 1.0)
    assert small["visited"] == (None, None) and small["goal"] == (None, None)
    holdout = _steps(rows[HOLDOUT_KEY])
    assert rows[HOLDOUT_KEY].holdout and rows[HOLDOUT_KEY].people == 5
    assert holdout["sent"] == (None, None) and holdout["clicked"] == (None, None)
    assert holdout["goal"] == (1, pytest.approx(1 / 5))


def test_a_campaign_not_sent_yet_has_an_empty_funnel(db: None) -> None:
    found = funnel.funnel(campaign())
    assert found.empty and found.rows[0].people == 0


def test_funnel_page_permissions_and_partial(
    client: Client, client_for: ClientFor, lena: Person, mira: Person
) -> None:
    c = campaign()
    url = reverse("campaigns:campaign_funnel", args=[c.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(lena).get(url).status_code == 403
    client = client_for(mira)
    log = client.get(reverse("campaigns:campaign_log", args=[c.pk])).content.decode()
    assert f'hx-get="{url}"' in log
    page = client.get(url).content.decode()
    assert "<html" in page and "No one has been sent this campaign yet" in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="campaign-funnel"' in partial


def test_funnel_table_shows_rates_and_the_verdict_link(
    client_for: ClientFor, mira: Person, make_people: Callable[[str, int], list[Person]]
) -> None:
    exp = experiment(holdout=10)
    a, b = make_people("A", 5), make_people("B", 2)
    assign_people(exp, a, "A", clicked_at=TUESDAY + DAY)
    assign_people(exp, b, "B")
    url = reverse("campaigns:campaign_funnel", args=[exp.campaign_id])
    page = client_for(mira).get(url).content.decode()
    assert "100 percent of previous" in page
    assert "fewer than 5" in page  # B's learning steps
    assert reverse("campaigns:experiment_results", args=[exp.campaign_id]) in page


def test_experiment_arms_count_by_intention_to_treat(
    make_people: Callable[[str, int], list[Person]],
) -> None:
    exp = experiment()
    a = make_people("A", 5)
    assign_people(exp, a[:4], "A")
    # Skipped at send time (the goal was reached meanwhile): still in arm A, as in results.
    assign_people(exp, a[4:], "A")
    Delivery.objects.filter(person=a[4]).update(
        status=Delivery.Status.SKIPPED, reason=Delivery.Reason.GOAL_REACHED, sent_at=None
    )
    # Skipped by the respect rules at planning (no variant): never part of the audience.
    outsider = make_people("O", 1)[0]
    _deliver(exp.campaign, outsider, Delivery.Status.SKIPPED, reason=Delivery.Reason.CAPPED)
    rows = {row.key: row for row in funnel.funnel(exp.campaign).rows}
    assert rows["A"].people == 5 and rows[""].people == 5
    assert _steps(rows["A"])["sent"] == (4, pytest.approx(4 / 5))
