"""Pseudonymous CSV exports: nothing that names a person, no join across exports, groups of k."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leerpad.accounts.models import Location, Person
from leerpad.analytics import sync
from leerpad.core.access import Role
from leerpad.lrs.services import record_for_person
from leerpad.privacy import exports
from leerpad.privacy.models import ExportRecord

pytestmark = pytest.mark.urls("leerpad.privacy.tests.urls")

EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
COURSE = "https://tool.example/courses/1"
MARCH = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def did(person: Person, day: str, **context: Any) -> str:
    when = dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=dt.UTC)
    return record_for_person(
        person,
        EXPERIENCED,
        {"en": "experienced"},
        {"objectType": "Activity", "id": COURSE},
        context=context or None,
        timestamp=when,
    )


@pytest.fixture
def people(
    settings: Any, make_person: Callable[..., Person], lena: Person, gent: Location
) -> dict[str, list[Person]]:
    """Lena and four colleagues in Gent (5 = k), two people in Brugge (below k)."""
    settings.LEERPAD_MIN_GROUP_SIZE = 5
    brugge = Location.objects.create(name="Brugge")
    in_gent = [lena] + [make_person(f"Gent{i}", location=gent) for i in range(4)]
    in_brugge = [make_person(f"Brugge{i}", location=brugge) for i in range(2)]
    return {"gent": in_gent, "brugge": in_brugge}


def export(optional: tuple[str, ...] = (), **kwargs: Any) -> list[dict[str, str]]:
    text = "".join(exports.csv_lines(exports.rows(*MARCH, optional, **kwargs)))
    return list(csv.DictReader(io.StringIO(text)))


def test_rows_carry_no_identity_and_pseudonyms_hold_within_one_export(
    people: dict[str, list[Person]],
) -> None:
    everyone = people["gent"] + people["brugge"]
    for person in everyone:
        did(person, "2026-03-05")
    lena = people["gent"][0]
    did(lena, "2026-03-06")
    did(lena, "2026-04-02")  # outside the period
    sync.sync()
    rows = export(("location_id",))
    assert len(rows) == len(everyone) + 1
    assert list(rows[0]) == ["learner", "time", "verb", "object_type", "object", "location_id"]
    text = repr(rows)
    for person in everyone:
        for secret in (person.email, person.first_name):
            assert secret not in text
        assert hashlib.sha256(str(person.pk).encode()).hexdigest() not in text
    learners = [r["learner"] for r in rows]
    assert all(len(p) == 64 for p in learners)
    # One pseudonym per learner: Lena's two March rows share hers, nobody else's does.
    assert len(set(learners)) == len(everyone)
    assert sorted(learners.count(p) for p in set(learners)) == [1] * (len(everyone) - 1) + [2]
    assert {r["time"] for r in rows} == {"2026-03-05", "2026-03-06"}


def test_two_exports_cannot_be_joined(people: dict[str, list[Person]]) -> None:
    for person in people["gent"]:
        did(person, "2026-03-05")
    sync.sync()
    first = {r["learner"] for r in export()}
    second = {r["learner"] for r in export()}
    assert len(first) == len(second) == 5
    assert not first & second


def test_dimensions_only_for_groups_of_at_least_k(people: dict[str, list[Person]]) -> None:
    for person in people["gent"] + people["brugge"]:
        did(person, "2026-03-05")
    sync.sync()
    gent_id = str(people["gent"][0].location_id)
    rows = export(("location_id",))
    shown = [r["location_id"] for r in rows]
    assert shown.count(gent_id) == 5
    assert shown.count("") == 2  # Brugge's two: fewer than k
    brugge_id = str(people["brugge"][0].location_id)
    assert brugge_id not in shown


def test_combinations_of_dimensions_are_guarded_together(
    people: dict[str, list[Person]],
) -> None:
    # Five in Gent, but only Lena has her team: location + team would single her out.
    for person in people["gent"]:
        did(person, "2026-03-05")
    sync.sync()
    rows = export(("location_id", "team_id"))
    assert {(r["location_id"], r["team_id"]) for r in rows} == {("", "")}
    rows = export(("location_id",))
    assert {r["location_id"] for r in rows} == {str(people["gent"][0].location_id)}


def test_exact_times_only_when_asked_and_formulas_are_defused(
    people: dict[str, list[Person]],
) -> None:
    did(people["gent"][0], "2026-03-05", platform="=HYPERLINK(1)")
    sync.sync()
    (row,) = export(("platform",))
    assert row["time"] == "2026-03-05" and row["platform"] == "'=HYPERLINK(1)"
    (row,) = export(("platform",), dates_only=False)
    assert row["time"].startswith("2026-03-05T")


def test_an_export_gives_the_same_csv_on_clickhouse(
    people: dict[str, list[Person]], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scale tier streams the same rows (configured as the golden tests do: chDB)."""
    pytest.importorskip("chdb", reason="chDB is not installed (CI has it)")
    import uuid

    from leerpad.analytics import query
    from leerpad.analytics.store import clickhouse as ch
    from leerpad.analytics.tests.test_clickhouse import chdb_folder

    for i, person in enumerate(people["gent"] + people["brugge"]):
        record_for_person(
            person,
            EXPERIENCED,
            {"en": "experienced"},
            {"objectType": "Activity", "id": COURSE},
            result={"success": i % 2 == 0, "score": {"scaled": i / 10}, "duration": "PT1M"},
            context={"platform": "=tool" if i == 0 else "web"},
            timestamp=dt.datetime(2026, 3, 5 + i, 23, 30, tzinfo=dt.UTC),
        )
    did(people["gent"][0], "2026-04-02")  # outside the period
    columns = ("success", "score", "duration_ms", "platform", "location_id")
    salt = b"the same salt for both exports"
    sync.sync()
    on_duckdb = export(columns, dates_only=False, salt=salt)

    settings.LEERPAD_ANALYTICS_ENGINE = "clickhouse"
    settings.LEERPAD_CLICKHOUSE_URL = f"chdb://{chdb_folder()}?database=t_{uuid.uuid4().hex[:12]}"
    st = ch.store()
    try:
        sync.sync()
        streamed: list[int] = []
        stream = ch.ClickHouseStore.stream

        def counting(self: ch.ClickHouseStore, *args: Any) -> Any:
            for batch in stream(self, *args):
                streamed.append(len(batch))
                yield batch

        monkeypatch.setattr(ch.ClickHouseStore, "stream", counting)
        monkeypatch.setattr(exports, "FETCH", 3)
        on_clickhouse = export(columns, dates_only=False, salt=salt)
    finally:
        st.drop_database()

    assert query.engine() == "clickhouse" and streamed == [3, 3, 1]  # batches of FETCH
    assert len(on_duckdb) == 7 and on_clickhouse == on_duckdb
    assert {r["location_id"] for r in on_clickhouse} == {str(people["gent"][0].location_id), ""}
    assert on_clickhouse[0]["platform"] == "'=tool" and on_clickhouse[0]["success"] == "True"


