"""The ORM statement store: query plans, link rows and the StatementRef rule's depth.

The query plan test reads SQLite's EXPLAIN QUERY PLAN: every filter must walk an index
in page order (no "USE TEMP B-TREE FOR ORDER BY", no full scan), which is what keeps
GET /statements fast at a million statements.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leerpad.lrs import services
from leerpad.lrs.backends.base import StatementQuery
from leerpad.lrs.backends.orm import OrmStatementStore
from leerpad.lrs.http import VERSION_2
from leerpad.lrs.models import StatementActivity, StatementAgent, key_hash

pytestmark = pytest.mark.django_db

LENA = {"mbox": "mailto:lena@example.com"}
COURSE = "https://leerpad.example/courses/safety"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def statement(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"actor": LENA, "verb": {"id": COMPLETED}, "object": {"id": COURSE}}
    data.update(overrides)
    return data


def record(*statements: dict[str, Any]) -> list[str]:
    return services.record_statements(
        list(statements), version=VERSION_2, authority=services.leerpad_authority()
    )


def test_link_rows_one_per_identifier_with_the_closest_relation() -> None:
    [sid] = record(
        statement(
            object={"objectType": "Agent", "mbox": "mailto:lena@example.com"},
            context={
                "instructor": {"mbox": "mailto:cas@example.com"},
                "contextActivities": {"parent": [{"id": COURSE}], "grouping": [{"id": COURSE}]},
            },
        )
    )
    agents = dict(StatementAgent.objects.values_list("ifi", "relation"))
    assert agents["mbox:mailto:lena@example.com"] == "actor"  # actor beats object
    assert agents["mbox:mailto:cas@example.com"] == "related"
    assert len(agents) == 3  # and the authority, related
    activity = StatementActivity.objects.get()
    assert (activity.iri, activity.relation) == (COURSE, "related")
    assert activity.iri_hash == key_hash(COURSE)
    assert str(activity.statement.statement_id) == sid


def test_statement_ref_rule_follows_chains() -> None:
    verb = "http://example.com/verbs/rare"
    [target] = record(statement(verb={"id": verb}))
    chain = [target]
    for _ in range(3):
        chain += record(statement(object={"objectType": "StatementRef", "id": chain[-1]}))
    store = OrmStatementStore()
    found = [s["id"] for s in store.query(StatementQuery(verb_iri=verb), 10).statements]
    assert found == list(reversed(chain))


def _plans(query: StatementQuery) -> list[str]:
    store = OrmStatementStore()
    with CaptureQueriesContext(connection) as ctx:
        store.query(query, 100)
    plans: list[str] = []
    with connection.cursor() as cursor:
        for captured in ctx.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + captured["sql"])
            plans.append(" / ".join(row[3] for row in cursor.fetchall()))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query planner")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        (StatementQuery(), "lrs_stmt_stored"),
        (StatementQuery(verb_iri=COMPLETED), "lrs_stmt_verb"),
        (StatementQuery(agent_ifi="mbox:mailto:lena@example.com"), "lrs_stmtagent_ifi"),
        (
            StatementQuery(agent_ifi="mbox:mailto:lena@example.com", verb_iri=COMPLETED),
            "lrs_stmtagent_ifi",
        ),
        (StatementQuery(activity_iri=COURSE, related_activities=True), "lrs_stmtactivity_iri"),
        (StatementQuery(registration=uuid.uuid4()), "lrs_stmt_registration"),
        (StatementQuery(authority_ifi="account:x|y"), "lrs_stmt_authority"),
        (StatementQuery(verb_iri=COMPLETED, ascending=True), "lrs_stmt_verb"),
    ],
)
def test_every_filter_reads_its_page_from_an_index_in_order(
    query: StatementQuery, index: str
) -> None:
    record(*[statement() for _ in range(3)])
    plans = _plans(query)
    page_plan = plans[1]  # after the latest-stored lookup
    assert index in page_plan, plans
    for plan in plans:
        assert "TEMP B-TREE" not in plan, plans
        assert "SCAN lrs_statement " not in plan + " ", plans
    if len(plans) > 2:  # the StatementRef walk uses its partial index
        assert "lrs_stmt_ref_stored" in plans[2], plans


def test_a_batch_larger_than_one_in_list_is_stored_whole() -> None:
    # The write path reads and writes in chunks (IN lists of 500 ids); a batch that
    # repeats stored statements among new ones keeps the stored ones as they are.
    [first] = record(statement())
    batch = [statement(id=str(uuid.uuid4()), context={"registration": str(uuid.uuid4())})]
    batch += [statement(id=str(uuid.uuid4())) for _ in range(1_200)]
    again = statement(id=first)
    ids = record(*batch[:600], again, *batch[600:])
    assert len(ids) == 1_202 and ids[600] == first
    store = OrmStatementStore()
    assert len(store.fetch_by_ids([uuid.UUID(i) for i in ids])) == 1_202
    # actor and authority per statement, one activity each
    assert StatementAgent.objects.count() == 2 * 1_202
    assert StatementActivity.objects.count() == 1_202
    page = store.query(
        StatementQuery(registration=uuid.UUID(batch[0]["context"]["registration"])), 5
    )
    assert [s["id"] for s in page.statements] == [batch[0]["id"]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query planner")
def test_the_write_path_looks_statements_up_by_index() -> None:
    [target] = record(statement())
    record(
        statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": target},
        )
    )
    with CaptureQueriesContext(connection) as ctx:
        record(*[statement() for _ in range(3)])
    plans: list[str] = []
    with connection.cursor() as cursor:
        for captured in ctx.captured_queries:
            if captured["sql"].startswith("SELECT"):
                cursor.execute("EXPLAIN QUERY PLAN " + captured["sql"])
                plans.append(" / ".join(row[3] for row in cursor.fetchall()))
    assert plans
    for plan in plans:
        assert "SCAN lrs_" not in plan, plans
    # The voided-target lookup walks the StatementRef index, not all voiding statements.
    assert any("lrs_stmt_ref (statement_ref=?)" in plan for plan in plans), plans
    assert not any("lrs_stmt_verb" in plan for plan in plans), plans
