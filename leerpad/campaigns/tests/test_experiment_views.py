"""Experiment pages: marketers set up, start and read; others get 403; anonymous a login."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Person
from leerpad.campaigns.models import Experiment
from leerpad.campaigns.tests.campaign_helpers import campaign
from leerpad.campaigns.tests.experiment_helpers import assign_people, experiment

ClientFor = Callable[[Person], Client]


@pytest.fixture
def audience(make_person: Callable[..., Person]) -> list[Person]:
    return [make_person(f"P{i:02d}") for i in range(10)]


def test_a_marketer_sets_up_an_experiment_with_a_plan(
    client_for: ClientFor, mira: Person, audience: list[Person]
) -> None:
    made = campaign()
    browser = client_for(mira)
    url = reverse("campaigns:experiment_setup", args=[made.pk])
    page = browser.get(url)
    assert page.status_code == 200
    # 11 people (mira included) in two variants: 5 each, too few for any realistic effect.
    assert "5 people per variant" in page.content.decode()
    response = browser.post(
        url,
        {
            "varies": "hook",
            "metric": "visited",
            "window_days": 14,
            "mode": "sequential",
            "holdout_percent": 0,
            "bandit_floor": 0.05,
            "base_rate": 10,
            "A-name": "Control",
            "B-name": "Curious",
            "B-text_en": "Guess what, {first_name}?",
        },
    )
    assert response.status_code == 302
    exp = Experiment.objects.get(campaign=made)
    assert exp.status == Experiment.Status.DRAFT
    assert [(v.key, v.texts) for v in exp.variants.all()] == [
        ("A", {}),
        ("B", {"en": "Guess what, {first_name}?"}),
    ]
    assert exp.planned_per_arm == 5
    browser.post(reverse("campaigns:experiment_start", args=[made.pk]))
    exp.refresh_from_db()
    assert exp.status == Experiment.Status.RUNNING
    log = browser.get(reverse("campaigns:campaign_log", args=[made.pk])).content.decode()
    assert reverse("campaigns:experiment_results", args=[made.pk]) in log


def test_a_variant_without_its_text_is_refused(client_for: ClientFor, mira: Person) -> None:
    made = campaign()
    response = client_for(mira).post(
        reverse("campaigns:experiment_setup", args=[made.pk]),
        {
            "varies": "hook",
            "metric": "visited",
            "window_days": 14,
            "mode": "sequential",
            "holdout_percent": 0,
            "bandit_floor": 0.05,
            "base_rate": 10,
        },
    )
    assert response.status_code == 200
    assert "Variant B: write its text" in response.content.decode()
    assert not Experiment.objects.exists()


def test_the_results_page_shows_the_funnel_without_small_groups(
    client_for: ClientFor, mira: Person
) -> None:
    exp = experiment()
    page = client_for(mira).get(reverse("campaigns:experiment_results", args=[exp.campaign_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "fewer than 5 people" in text and "No verdict yet" in text


def test_only_marketers_see_experiments(client_for: ClientFor, lena: Person) -> None:
    exp = experiment()
    for name in ("experiment_setup", "experiment_results"):
        url = reverse(f"campaigns:{name}", args=[exp.campaign_id])
        assert client_for(lena).get(url).status_code == 403
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    start = reverse("campaigns:experiment_start", args=[exp.campaign_id])
    assert client_for(lena).post(start).status_code == 403


def test_the_results_page_shows_the_verdict_and_funnel(
    client_for: ClientFor, mira: Person, make_person: Callable[..., Person]
) -> None:
    exp = experiment()
    assign_people(exp, [make_person(f"A{i}") for i in range(6)], "A")
    assign_people(exp, [make_person(f"B{i}") for i in range(7)], "B")
    page = client_for(mira).get(reverse("campaigns:experiment_results", args=[exp.campaign_id]))
    text = page.content.decode()
    assert "Variant B: not enough results yet to judge (0 of the 30 needed per variant)." in text
    assert '<th scope="row">B · Curious</th>' in text
    assert 'id="funnel"' in text and "<svg" in text
    assert "fewer than" not in text
