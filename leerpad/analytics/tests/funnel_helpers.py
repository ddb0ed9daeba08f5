"""A path with item steps and learners' statements for the funnel tests (and the browser
test): everything goes through the builder services and the LRS, as in real use."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.catalog.tracking import activity_id
from leerpad.lrs.services import record_for_person
from leerpad.paths import services_builder, tracking
from leerpad.paths.models import Path, Step


def build_path(
    key: str, titles: Sequence[str], by: Person | None = None
) -> tuple[Path, list[ContentItem]]:
    """A published path (version 1) with one catalogue item step per title."""
    items = [make_item(t, translations={"en": {"title": t}, "nl": {"title": t}}) for t in titles]
    path = services_builder.create_path(key, {"en": f"Path {key}", "nl": f"Pad {key}"}, by=by)
    draft = services_builder.current_draft(path)
    assert draft is not None
    for item in items:
        services_builder.add_step(draft, Step.Kind.ITEM, item=item)
    services_builder.publish(draft, "", by=by)
    path.refresh_from_db()
    return path, items


def _path_object(path: Path) -> dict[str, object]:
    return {"objectType": "Activity", "id": tracking.path_iri(path.key)}


def enrolled(person: Person, path: Path, when: dt.datetime, version: int = 1) -> str:
    return record_for_person(
        person,
        tracking.REGISTERED,
        {"en": "enrolled in"},
        _path_object(path),
        context={
            "registration": str(uuid.uuid4()),
            "extensions": {tracking.EXT_PATH_VERSION: version},
        },
        timestamp=when,
    )


def completed_item(person: Person, item: ContentItem, when: dt.datetime) -> str:
    """A completion of the item's activity, as an outside tool would send it (no step uid)."""
    return record_for_person(
        person,
        tracking.COMPLETED,
        {"en": "completed"},
        {"objectType": "Activity", "id": activity_id(item)},
        timestamp=when,
    )


def path_event(person: Person, path: Path, verb: str, when: dt.datetime, version: int = 1) -> str:
    return record_for_person(
        person,
        verb,
        {"en": verb.rsplit("/", 1)[-1]},
        _path_object(path),
        context={"extensions": {tracking.EXT_PATH_VERSION: version}},
        timestamp=when,
    )


def seed_a_stall(
    path: Path, items: Sequence[ContentItem], people: Sequence[Person], start: dt.datetime
) -> None:
    """Everyone enrols at `start` and does the first item the next day; the first 40 %
    then take three weeks over the second item, the others two days; all finish.
    With 20+ people that is a stall suggestion for the second step."""
    slow = round(len(people) * 0.4)
    for i, person in enumerate(people):
        enrolled(person, path, start)
        offset = 20 if i < slow else 1
        completed_item(person, items[0], start + dt.timedelta(days=1))
        completed_item(person, items[1], start + dt.timedelta(days=1 + offset))
        for n, item in enumerate(items[2:], start=2):
            completed_item(person, item, start + dt.timedelta(days=n + offset))
        path_event(person, path, tracking.COMPLETED, start + dt.timedelta(days=len(items) + offset))
