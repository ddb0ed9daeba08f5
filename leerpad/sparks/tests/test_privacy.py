"""Erasure: unused sparks go with their files; sparks that became content stay anonymous
without their media; comments lose their author; visits keep going without the person."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings

from leerpad.accounts.models import Location, Person
from leerpad.privacy import erasure
from leerpad.privacy.signals import erase_personal_data, personal_data
from leerpad.sparks import services
from leerpad.sparks.media import prepare
from leerpad.sparks.models import Comment, FieldVisit, Spark
from leerpad.sparks.tests import world
from leerpad.sparks.tests.helpers import photo_upload

pytestmark = pytest.mark.django_db(transaction=True)


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "sparks"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _photo_spark(person: Person, **fields: Any) -> Spark:
    spark = services.send_spark(
        person,
        kind="photo",
        text=fields.pop("text", ""),
        location=None,
        credit_consent=True,
        media=prepare(photo_upload()),
    )
    if fields:
        Spark.objects.filter(pk=spark.pk).update(**fields)
        spark.refresh_from_db()
    return spark


def _sparks_section(person: Person, dry_run: bool) -> dict[str, int]:
    for _receiver, answer in erase_personal_data.send(
        sender=Person, person=person, dry_run=dry_run
    ):
        name, counts = cast(tuple[str, dict[str, int]], answer)
        if name == "sparks":
            return dict(counts)
    raise AssertionError("the sparks app did not answer")


@pytest.fixture
def setup(lena: Person, dirk: Person, gent: Location) -> dict[str, Any]:
    unused = _photo_spark(lena, text="niets mee gedaan")
    used = _photo_spark(lena, text="werd een video", catalog_item=world.item())
    other = _photo_spark(dirk, text="van dirk")
    Comment.objects.create(spark=other, author=lena, text="mijn opmerking")
    visit = services.plan_visit(gent, gent_date(), [lena, dirk], "", by=lena)
    return {"unused": unused, "used": used, "other": other, "visit": visit}


def gent_date() -> Any:
    import datetime as dt

    return dt.date(2026, 11, 1)


def test_dry_run_counts_and_changes_nothing(lena: Person, setup: dict[str, Any]) -> None:
    before = _files()
    assert _sparks_section(lena, dry_run=True) == {
        "sparks": 1,
        "sparks_made_anonymous": 1,
        "spark_comments": 1,
        "field_visits": 1,
    }
    assert Spark.objects.count() == 3
    assert _files() == before


def test_erasure_deletes_anonymises_and_removes_files(
    lena: Person, dirk: Person, setup: dict[str, Any]
) -> None:
    unused, used, other = setup["unused"], setup["used"], setup["other"]
    lena_files = {
        Path(settings.MEDIA_ROOT) / name
        for s in (unused, used)
        for name in (s.media.name, s.thumbnail.name)
    }
    assert lena_files <= _files() and len(lena_files) == 4
    counts = _sparks_section(lena, dry_run=False)
    assert counts["sparks"] == 1 and counts["sparks_made_anonymous"] == 1
    assert not Spark.objects.filter(pk=unused.pk).exists()
    kept = Spark.objects.get(pk=used.pk)
    assert kept.sender is None and kept.credit_consent is False
    assert not kept.media and not kept.thumbnail
    assert kept.text == "werd een video" and kept.catalog_item is not None
    # Files go once the transaction committed (this test runs outside one).
    assert _files().isdisjoint(lena_files)
    assert Path(settings.MEDIA_ROOT, other.media.name) in _files()
    assert Comment.objects.get().author is None
    visit = FieldVisit.objects.get()
    assert list(visit.team.all()) == [dirk]
    assert visit.created_by is None


def test_full_erasure_through_privacy(lena: Person, ada: Person, setup: dict[str, Any]) -> None:
    record = erasure.erase(lena, requested_by="person", by=ada)
    assert record.counts["sparks"]["sparks"] == 1
    assert not Spark.objects.filter(sender__isnull=False, text="niets mee gedaan").exists()


def test_deleting_a_spark_removes_its_files(lena: Person) -> None:
    spark = _photo_spark(lena)
    names = {
        Path(settings.MEDIA_ROOT) / spark.media.name,
        Path(settings.MEDIA_ROOT) / spark.thumbnail.name,
    }
    assert names <= _files()
    spark.delete()
    assert _files().isdisjoint(names)


def test_export_lists_their_sparks(lena: Person, setup: dict[str, Any]) -> None:
    answers = dict(
        cast(tuple[str, Any], r) for _f, r in personal_data.send(sender=Person, person=lena)
    )
    data = answers["sparks"]
    assert {s["text"] for s in data["sparks"]} == {"niets mee gedaan", "werd een video"}
    assert data["comments"] == [{"text": "mijn opmerking", "at": data["comments"][0]["at"]}]
    assert len(data["field_visits"]) == 1
