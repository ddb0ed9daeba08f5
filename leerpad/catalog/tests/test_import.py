"""Bulk import: the web pages (upload, preview, apply) and `leerpad importcatalog`."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from leerpad.accounts.models import Location, Person
from leerpad.catalog.models import CatalogImport, ContentItem, Status
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.skills.models import Skill

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]

GOOD = {
    "skills": [{"key": "customer-conversations", "names": {"nl": "Klantgesprekken"}}],
    "items": [
        {
            "external_id": "lib-1",
            "kind": "video",
            "status": "published",
            "url": "https://video.example/a.mp4",
            "skills": ["customer-conversations"],
            "translations": {"nl": {"title": "Klachten"}, "fr": {"title": "Réclamations"}},
            "transcripts": {"nl": "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHallo.\n"},
        },
        {
            "external_id": "lib-2",
            "kind": "link",
            "url": "https://example.org/",
            "translations": {"en": {"title": "A link"}},
        },
    ],
}


def _json(data: Any) -> bytes:
    return json.dumps(data).encode()


def _upload(client: Client, data: bytes, name: str = "library.json") -> Client:
    response = client.post("/catalogue/manage/import", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def _preview(client: Client) -> str:
    record = CatalogImport.objects.latest("id")
    return client.get(f"/catalogue/manage/import/{record.pk}/").content.decode()


def _apply(client: Client) -> str:
    record = CatalogImport.objects.latest("id")
    return client.post(f"/catalogue/manage/import/{record.pk}/", follow=True).content.decode()


# --- the web pages ---------------------------------------------------------------------------


def test_import_is_for_ld(client_for: ClientFor, lena: Person) -> None:
    assert client_for(lena).get("/catalogue/manage/import").status_code == 403


def test_preview_then_apply(client_for: ClientFor, dirk: Person) -> None:
    client = _upload(client_for(dirk), _json(GOOD))
    page = _preview(client)
    assert "Preview of the import" in page
    assert "Klachten" in page and "A link" in page
    assert "Apply saves these 2 changes together" in page
    assert "customer-conversations" in page  # the skills the file brings
    assert not ContentItem.objects.exists()

    page = _apply(client)
    assert "The import was applied: 2 new, 0 updated, 0 unchanged." in page
    assert "Import applied" in page
    record = CatalogImport.objects.get()
    assert record.applied_at is not None and record.counts["create"] == 2
    assert record.uploaded_by == dirk
    item = ContentItem.objects.get(external_id="lib-1")
    assert item.status == Status.PUBLISHED and item.cues.count() == 1
    assert Skill.objects.filter(key="customer-conversations").exists()
    # Applied once: posting again changes nothing more.
    assert "Import applied" in _apply(client)
    assert ContentItem.objects.count() == 2


def test_upsert_updates_and_reports_changed_fields(client_for: ClientFor, dirk: Person) -> None:
    make_item(
        "Oude titel",
        kind="link",
        url="https://example.org/",
        external_id="lib-2",
        translations={"en": {"title": "A link"}},
    )
    make_item(
        "Blijft",
        kind="link",
        url="https://example.org/",
        external_id="lib-3",
        translations={"en": {"title": "Same"}},
    )
    data = {
        "items": [
            {
                "external_id": "lib-2",
                "kind": "link",
                "status": "published",
                "url": "https://example.org/new",
                "translations": {"en": {"title": "A link"}},
            },
            {
                "external_id": "lib-3",
                "kind": "link",
                "status": "published",
                "url": "https://example.org/",
                "translations": {"en": {"title": "Same"}},
            },
        ]
    }
    client = _upload(client_for(dirk), _json(data))
    page = _preview(client)
    assert "Changes:" in page and "<code>url</code>" in page
    assert "Apply saves this change." in page
    page = _apply(client)
    assert "0 new, 1 updated, 1 unchanged" in page
    item = ContentItem.objects.get(external_id="lib-2")
    assert item.url == "https://example.org/new" and item.version == 2
    assert ContentItem.objects.get(external_id="lib-3").version == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"items": [', "The JSON cannot be read"),
        (
            _json(
                {
                    "items": [
                        {
                            "external_id": "x",
                            "kind": "podcast",
                            "translations": {"nl": {"title": "T"}},
                        }
                    ]
                }
            ),
            "kind: Input should be",
        ),
        (
            _json({"items": [{"external_id": "x", "kind": "link", "translations": {}}]}),
            "give a title in at least one language",
        ),
        (
            _json(
                {
                    "items": [
                        {
                            "external_id": "x",
                            "kind": "link",
                            "translations": {"nl": {"summary": "S"}},
                        }
                    ]
                }
            ),
            "translations.nl.title: Field required",
        ),
        (
            _json(
                {
                    "items": [
                        {
                            "external_id": "x",
                            "kind": "link",
                            "skills": ["nope"],
                            "translations": {"nl": {"title": "T"}},
                        }
                    ]
                }
            ),
            "unknown skill key “nope”",
        ),
        (
            _json(
                {
                    "items": [
                        {
                            "external_id": "x",
                            "kind": "link",
                            "audience": {"locations": ["Atlantis"]},
                            "translations": {"nl": {"title": "T"}},
                        }
                    ]
                }
            ),
            "unknown location “Atlantis”",
        ),
        (
            _json(
                {
                    "items": [
                        {
                            "external_id": "x",
                            "kind": "link",
                            "translations": {"nl": {"title": "T"}},
                        },
                        {
                            "external_id": "x",
                            "kind": "link",
                            "translations": {"nl": {"title": "U"}},
                        },
                    ]
                }
            ),
            "appears more than once in the file",
        ),
    ],
)
def test_bad_files_are_refused_whole(
    client_for: ClientFor, dirk: Person, data: bytes, message: str
) -> None:
    client = _upload(client_for(dirk), data)
    page = _preview(client)
    assert message in page
    assert "Apply saves" not in page
    page = _apply(client)
    assert "nothing was changed" in page
    assert not ContentItem.objects.exists()


def test_one_bad_row_keeps_every_row_out(client_for: ClientFor, dirk: Person) -> None:
    data = {
        "items": [
            *GOOD["items"],
            {
                "external_id": "bad",
                "kind": "link",
                "skills": ["nope"],
                "translations": {"nl": {"title": "T"}},
            },
        ]
    }
    client = _upload(client_for(dirk), _json({"skills": GOOD["skills"], **data}))
    page = _preview(client)
    assert "1 row has errors" in page
    assert "?show=errors" in page
    errors_only = client.get(
        f"/catalogue/manage/import/{CatalogImport.objects.latest('id').pk}/?show=errors"
    ).content.decode()
    assert "unknown skill key" in errors_only and "Klachten" not in errors_only
    _apply(client)
    assert not ContentItem.objects.exists()
    assert not Skill.objects.exists()


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_either_separator(
    client_for: ClientFor, dirk: Person, gent: Location, delimiter: str
) -> None:
    header = [
        "external_id",
        "kind",
        "status",
        "tags",
        "locations",
        "title_nl",
        "title_fr",
        "summary_nl",
    ]
    rows = [
        [
            "csv-1",
            "link",
            "published",
            "kassa|klachten",
            "Gent",
            "Klachten aan de kassa",
            "Réclamations",
            "Kort, en goed",
        ],
        ["csv-2", "article", "draft", "", "", "Artikel", "", ""],
    ]
    text = "\n".join(
        delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row)
        for row in [header, *rows]
    )
    client = _upload(client_for(dirk), text.encode(), name="library.csv")
    assert "Apply saves these 2 changes" in _preview(client)
    _apply(client)
    item = ContentItem.objects.get(external_id="csv-1")
    assert item.tags == ["kassa", "klachten"]
    assert [loc.name for loc in item.audience_locations.all()] == ["Gent"]
    assert item.translations.get(language="nl").summary == "Kort, en goed"
    assert item.translation("fr").title == "Réclamations"  # type: ignore[union-attr]


def test_upload_refuses_spreadsheets(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).post(
        "/catalogue/manage/import", {"file": SimpleUploadedFile("lib.xlsx", b"PK\x03\x04")}
    )
    assert response.status_code == 400
    assert "This is a spreadsheet" in response.content.decode()
    assert not CatalogImport.objects.exists()


def test_example_files_import_cleanly(client_for: ClientFor, dirk: Person) -> None:
    client = client_for(dirk)
    for name in ("example.json", "example.csv"):
        response = client.get(f"/catalogue/manage/import/{name}")
        assert response["Content-Disposition"].startswith("attachment;")
        _upload(client, response.content, name=name)
        assert "Apply saves this change." in _preview(client)


# --- the command -----------------------------------------------------------------------------


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("importcatalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_dry_run_then_apply(tmp_path: Path, dirk: Person) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(_json(GOOD))
    out, _err = _run(str(path), "--dry-run")
    assert "row 1 (lib-1): create" in out and "row 2 (lib-2): create" in out
    assert "Dry run: nothing was changed." in out
    assert not ContentItem.objects.exists()
    out, _err = _run(str(path), "--by", dirk.email)
    assert "Imported: 2 new, 0 updated, 0 unchanged." in out
    assert ContentItem.objects.count() == 2
    assert CatalogImport.objects.get().source == CatalogImport.Source.COMMAND
    out, _err = _run(str(path))
    assert "row 1 (lib-1): unchanged" in out


def test_command_reports_errors_and_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    data = {"items": [*GOOD["items"]]}  # the skill is not in the file, nor in Leerpad
    path.write_bytes(_json(data))
    with pytest.raises(CommandError, match="nothing was changed"):
        _run(str(path))
    assert not ContentItem.objects.exists()
    with pytest.raises(CommandError, match="nothing would be imported"):
        out, err = StringIO(), StringIO()
        try:
            call_command("importcatalog", str(path), "--dry-run", stdout=out, stderr=err)
        finally:
            assert "row 1 (lib-1): error: skills: unknown skill key" in err.getvalue()


def test_command_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "nope.json"))
