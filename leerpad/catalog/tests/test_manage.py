"""L&D's side of the catalogue: the list, bulk status changes, the form, history, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog.models import ContentItem, Extraction, ItemVersion, Status
from leerpad.catalog.tests.ui_helpers import VTT, make_item, make_skills

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "article",
        "status": "draft",
        "language": "nl",
        "level": "",
        "duration_minutes": "",
        "url": "",
        "tags": "",
        "review_date": "",
        "external_id": "",
        "note": "",
        "title_nl": "",
        "summary_nl": "",
        "body_nl": "",
        "title_fr": "",
        "summary_fr": "",
        "body_fr": "",
        "title_en": "",
        "summary_en": "",
        "body_en": "",
        "transcript_language": "nl",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "100",
    }
    data.update(overrides)
    return data


# --- the list --------------------------------------------------------------------------------


def test_manage_is_for_ld(client_for: ClientFor, lena: Person, dirk: Person, mira: Person) -> None:
    assert client_for(lena).get("/catalogue/manage/").status_code == 403
    assert client_for(mira).get("/catalogue/manage/").status_code == 403
    assert client_for(lena).get("/catalogue/manage/new").status_code == 403
    assert client_for(dirk).get("/catalogue/manage/").status_code == 200


def test_manage_lists_every_status_with_filters(client_for: ClientFor, dirk: Person) -> None:
    make_item("Gepubliceerd", by=dirk)
    make_item("In review", status="review")
    make_item(
        "Achterstallig",
        status="draft",
        review_date=(timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    )
    make_item("Vidéo", kind="video", translations={"fr": {"title": "Vidéo française"}})
    client = client_for(dirk)
    page = client.get("/catalogue/manage/").content.decode()
    for title in ("Gepubliceerd", "In review", "Achterstallig", "Vidéo française"):
        assert title in page
    assert "Review overdue" in page

    def listed(query: str) -> str:
        return client.get(
            f"/catalogue/manage/?{query}", headers={"HX-Request": "true"}
        ).content.decode()

    assert "In review" in listed("status=review") and "Gepubliceerd" not in listed("status=review")
    overdue = listed("overdue=1")
    assert "Achterstallig" in overdue and "Gepubliceerd" not in overdue
    assert "Vidéo française" in listed("kind=video") and "Vidéo française" in listed("language=fr")
    assert "Gepubliceerd" not in listed("language=fr")
    assert "Gepubliceerd" in listed(f"owner={dirk.pk}") and "In review" not in listed(
        f"owner={dirk.pk}"
    )
    assert "Achterstallig" in listed("q=achter") and "Gepubliceerd" not in listed("q=achter")
    by_title = listed("sort=title")
    assert (
        by_title.index("Achterstallig")
        < by_title.index("Gepubliceerd")
        < by_title.index("In review")
    )


# --- bulk actions ----------------------------------------------------------------------------


def test_bulk_publish(client_for: ClientFor, dirk: Person) -> None:
    a, b = make_item("A", status="draft"), make_item("B", status="review")
    response = client_for(dirk).post(
        "/catalogue/manage/bulk",
        {"action": "publish", "ids": [a.pk, b.pk], "next": "/catalogue/manage/?status=draft"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/catalogue/manage/?status=draft"
    assert "2 items are now “Published”." in response.content.decode()
    assert set(ContentItem.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert ItemVersion.objects.filter(item=a, note="Published", changed_by=dirk).exists()


def test_bulk_is_all_or_nothing(client_for: ClientFor, dirk: Person) -> None:
    draft = make_item("Klad", status="draft")
    published = make_item("Al gepubliceerd")
    # Published → review is not a move an item can make, so neither item moves.
    page = (
        client_for(dirk)
        .post(
            "/catalogue/manage/bulk",
            {"action": "review", "ids": [draft.pk, published.pk]},
            follow=True,
        )
        .content.decode()
    )
    assert "Nothing was changed" in page and "cannot go from Published to In review" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_bulk_archive_asks_for_confirmation(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Oud")
    client = client_for(dirk)
    page = client.post(
        "/catalogue/manage/bulk", {"action": "archive", "ids": [item.pk]}
    ).content.decode()
    assert "Archive this item?" in page and 'name="confirmed"' in page
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    client.post(
        "/catalogue/manage/bulk", {"action": "archive", "ids": [item.pk], "confirmed": "on"}
    )
    item.refresh_from_db()
    assert item.status == Status.ARCHIVED


def test_bulk_without_selection_or_with_gone_items(client_for: ClientFor, dirk: Person) -> None:
    client = client_for(dirk)
    page = client.post(
        "/catalogue/manage/bulk", {"action": "publish"}, follow=True
    ).content.decode()
    assert "Select at least one item." in page
    item = make_item("Bestaat", status="draft")
    page = client.post(
        "/catalogue/manage/bulk", {"action": "publish", "ids": [item.pk, 999999]}, follow=True
    ).content.decode()
    assert "no longer exist" in page
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_bulk_refuses_foreign_redirects(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("A", status="draft")
    response = client_for(dirk).post(
        "/catalogue/manage/bulk",
        {"action": "publish", "ids": [item.pk], "next": "https://evil.example/"},
    )
    assert response["Location"] == "/catalogue/manage/"


def test_bulk_is_for_ld(client_for: ClientFor, lena: Person) -> None:
    item = make_item("A", status="draft")
    assert (
        client_for(lena)
        .post("/catalogue/manage/bulk", {"action": "publish", "ids": [item.pk]})
        .status_code
        == 403
    )


# --- the form --------------------------------------------------------------------------------


def test_create_an_item_with_the_form(client_for: ClientFor, dirk: Person, gent: Location) -> None:
    make_skills()
    role = JobRole.objects.create(name="Store coach")
    response = client_for(dirk).post(
        "/catalogue/manage/new",
        _form(
            kind="video",
            status="published",
            language="nl",
            level="beginner",
            duration_minutes="8",
            url="https://cdn.example/klachten.mp4",
            tags="Kassa, klachten, ",
            skills=["customer-conversations"],
            job_roles=[role.pk],
            locations=[gent.pk],
            review_date="2030-06-30",
            external_id="ui-0001",
            title_nl="Klachten behandelen",
            summary_nl="Rustig blijven.",
            title_fr="Traiter les réclamations",
            note="Eerste versie",
        ),
    )
    item = ContentItem.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/catalogue/manage/{item.pk}/edit"
    )
    assert item.kind == "video" and item.status == "published" and item.owner == dirk
    assert item.tags == ["kassa", "klachten"]
    assert [s.key for s in item.skills.all()] == ["customer-conversations"]
    assert list(item.audience_job_roles.all()) == [role]
    assert list(item.audience_locations.all()) == [gent]
    assert item.review_date == dt.date(2030, 6, 30)
    assert {t.language: t.title for t in item.translations.all()} == {
        "nl": "Klachten behandelen",
        "fr": "Traiter les réclamations",
    }
    assert item.versions.get().note == "Eerste versie"


def test_form_needs_a_title_and_saves_nothing_without(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).post("/catalogue/manage/new", _form(summary_fr="Sans titre"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give a title in this language" in page
    assert "Nothing was saved." in page
    response = client_for(dirk).post("/catalogue/manage/new", _form())
    assert "Give the item a title in at least one language." in response.content.decode()
    assert not ContentItem.objects.exists()


def test_form_shows_schema_and_service_errors(client_for: ClientFor, dirk: Person) -> None:
    make_item("Bestaand", external_id="dup-1")
    client = client_for(dirk)
    page = client.post(
        "/catalogue/manage/new", _form(title_nl="Nieuw", external_id="dup-1")
    ).content.decode()
    assert "another item has this external id" in page
    page = client.post(
        "/catalogue/manage/new", _form(title_nl="Nieuw", url="ftp://files.example/x")
    ).content.decode()
    assert "a web address starts with http:// or https://" in page
    assert ContentItem.objects.count() == 1


def test_edit_offers_only_allowed_status_moves(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Gepubliceerd")
    page = client_for(dirk).get(f"/catalogue/manage/{item.pk}/edit").content.decode()
    status_select = page.split('name="status"')[1].split("</select>")[0]
    assert 'value="published"' in status_select and 'value="archived"' in status_select
    assert 'value="review"' not in status_select
    response = client_for(dirk).post(
        f"/catalogue/manage/{item.pk}/edit", _form(status="review", title_nl="Gepubliceerd")
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_edit_updates_and_keeps_history(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Oude titel", status="draft", transcripts={"nl": VTT}, kind="video")
    client = client_for(dirk)
    page = client.get(f"/catalogue/manage/{item.pk}/edit").content.decode()
    assert 'value="Oude titel"' in page
    response = client.post(
        f"/catalogue/manage/{item.pk}/edit",
        _form(
            kind="video",
            title_nl="Nieuwe titel",
            title_en="New title",
            status="review",
            note="Titel",
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.version == 2 and item.status == "review"
    assert item.cues.count() == 3  # the form has no transcript: the one there stays
    history = client.get(f"/catalogue/manage/{item.pk}/history").content.decode()
    assert "Version 2" in history and "Version 1" in history and "Created." in history
    assert "Title (NL)" in history and "Oude titel" in history and "Nieuwe titel" in history
    assert "Title (EN)" in history and "In review" not in history.split("Version 1")[1]
    assert "Dirk Test" in history


def test_edit_session_dates(client_for: ClientFor, dirk: Person, gent: Location) -> None:
    client = client_for(dirk)
    response = client.post(
        "/catalogue/manage/new",
        _form(
            kind="session",
            title_nl="Workshop",
            **{
                "sessions-0-starts_at": "2031-01-14T09:00",
                "sessions-0-ends_at": "2031-01-14T12:00",
                "sessions-0-location": str(gent.pk),
                "sessions-0-room": "Zaal 1",
                "sessions-0-seats": "8",
            },
        ),
    )
    assert response.status_code == 302
    session = ContentItem.objects.get().sessions.get()
    assert session.location == gent and session.seats == 8
    assert timezone.localtime(session.starts_at).hour == 9
    page = client.post(
        "/catalogue/manage/new",
        _form(
            kind="session",
            title_nl="Fout",
            **{
                "sessions-0-starts_at": "2031-01-14T09:00",
                "sessions-0-ends_at": "2031-01-14T08:00",
            },
        ),
    ).content.decode()
    assert "The end is not after the start." in page


def test_upload_a_file_and_watch_the_extraction(
    client_for: ClientFor,
    dirk: Person,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    item = make_item("Handleiding", kind="document", status="draft")
    upload = SimpleUploadedFile("handleiding.txt", b"Zo open je de kassa.\n", "text/plain")
    client = client_for(dirk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/catalogue/manage/{item.pk}/edit",
            _form(kind="document", title_nl="Handleiding", file=upload),
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.file.name.endswith("handleiding.txt")
    assert item.extraction == Extraction.DONE
    partial = client.get(f"/catalogue/manage/{item.pk}/extraction").content.decode()
    assert "Text extracted" in partial and "hx-trigger" not in partial
    assert "Zo open je de kassa." in item.translations.get(language="nl").body


def test_extraction_state_polls_while_it_runs(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Handleiding", kind="document")
    ContentItem.objects.filter(pk=item.pk).update(extraction=Extraction.PENDING)
    partial = client_for(dirk).get(f"/catalogue/manage/{item.pk}/extraction").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "Waiting" in partial
    ContentItem.objects.filter(pk=item.pk).update(
        extraction=Extraction.FAILED, extraction_error="Dit is geen PDF."
    )
    partial = client_for(dirk).get(f"/catalogue/manage/{item.pk}/extraction").content.decode()
    assert "hx-trigger" not in partial and "Dit is geen PDF." in partial


def test_a_refused_file_saves_nothing(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Link", kind="link", url="https://example.org/", status="draft")
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4", "application/pdf")
    response = client_for(dirk).post(
        f"/catalogue/manage/{item.pk}/edit",
        _form(kind="link", url="https://example.org/", title_nl="Andere titel", file=upload),
    )
    assert response.status_code == 400
    assert "has no file" in response.content.decode()
    item.refresh_from_db()
    assert item.title() == "Link" and item.version == 1 and not item.file


def test_attach_a_transcript(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Video", kind="video", url="https://cdn.example/v.mp4")
    upload = SimpleUploadedFile("v.vtt", VTT.encode(), "text/vtt")
    response = client_for(dirk).post(
        f"/catalogue/manage/{item.pk}/edit",
        _form(
            kind="video",
            url="https://cdn.example/v.mp4",
            title_nl="Video",
            transcript=upload,
            transcript_language="fr",
        ),
    )
    assert response.status_code == 302
    assert item.cues.filter(language="fr").count() == 3


# --- delete ----------------------------------------------------------------------------------


def test_delete_asks_then_deletes(client_for: ClientFor, dirk: Person) -> None:
    item = make_item("Weg ermee")
    client = client_for(dirk)
    page = client.get(f"/catalogue/manage/{item.pk}/delete").content.decode()
    assert "Delete “Weg ermee”?" in page
    assert ContentItem.objects.exists()
    response = client.post(f"/catalogue/manage/{item.pk}/delete", follow=True)
    assert "“Weg ermee” was deleted." in response.content.decode()
    assert not ContentItem.objects.exists()


def test_delete_is_for_ld(client_for: ClientFor, lena: Person) -> None:
    item = make_item()
    assert client_for(lena).post(f"/catalogue/manage/{item.pk}/delete").status_code == 403
    assert ContentItem.objects.exists()
