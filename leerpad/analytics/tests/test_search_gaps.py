"""Search gaps on a small set of searches, with exact numbers and the k rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Location, Person
from leerpad.analytics import query, sync
from leerpad.analytics.filters import Scope
from leerpad.analytics.questions.search_gaps import SearchGap, normal, search_gaps
from leerpad.analytics.tests.conftest import at
from leerpad.lrs.services import record_for_person
from leerpad.search import tracking

pytestmark = pytest.mark.django_db

MARCH = Scope(start=at("2025-03-01", 0), end=at("2025-04-01", 0))
ITEM = "https://leerpad.example/catalogue/1/"


def searched(person: Person, query: str, results: int, when: dt.datetime) -> None:
    """What `search.tracking.record_search` records, at a chosen moment."""
    record_for_person(
        person,
        tracking.VERB_SEARCHED,
        {"en": "searched"},
        tracking.search_activity(),
        result={"extensions": {tracking.EXT_QUERY: query, tracking.EXT_RESULTS: results}},
        context={"extensions": {tracking.EXT_FILTERS: {}}},
        timestamp=when,
    )


def selected(person: Person, query: str, when: dt.datetime) -> None:
    """What the item page records for a click on a search result."""
    record_for_person(
        person,
        tracking.VERB_SELECTED,
        {"en": "selected"},
        {"objectType": "Activity", "id": ITEM},
        context={"extensions": {tracking.EXT_QUERY: query, tracking.EXT_RANK: 1}},
        timestamp=when,
    )


@pytest.fixture
def searches(make_person: Callable[..., Person], settings: Any) -> dict[str, Any]:
    """k = 3. Gent: G0..G4 (Dutch, G4 French); Brugge: B0, B1 (French)."""
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    gent_place = Location.objects.create(name="Gent")
    brugge_place = Location.objects.create(name="Brugge")
    g = [make_person(f"G{i}", location=gent_place, language="nl") for i in range(4)]
    g.append(make_person("G4", location=gent_place, language="fr"))
    b = [make_person(f"B{i}", location=brugge_place, language="fr") for i in range(2)]
    day = at("2025-03-10")
    # "excel macro's": 3 of Gent and 1 of Brugge, nothing found; one types it differently.
    for person, text in zip(
        [g[0], g[1], g[2], b[0]],
        ["Excel macro's", "excel macro's", "  EXCEL   macro's ", "excel macro's"],
        strict=True,
    ):
        searched(person, text, 0, day)
    searched(g[0], "excel macro's", 0, day + dt.timedelta(days=1))  # twice: one person
    # "onboarding": G0, G1, G4 found 5 results; only G0 chose one afterwards. G1 chose one
    # *before* searching (from an earlier search): that does not answer it.
    for person in (g[0], g[1], g[4]):
        searched(person, "onboarding", 5, day)
    selected(g[0], "Onboarding", day + dt.timedelta(minutes=2))
    selected(g[1], "onboarding", day - dt.timedelta(days=1))
    # "veiligheid": three searched, two chose a result: answered for most, not a gap.
    for person in (g[0], g[1], g[2]):
        searched(person, "veiligheid", 8, day)
    selected(g[0], "veiligheid", day + dt.timedelta(minutes=1))
    selected(g[1], "veiligheid", day + dt.timedelta(minutes=1))
    # Personal or rare: fewer than k people.
    searched(g[3], "jan peeters", 0, day)
    searched(b[0], "kassa 7", 0, day)
    searched(b[1], "kassa 7", 0, day)
    searched(g[3], "tijdsregistratie", 0, at("2025-02-10"))  # February: outside
    sync.sync()
    return {"gent": gent_place}


def test_gaps_with_people_unanswered_and_the_language(searches: dict[str, Any]) -> None:
    result = search_gaps(MARCH)

    assert result.gaps == [
        SearchGap(
            "excel macro's", people=4, unanswered=4, searches=5, empty_searches=5, language="nl"
        ),
        # 2 Dutch and 1 French speaker: no language has k = 3 of them, so none is named.
        SearchGap("onboarding", people=3, unanswered=2, searches=3, empty_searches=0, language=""),
    ]
    assert result.gaps[1].unanswered_percent == pytest.approx(200 / 3)
    # "jan peeters" (1 person) and "kassa 7" (2) are gaps too, but under k: only counted.
    assert result.hidden == 2
    assert result.queries == 3  # excel, onboarding, veiligheid


def test_a_filter_hides_a_query_that_differs_from_the_wider_view_by_under_k(
    searches: dict[str, Any],
) -> None:
    gent = Scope(start=MARCH.start, end=MARCH.end, location_id=searches["gent"].pk)

    result = search_gaps(gent)

    # Excel: 3 in Gent against 4 everywhere: one person apart, so not shown. Onboarding:
    # all 3 are in Gent, the same as everywhere.
    assert [g.query for g in result.gaps] == ["onboarding"]
    assert result.hidden == 2  # excel macro's; jan peeters (kassa 7 has nobody in Gent)


def test_a_larger_k_hides_more(searches: dict[str, Any], settings: Any) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 4

    result = search_gaps(MARCH)

    assert [(g.query, g.language) for g in result.gaps] == [("excel macro's", "")]


def test_nothing_searched(db: None) -> None:
    result = search_gaps(MARCH)

    assert result.gaps == [] and result.hidden == 0 and result.queries == 0


def test_queries_are_grouped_case_folded_and_trimmed() -> None:
    assert normal("  Straße   Plan ") == "strasse plan"


def test_the_json_macros_on_both_dialects() -> None:
    template = "@json_text(e.raw, 'result', 'extensions', 'https://x.example/q')"

    assert query.render(template, query.DUCKDB) == (
        """json_extract_string(e.raw, '$."result"."extensions"."https://x.example/q"')"""
    )
    assert query.render(template, query.CLICKHOUSE) == (
        "nullIf(JSONExtractString(e.raw, 'result', 'extensions', 'https://x.example/q'), '')"
    )
    assert query.render("@json_int(raw, 'n')", query.CLICKHOUSE) == (
        "JSONExtract(raw, 'n', 'Nullable(Int64)')"
    )
    with pytest.raises(ValueError, match="quoted constant"):
        query.render("@json_int(raw, result)", query.DUCKDB)  # a column, not a constant
    with pytest.raises(ValueError, match="quoted constant"):
        query.render("""@json_text(raw, 'a"b')""", query.DUCKDB)