def test_unknown_columns_are_refused() -> None:
    with pytest.raises(ValueError):
        exports.columns_for(["person_id"])


def test_an_empty_store_gives_the_header_only(db: None) -> None:
    assert export() == []


# --- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lena", "cas"])
def test_exports_are_for_people_who_see_analytics(
    client_for: Callable[[Person], Client], request: pytest.FixtureRequest, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("privacy:exports")).status_code == 403
    response = client.post(reverse("privacy:exports"), {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 403
    assert not ExportRecord.objects.exists()


def test_the_page_streams_the_csv_and_logs_the_export(
    client_for: Callable[[Person], Client],
    people: dict[str, list[Person]],
    dirk: Person,
    ada: Person,
    make_person: Callable[..., Person],
) -> None:
    for person in people["gent"]:
        did(person, "2026-03-05")
    sync.sync()
    client = client_for(dirk)
    response = client.post(
        reverse("privacy:exports"),
        {"start": "2026-03-01", "end": "2026-03-31", "columns": ["success", "location_id"]},
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body.splitlines()[0] == "learner,time,verb,object_type,object,success,location_id"
    assert len(body.splitlines()) == 6
    record = ExportRecord.objects.get()
    assert (record.by, record.rows, record.start, record.end) == (
        dirk,
        5,
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    assert record.columns[-2:] == ["success", "location_id"]
    # Dirk sees his own exports; another analyst does not see his; admins see all.
    assert "Dirk Test" not in client.get(reverse("privacy:exports")).content.decode()
    greet = make_person("Greta", Role.LDM_MANAGER)
    assert "No exports yet." in client_for(greet).get(reverse("privacy:exports")).content.decode()
    page = client_for(ada).get(reverse("privacy:exports")).content.decode()
    assert "All exports" in page and "Dirk Test" in page


def test_a_reversed_period_is_refused(client_for: Callable[[Person], Client], dirk: Person) -> None:
    response = client_for(dirk).post(
        reverse("privacy:exports"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "must come before" in response.content.decode()
    assert not ExportRecord.objects.exists()
