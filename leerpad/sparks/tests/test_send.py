"""Sending a spark (everyone), the thanks, "your sparks" and the media behind a check."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from leerpad.accounts.models import Location, Person
from leerpad.sparks.models import Spark, Status
from leerpad.sparks.tests.helpers import GPS_IFD, photo_upload, upload, video_upload

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]
SEND = "/workspace/sparks/send/"


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "sparks"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(SEND)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_form_prefills_the_location_and_tells_the_team_sees_the_name(
    client_for: ClientFor, lena: Person, gent: Location
) -> None:
    response = client_for(lena).get(SEND)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{gent.pk}" selected>' in html
    assert 'capture="environment"' in html
    assert 'accept="image/*,video/*"' in html
    assert "sees your name" in html
    assert "up to 10 MB" in html and "up to 100 MB" in html


def test_idea_is_sent_and_thanked(client_for: ClientFor, lena: Person, gent: Location) -> None:
    client = client_for(lena)
    response = client.post(
        SEND,
        {
            "kind": "idea",
            "text": "Laat klanten zaden ruilen",
            "location": gent.pk,
            "credit_consent": "on",
        },
    )
    spark = Spark.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sparks:thanks", args=[spark.pk])
    assert (spark.sender, spark.location, spark.status) == (lena, gent, Status.NEW)
    assert spark.credit_consent is True
    thanks = client.get(response["Location"]).content.decode()
    assert "What happens next" in thanks
    assert "Laat klanten zaden ruilen" in thanks


def test_credit_consent_can_be_refused(client_for: ClientFor, lena: Person) -> None:
    client_for(lena).post(SEND, {"kind": "question", "text": "Waarom?", "location": ""})
    spark = Spark.objects.get()
    assert spark.credit_consent is False
    assert spark.location is None


@pytest.mark.parametrize("kind", ["idea", "story", "question"])
def test_text_kinds_need_text(client_for: ClientFor, lena: Person, kind: str) -> None:
    response = client_for(lena).post(SEND, {"kind": kind, "text": "  "})
    assert response.status_code == 200
    assert "Write a few words" in response.content.decode()
    assert not Spark.objects.exists()


def test_kind_is_required(client_for: ClientFor, lena: Person) -> None:
    response = client_for(lena).post(SEND, {"text": "iets"})
    assert "Pick what you are sending." in response.content.decode()
    assert not Spark.objects.exists()


def test_photo_kind_needs_a_photo(client_for: ClientFor, lena: Person) -> None:
    response = client_for(lena).post(SEND, {"kind": "photo", "text": "kijk"})
    assert "Add the photo" in response.content.decode()
    assert not Spark.objects.exists()


def test_photo_with_caption_is_stored_clean_with_thumbnail(
    client_for: ClientFor, cas: Person
) -> None:
    response = client_for(cas).post(
        SEND, {"kind": "photo", "text": "Nieuwe opstelling", "file": photo_upload()}
    )
    assert response.status_code == 302
    spark = Spark.objects.get()
    assert spark.is_image and spark.thumbnail
    with spark.media.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif().get_ifd(GPS_IFD)
    assert dict(stored.getexif()) == {}


def test_photo_without_caption_is_fine(client_for: ClientFor, cas: Person) -> None:
    client_for(cas).post(SEND, {"kind": "photo", "file": photo_upload()})
    assert Spark.objects.get().text == ""


def test_a_non_image_is_refused_and_nothing_is_saved(client_for: ClientFor, lena: Person) -> None:
    bogus = upload("photo.jpg", b"this is not a jpeg at all", "image/jpeg")
    response = client_for(lena).post(SEND, {"kind": "photo", "file": bogus})
    assert response.status_code == 200
    assert "not a photo we can read" in response.content.decode()
    assert not Spark.objects.exists()
    assert _stored_files() == []


def test_video_under_photo_kind_is_refused(client_for: ClientFor, lena: Person) -> None:
    response = client_for(lena).post(SEND, {"kind": "photo", "file": video_upload()})
    assert "This is a video" in response.content.decode()
    assert not Spark.objects.exists()


def test_video_is_stored_and_served_with_ranges(client_for: ClientFor, lena: Person) -> None:
    client = client_for(lena)
    client.post(SEND, {"kind": "video", "text": "demo", "file": video_upload()})
    spark = Spark.objects.get()
    assert spark.is_video and not spark.thumbnail
    url = reverse("sparks:media", args=[spark.pk, "file"])
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    part = client.get(url, headers={"Range": "bytes=4-7"})
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == b"ftyp"  # type: ignore[attr-defined]


def test_media_only_for_sender_and_workspace(
    client: Client, make_person: Callable[..., Person], lena: Person, cas: Person, mira: Person
) -> None:
    client.force_login(lena)
    client.post(SEND, {"kind": "photo", "file": photo_upload()})
    spark = Spark.objects.get()
    url = reverse("sparks:media", args=[spark.pk, "thumb"])
    assert client.get(url).status_code == 200
    other = make_person("Otto")
    client.force_login(other)
    assert client.get(url).status_code == 403
    client.force_login(mira)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_thanks_page_is_only_for_the_sender(
    client_for: ClientFor, lena: Person, make_person: Callable[..., Person]
) -> None:
    client = client_for(lena)
    client.post(SEND, {"kind": "idea", "text": "x"})
    spark = Spark.objects.get()
    client.force_login(make_person("Otto"))
    assert client.get(reverse("sparks:thanks", args=[spark.pk])).status_code == 404


def test_my_sparks_lists_only_mine(
    client_for: ClientFor, lena: Person, make_person: Callable[..., Person]
) -> None:
    other = make_person("Otto")
    Spark.objects.create(kind="idea", text="van Otto", sender=other)
    Spark.objects.create(kind="idea", text="van Lena", sender=lena, status=Status.LEARNING)
    html = client_for(lena).get(reverse("sparks:mine")).content.decode()
    assert "van Lena" in html and "van Otto" not in html
    assert "Learning content" in html


def test_my_sparks_empty_state(client_for: ClientFor, lena: Person) -> None:
    html = client_for(lena).get(reverse("sparks:mine")).content.decode()
    assert "not sent a spark yet" in html


def test_index_sends_learners_to_the_form_and_the_team_to_the_board(
    client: Client, lena: Person, dirk: Person
) -> None:
    client.force_login(lena)
    assert client.get("/workspace/sparks/")["Location"] == reverse("sparks:send")
    client.force_login(dirk)
    assert client.get("/workspace/sparks/")["Location"] == reverse("sparks:board")
