"""The learner's catalogue: browsing, an item's page per kind, useful, sessions, files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.catalog.models import ContentItem, Package, Rating, Registration
from leerpad.catalog.tests.ui_helpers import VTT, make_item, make_skills, session_dates

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def _with_file(item: ContentItem, name: str, data: bytes) -> ContentItem:
    item.file.save(name, ContentFile(data), save=True)
    return item


# --- browse ------------------------------------------------------------------------------


def test_browse_shows_published_items_only(client_for: ClientFor, lena: Person) -> None:
    make_item("Gepubliceerd item", duration_minutes=80, level="beginner")
    make_item("Nog een klad", status="draft")
    make_item("Gearchiveerd", status="archived")
    page = client_for(lena).get("/catalogue/").content.decode()
    assert "Gepubliceerd item" in page
    assert "Nog een klad" not in page and "Gearchiveerd" not in page
    assert "1 h 20 min" in page and "Beginner" in page
    assert 'action="/search/"' in page  # the search box leads to the search page
    assert 'aria-current="page" data-section="catalogue"' in page


def test_browse_filters_update_the_list_with_htmx(client_for: ClientFor, lena: Person) -> None:
    make_skills()
    make_item("Video over klachten", kind="video", skills=["customer-conversations"])
    make_item("Un article", translations={"fr": {"title": "Un article en français"}})
    make_item("Gevorderd artikel", level="advanced")
    client = client_for(lena)

    def titles(query: str, htmx: bool = False) -> str:
        headers = {"HX-Request": "true"} if htmx else {}
        return client.get(f"/catalogue/?{query}", headers=headers).content.decode()

    assert "Video over klachten" in titles("kind=video")
    assert "Gevorderd artikel" not in titles("kind=video")
    french = titles("language=fr")
    assert "Un article en français" in french and "Video over klachten" not in french
    assert "Gevorderd artikel" in titles("level=advanced")
    by_skill = titles("skill=customer-conversations", htmx=True)
    assert "Video over klachten" in by_skill and "Gevorderd artikel" not in by_skill
    assert "<html" not in by_skill  # the partial only
    assert "Nothing in the catalogue matches these filters" in titles("kind=session")


def test_browse_empty_state_and_pagination(client_for: ClientFor, lena: Person) -> None:
    client = client_for(lena)
    assert "The catalogue is still empty" in client.get("/catalogue/").content.decode()
    for i in range(14):
        make_item(f"Item {i:02d}")
    first = client.get("/catalogue/").content.decode()
    assert "14 items" in first and "Page 1 of 2" in first
    second = client.get("/catalogue/?page=2").content.decode()
    assert second.count('class="item-card"') == 2


def test_browse_needs_a_login(client: Client) -> None:
    response = client.get("/catalogue/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_browse_queries_do_not_grow_with_items(
    client_for: ClientFor, lena: Person, django_assert_max_num_queries: Any
) -> None:
    make_skills()
    for i in range(12):
        make_item(
            f"Item {i}",
            skills=["safety"],
            translations={"nl": {"title": f"Item {i}"}, "fr": {"title": f"Élément {i}"}},
        )
    client = client_for(lena)
    client.get("/catalogue/")
    with django_assert_max_num_queries(12):
        client.get("/catalogue/")


# --- the item page -------------------------------------------------------------------------


def test_drafts_are_for_ld_only(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    draft = make_item("Klad", status="draft")
    assert client_for(lena).get(f"/catalogue/{draft.pk}/").status_code == 404
    page = client_for(dirk).get(f"/catalogue/{draft.pk}/").content.decode()
    assert "Learners do not see this item until it is published." in page
    assert f"/catalogue/manage/{draft.pk}/edit" in page


def test_item_page_shows_the_persons_language_first_and_switches(
    client_for: ClientFor, lena: Person
) -> None:
    item = make_item(
        translations={
            "nl": {"title": "Klachten behandelen", "summary": "Rustig blijven."},
            "fr": {"title": "Traiter les réclamations", "summary": "Rester calme."},
        },
        duration_minutes=8,
    )
    client = client_for(lena)
    client.cookies["leerpad_language"] = "fr"
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<h1>Traiter les réclamations</h1>" in page and "Rester calme." in page
    page = client.get(item.get_absolute_url() + "?lang=nl").content.decode()
    assert "<h1>Klachten behandelen</h1>" in page
    assert 'href="?lang=fr"' in page
    # A language the item does not have falls back to the person's.
    page = client.get(item.get_absolute_url() + "?lang=en").content.decode()
    assert "<h1>Traiter les réclamations</h1>" in page


def test_item_metadata(client_for: ClientFor, lena: Person, dirk: Person, gent: Location) -> None:
    make_skills()
    item = make_item(
        skills=["customer-conversations"],
        audience={"locations": ["Gent"]},
        level="intermediate",
        by=dirk,
    )
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert "Customer conversations" in page
    assert "Intermediate" in page and "Dirk Test" in page and "Gent" in page
    assert "<dt>Version</dt><dd>1</dd>" in page


def test_video_file_plays_with_a_clickable_transcript(client_for: ClientFor, lena: Person) -> None:
    item = _with_file(
        make_item("Klachtenvideo", kind="video", transcripts={"nl": VTT}), "clip.mp4", b"\x00" * 64
    )
    page = client_for(lena).get(item.get_absolute_url() + "?t=5").content.decode()
    assert f'<video controls preload="metadata" src="/catalogue/{item.pk}/media#t=5"' in page
    assert 'data-start="5"' in page
    assert "catalog/player.js" in page
    assert 'data-cue-start="4000"' in page and "1:05" in page
    # The cue at 5 seconds is marked for the page without JavaScript too.
    assert '<li class="is-current" aria-current="true">' in page
    current = page.split('class="is-current"')[1]
    assert current.index("Luister eerst") < current.index("Bedank")
    assert f'src="/catalogue/{item.pk}/captions/nl.vtt"' in page


def test_video_elsewhere_is_a_link_and_its_transcript_still_shows(
    client_for: ClientFor, lena: Person
) -> None:
    item = make_item(
        "Op YouTube", kind="video", url="https://www.youtube.com/watch?v=x", transcripts={"nl": VTT}
    )
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert "<video" not in page and "player.js" not in page
    assert f'href="/catalogue/{item.pk}/open"' in page
    assert "Luister eerst" in page


def test_video_file_address_plays_in_the_page(client_for: ClientFor, lena: Person) -> None:
    item = make_item("Extern mp4", kind="video", url="https://cdn.example/klachten.mp4")
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert 'src="https://cdn.example/klachten.mp4"' in page


def test_audio_plays_with_transcript(client_for: ClientFor, lena: Person) -> None:
    item = _with_file(
        make_item("Podcast", kind="audio", transcripts={"nl": VTT}),
        "pod.mp3",
        b"ID3" + b"\x00" * 32,
    )
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert "<audio controls" in page and 'data-cue-start="0"' in page


def test_pdf_document_is_shown_inline_with_its_text(client_for: ClientFor, lena: Person) -> None:
    item = make_item(
        "Brandveiligheid",
        kind="document",
        translations={"nl": {"title": "Brandveiligheid", "body": "Vluchtwegen vrijhouden."}},
    )
    _with_file(item, "brand.pdf", b"%PDF-1.4 test")
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert f'<iframe src="/catalogue/{item.pk}/media"' in page
    assert f'href="/catalogue/{item.pk}/download"' in page
    assert "The text of the document" in page and "Vluchtwegen vrijhouden." in page


def test_word_document_is_a_download(client_for: ClientFor, lena: Person) -> None:
    item = _with_file(make_item("Handleiding", kind="document"), "handleiding.docx", b"PK\x03\x04")
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert "<iframe" not in page and f"/catalogue/{item.pk}/download" in page
    assert client_for(lena).get(f"/catalogue/{item.pk}/media").status_code == 404


def test_link_opens_through_leerpad(client_for: ClientFor, lena: Person) -> None:
    item = make_item("Feedback", kind="link", url="https://www.example.org/feedback")
    client = client_for(lena)
    assert (
        f'href="/catalogue/{item.pk}/open"' in client.get(item.get_absolute_url()).content.decode()
    )
    response = client.get(f"/catalogue/{item.pk}/open")
    assert (
        response.status_code == 302 and response["Location"] == "https://www.example.org/feedback"
    )


def test_article_body_is_sanitised_html(client_for: ClientFor, lena: Person) -> None:
    item = make_item(
        translations={
            "nl": {
                "title": "Artikel",
                "body": "<p>Hallo <strong>jij</strong></p><script>alert(1)</script>",
            }
        }
    )
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert "<p>Hallo <strong>jij</strong></p>" in page
    assert "alert(1)" not in page


def test_package_has_a_launch_button(client_for: ClientFor, lena: Person) -> None:
    item = make_item("SCORM", kind="package")
    client = client_for(lena)
    assert (
        "The e-learning is not available yet."
        in client.get(item.get_absolute_url()).content.decode()
    )
    Package.objects.create(
        item=item, standard=Package.Standard.SCORM12, folder="packages/1", launch_path="index.html"
    )
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'href="/catalog/packages/{item.pk}/launch"' in page


def test_related_items_share_skills_then_tags(client_for: ClientFor, lena: Person) -> None:
    make_skills()
    item = make_item("Hoofditem", skills=["safety"], tags=["kassa"])
    make_item("Zelfde vaardigheid", skills=["safety"])
    make_item("Zelfde tag", tags=["kassa", "réclamation"])
    make_item("Klad met vaardigheid", skills=["safety"], status="draft")
    make_item("Niets gemeen")
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    related = page.split('id="related-heading"')[1]
    assert related.index("Zelfde vaardigheid") < related.index("Zelfde tag")
    assert "Klad met vaardigheid" not in related and "Niets gemeen" not in related


def test_related_by_accented_tag(client_for: ClientFor, lena: Person) -> None:
    item = make_item("Hoofditem", tags=["réclamation"])
    make_item("Ook over réclamations", tags=["réclamation"])
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert "Ook over réclamations" in page.split('id="related-heading"')[1]


# --- useful --------------------------------------------------------------------------------


def test_useful_toggles_with_htmx_and_counts(client_for: ClientFor, lena: Person) -> None:
    item = make_item()
    client = client_for(lena)
    response = client.post(
        f"/catalogue/{item.pk}/useful", {"useful": "1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'aria-pressed="true"' in html and "1 person found this useful" in html
    assert "<html" not in html
    assert Rating.objects.filter(item=item, person=lena).exists()
    response = client.post(
        f"/catalogue/{item.pk}/useful", {"useful": "0"}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="false"' in response.content.decode()
    assert not Rating.objects.filter(item=item).exists()
    # Without htmx the form posts and comes back to the page.
    response = client.post(f"/catalogue/{item.pk}/useful", {"useful": "1"})
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()


def test_useful_needs_a_visible_item(client_for: ClientFor, lena: Person) -> None:
    draft = make_item(status="draft")
    assert (
        client_for(lena).post(f"/catalogue/{draft.pk}/useful", {"useful": "1"}).status_code == 404
    )


# --- sessions ------------------------------------------------------------------------------


def test_register_waiting_list_and_cancel(
    client_for: ClientFor, lena: Person, cas: Person, gent: Location
) -> None:
    item = make_item("Workshop", kind="session", sessions=session_dates(seats=1, location="Gent"))
    session = item.sessions.get()
    client = client_for(cas)
    response = client.post(f"/catalogue/sessions/{session.pk}/register", follow=True)
    page = response.content.decode()
    assert "You are registered." in page and "Cancel my registration" in page
    assert "Full" in page

    client = client_for(lena)
    page = client.post(f"/catalogue/sessions/{session.pk}/register", follow=True).content.decode()
    assert "you are on the waiting list" in page
    assert "Leave the waiting list" in page
    assert Registration.objects.get(person=lena).state == Registration.State.WAITING

    client = client_for(cas)
    page = client.post(f"/catalogue/sessions/{session.pk}/cancel", follow=True).content.decode()
    assert "Your registration was cancelled." in page
    assert Registration.objects.get(person=lena).state == Registration.State.REGISTERED


def test_past_sessions_take_no_registrations(client_for: ClientFor, lena: Person) -> None:
    item = make_item("Voorbij", kind="session", sessions=session_dates(days=-3))
    session = item.sessions.get()
    client = client_for(lena)
    assert "This date has passed." in client.get(item.get_absolute_url()).content.decode()
    page = client.post(f"/catalogue/sessions/{session.pk}/register", follow=True).content.decode()
    assert "registration is closed" in page
    assert not Registration.objects.exists()


def test_sessions_of_drafts_are_closed(client_for: ClientFor, lena: Person, dirk: Person) -> None:
    item = make_item("Klad", kind="session", status="draft", sessions=session_dates())
    session = item.sessions.get()
    assert client_for(lena).post(f"/catalogue/sessions/{session.pk}/register").status_code == 404
    assert client_for(dirk).post(f"/catalogue/sessions/{session.pk}/register").status_code == 404


# --- files ---------------------------------------------------------------------------------


def test_media_serves_byte_ranges_for_seeking(client_for: ClientFor, lena: Person) -> None:
    data = bytes(range(256)) * 4
    item = _with_file(make_item("Video", kind="video"), "clip.webm", data)
    client = client_for(lena)
    whole = client.get(f"/catalogue/{item.pk}/media")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data  # type: ignore[attr-defined]
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/webm"
    part = client.get(f"/catalogue/{item.pk}/media", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:20]  # type: ignore[attr-defined]
    tail = client.get(f"/catalogue/{item.pk}/media", headers={"Range": "bytes=-4"})
    assert b"".join(tail.streaming_content) == data[-4:]  # type: ignore[attr-defined]
    beyond = client.get(f"/catalogue/{item.pk}/media", headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416


def test_pdf_may_be_framed_by_leerpad_only(client_for: ClientFor, lena: Person) -> None:
    item = _with_file(make_item("Pdf", kind="document"), "a.pdf", b"%PDF-1.4")
    response = client_for(lena).get(f"/catalogue/{item.pk}/media")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Type"] == "application/pdf"


def test_download_is_an_attachment_and_checks_access(client_for: ClientFor, lena: Person) -> None:
    item = _with_file(
        make_item("Handleiding", kind="document"), "handleiding.docx", b"PK\x03\x04 data"
    )
    response = client_for(lena).get(f"/catalogue/{item.pk}/download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="handleiding.docx"' in response["Content-Disposition"]
    draft = _with_file(make_item("Klad", kind="document", status="draft"), "klad.pdf", b"%PDF")
    assert client_for(lena).get(f"/catalogue/{draft.pk}/download").status_code == 404
    nofile = make_item("Zonder bestand", kind="document")
    assert client_for(lena).get(f"/catalogue/{nofile.pk}/download").status_code == 404


def test_captions_are_webvtt(client_for: ClientFor, lena: Person) -> None:
    item = make_item("Video", kind="video", transcripts={"nl": VTT})
    response = client_for(lena).get(f"/catalogue/{item.pk}/captions/nl.vtt")
    assert response["Content-Type"].startswith("text/vtt")
    text = response.content.decode()
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nWelkom")
    assert "00:01:05.000 --> 00:01:10.000" in text
    assert client_for(lena).get(f"/catalogue/{item.pk}/captions/fr.vtt").status_code == 404


def test_played_is_only_for_media(client_for: ClientFor, lena: Person) -> None:
    article = make_item()
    response = client_for(lena).post(f"/catalogue/{article.pk}/played", {"time": "1"})
    assert response.status_code == 400


def test_updated_shows_the_date(client_for: ClientFor, lena: Person) -> None:
    item = make_item()
    page = client_for(lena).get(item.get_absolute_url()).content.decode()
    assert str(timezone.localdate().year) in page
