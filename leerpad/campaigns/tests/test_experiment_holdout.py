"""The hold-out group answers "is a message better than none?": every messaged arm pooled
against the people who got nothing, with the planned hold-out share as the split to check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.campaigns import results
from leerpad.campaigns.models import HOLDOUT_KEY, Experiment
from leerpad.campaigns.stats import verdict as stats_verdict
from leerpad.campaigns.stats.inputs import ArmStats
from leerpad.campaigns.tests.campaign_helpers import TUESDAY
from leerpad.campaigns.tests.experiment_helpers import assign_people, experiment
from leerpad.lrs.services import record_for_person

DAY = dt.timedelta(days=1)
FIXED = stats_verdict.Settings(mode=stats_verdict.Mode.FIXED)


@pytest.fixture
def make_people(make_person: Callable[..., Person]) -> Callable[[str, int], list[Person]]:
    def make(prefix: str, n: int) -> list[Person]:
        return [make_person(f"{prefix}{i:02d}") for i in range(n)]

    return make


def _visit(person: Person) -> None:
    record_for_person(
        person,
        "http://id.tincanapi.com/verb/viewed",
        {"en-US": "viewed"},
        {"objectType": "Activity", "id": "https://leerpad.test/items/1"},
        timestamp=TUESDAY + 2 * DAY,
    )


def _with_holdout(make_people: Callable[[str, int], list[Person]]) -> Experiment:
    exp = experiment(metric=Experiment.Metric.VISITED, holdout=20, mode=Experiment.Mode.FIXED)
    a, b, held = make_people("A", 6), make_people("B", 7), make_people("H", 5)
    assign_people(exp, a, "A")
    assign_people(exp, b, "B")
    assign_people(exp, held, HOLDOUT_KEY)
    for person in [*a[:3], *b[:5], held[0]]:
        _visit(person)
    return exp


def test_all_messaged_people_are_pooled_against_the_holdout(
    monkeypatch: pytest.MonkeyPatch, make_people: Callable[[str, int], list[Person]]
) -> None:
    exp = _with_holdout(make_people)
    seen: list[tuple[list[ArmStats], stats_verdict.Settings]] = []
    real = stats_verdict.judge

    def spy(arms: list[ArmStats], settings: stats_verdict.Settings) -> stats_verdict.Verdict:
        seen.append((list(arms), settings))
        return real(arms, settings)

    monkeypatch.setattr(stats_verdict, "judge", spy)
    found = results.results(exp, now=TUESDAY + 10 * DAY)
    assert len(seen) == 2  # the variants, then message or none
    arms, settings = seen[1]
    assert arms == [
        ArmStats.binomial(5, 1, name=HOLDOUT_KEY),
        ArmStats.binomial(13, 8, name="messaged"),
    ]
    assert settings.weights == (20.0, 80.0)
    assert settings.history is None
    assert found.holdout_verdict is not None
    assert found.holdout_text.startswith("Message or none: not enough results")


def test_no_holdout_no_second_verdict(make_people: Callable[[str, int], list[Person]]) -> None:
    exp = experiment(metric=Experiment.Metric.VISITED, mode=Experiment.Mode.FIXED)
    assign_people(exp, make_people("A", 6), "A")
    assign_people(exp, make_people("B", 6), "B")
    found = results.results(exp, now=TUESDAY + 10 * DAY)
    assert found.verdict is not None
    assert found.holdout_verdict is None
    assert found.holdout_text == ""


def test_a_holdout_under_k_is_not_judged(make_people: Callable[[str, int], list[Person]]) -> None:
    exp = experiment(metric=Experiment.Metric.VISITED, holdout=10, mode=Experiment.Mode.FIXED)
    assign_people(exp, make_people("A", 6), "A")
    assign_people(exp, make_people("B", 6), "B")
    assign_people(exp, make_people("H", 2), HOLDOUT_KEY)
    assert results.results(exp, now=TUESDAY + 10 * DAY).holdout_text == ""


@pytest.mark.parametrize(
    ("held", "messaged", "start"),
    [
        ((400, 40), (1600, 400), "The messages work: people who got one show +15.0 pp visits"),
        ((400, 120), (1600, 320), "The messages backfire: people who got one show -10.0 pp"),
        ((400, 100), (1600, 400), "Message or none: no difference worth acting on, 0.0 pp"),
        ((40, 4), (160, 20), "Message or none: not enough results yet"),
    ],
)
def test_the_sentence_says_whether_messages_work(
    held: tuple[int, int], messaged: tuple[int, int], start: str
) -> None:
    settings = stats_verdict.Settings(mode=stats_verdict.Mode.FIXED, weights=(20.0, 80.0))
    verdict = stats_verdict.judge(
        [ArmStats.binomial(*held, name="H"), ArmStats.binomial(*messaged, name="messaged")],
        settings,
    )
    assert results.describe_holdout(verdict, "visits").startswith(start)


def test_the_results_page_shows_message_or_none(
    make_people: Callable[[str, int], list[Person]],
    mira: Person,
    client_for: Callable[..., Client],
) -> None:
    exp = _with_holdout(make_people)
    html = client_for(mira).get(f"/campaigns/{exp.campaign.pk}/experiment/results/").content
    assert b'id="holdout-verdict"' in html
    assert b"Message or none" in html
