"""The funnel gives the same answer on ClickHouse (chDB) as on DuckDB: the same template
for both, held to the same numbers (issue 6, "every dashboard question is written once")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from leerpad.analytics import sync
from leerpad.analytics.questions.funnel import funnel, path_totals
from leerpad.analytics.store import clickhouse as ch
from leerpad.analytics.tests.test_clickhouse import chdb_dir, clickhouse  # noqa: F401  (fixtures)
from leerpad.analytics.tests.test_funnel import AS_OF, SCOPE, onboarding  # noqa: F401

pytest.importorskip("chdb", reason="chDB is not installed (CI has it)")

pytestmark = pytest.mark.django_db


def test_the_same_funnel_on_both_engines(
    clickhouse: ch.ClickHouseStore,  # noqa: F811
    onboarding: dict[str, Any],  # noqa: F811
) -> None:
    # `onboarding` synced into ClickHouse (the engine the fixture configured); DuckDB too:
    with override_settings(LEERPAD_ANALYTICS_ENGINE="duckdb"):
        sync.sync()
    path = onboarding["path"]
    answers = []
    for engine in ("duckdb", "clickhouse"):
        with override_settings(LEERPAD_ANALYTICS_ENGINE=engine):
            answers.append(
                (
                    funnel(path, SCOPE, as_of=AS_OF),
                    funnel(path, SCOPE, as_of=AS_OF, inactive_days=3, stall_days=2),
                    path_totals([path], SCOPE),
                )
            )
    assert answers[0] == answers[1]
    assert answers[0][0].versions[0].enrolled == 12  # not two empty answers
