"""The report's own SQL gives the same figures on DuckDB and on ClickHouse (chDB)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from leerpad.analytics import sync
from leerpad.analytics.tests.test_clickhouse import chdb_dir, clickhouse  # noqa: F401  (fixtures)
from leerpad.reports import figures
from leerpad.reports.tests.conftest import MARCH

pytest.importorskip("chdb", reason="chDB is not installed (CI has it)")

pytestmark = pytest.mark.django_db


def test_the_same_figures_on_both_engines(
    march: dict[str, Any],
    clickhouse: Any,  # noqa: F811  (after `march`, which synced the DuckDB store)
) -> None:
    with override_settings(LEERPAD_ANALYTICS_ENGINE="clickhouse"):
        sync.sync()
        on_clickhouse = figures.month_figures(MARCH, "en")
    with override_settings(LEERPAD_ANALYTICS_ENGINE="duckdb"):
        on_duckdb = figures.month_figures(MARCH, "en")

    assert on_clickhouse == on_duckdb
    assert on_duckdb.adoption.active == 7 and on_duckdb.campaigns.enrolled == 3
