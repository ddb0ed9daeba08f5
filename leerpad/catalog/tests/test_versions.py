"""Every change to an item leaves a version in its history, uploads included."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leerpad.accounts.models import Person
from leerpad.catalog.models import ItemVersion
from leerpad.catalog.schemas import ItemIn
from leerpad.catalog.services import save_item
from leerpad.catalog.services_files import upload_file

pytestmark = pytest.mark.django_db


def test_an_upload_is_a_new_version_with_the_file_name(dirk: Person) -> None:
    spec = ItemIn.model_validate(
        {"kind": "document", "translations": {"nl": {"title": "Kassaprocedure"}}}
    )
    item = save_item(None, spec, by=dirk)
    assert item.version == 1
    upload_file(item, SimpleUploadedFile("kassa.md", b"# Kassa\n\nOpenen en sluiten."), dirk)
    item.refresh_from_db()
    assert item.version == 2
    latest = ItemVersion.objects.filter(item=item).order_by("-number").first()
    assert latest is not None and latest.number == 2 and latest.changed_by == dirk
    assert latest.snapshot["file"].endswith(".md")
    assert "kassa.md" in latest.note
