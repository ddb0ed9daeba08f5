from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.lrs import services

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
COURSE = "https://leerpad.example/courses/1"


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def course(iri: str = COURSE) -> dict[str, Any]:
    return {"objectType": "Activity", "id": iri}


def did(
    person: Person, when: dt.datetime, verb: str = EXPERIENCED, iri: str = COURSE, **more: Any
) -> str:
    return services.record_for_person(
        person, verb, {"en": verb.rsplit("/", 1)[-1]}, course(iri), timestamp=when, **more
    )


def outsider_did(address: str, when: dt.datetime, verb: str = EXPERIENCED) -> str:
    """A statement from an outside tool that knows the learner by e-mail address."""
    return services.record(
        {
            "actor": {"objectType": "Agent", "mbox": f"mailto:{address}"},
            "verb": {"id": verb, "display": {"en": "did"}},
            "object": course(),
            "timestamp": when.isoformat(),
        }
    )


def void(statement_id: str) -> str:
    return services.record(
        {
            "actor": {"objectType": "Agent", "mbox": "mailto:admin@example.test"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en": "voided"}},
            "object": {"objectType": "StatementRef", "id": statement_id},
        }
    )


@pytest.fixture(autouse=True)
def analytics_dir(settings: Any, tmp_path: Path) -> Path:
    settings.LEERPAD_ANALYTICS_DIR = tmp_path / "analytics"
    return Path(settings.LEERPAD_ANALYTICS_DIR)
