# Temporary (helper HA): every golden case on both engines, all failures at once.
import traceback
from typing import Any

import pytest

from leerpad.analytics.questions.registry import GOLDEN
from leerpad.analytics.tests.test_clickhouse import clickhouse  # noqa: F401
from leerpad.analytics.tests.test_golden import differences, golden, on  # noqa: F401

pytestmark = pytest.mark.django_db


def test_all(golden: None) -> None:
    out = []
    for name, case in GOLDEN:
        res: dict[str, Any] = {}
        for engine in ("duckdb", "clickhouse"):
            try:
                with on(engine):
                    res[engine] = case()
            except Exception as e:  # noqa: BLE001
                msg = str(e).split("\n")[0][:400]
                out.append(f"ERR {name} on {engine}: {type(e).__name__}: {msg}")
        if len(res) == 2:
            d = differences(res["duckdb"], res["clickhouse"])
            out.extend(f"DIFF {name}: {x}" for x in d[:6])
            out.append(f"OK? {name}: {repr(res['duckdb'])[:300]}")
    print("\n".join(out))
    with open("/tmp/ha_cases.txt", "w") as f:
        f.write("\n".join(out))
