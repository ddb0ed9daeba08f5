"""Certificates: the PDF for its owner only, and the public badge page and JSON."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path as FilePath

import pytest
from django.test import Client
from pypdf import PdfReader

from leerpad.accounts.models import Person
from leerpad.catalog.tracking import activity_id
from leerpad.paths import certificates, services
from leerpad.paths.models import Certificate
from leerpad.paths.tests.learner_helpers import Capture, article, complete, make_path, skill

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


@pytest.fixture
def certificate(lena: Person, django_capture_on_commit_callbacks: Capture) -> Certificate:
    lena.first_name, lena.last_name = "Léna", "Öztürk"
    lena.save(update_fields=["first_name", "last_name"])
    page = article()
    path = make_path(
        "gesprekken",
        [{"item": page}],
        titles={"nl": "Goede klantgesprekken", "en": "Good customer conversations"},
        skills=[(skill(), 3)],
    )
    services.enrol(lena, path)
    complete(django_capture_on_commit_callbacks, lena, activity_id(page))
    return Certificate.objects.select_related("enrolment__person", "enrolment__path").get()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_names_the_person_path_date_skills_and_where_to_verify(
    certificate: Certificate,
) -> None:
    text = pdf_text(certificates.render_pdf(certificate))
    flat = " ".join(text.split())
    assert "Léna Öztürk" in flat
    assert "Goede klantgesprekken" in flat  # the title in Lena's language
    assert str(certificate.issued_at.year) in flat
    assert "Klantgesprekken" in flat
    assert str(certificate.uid) in flat.replace(" ", "") or str(certificate.uid) in text.replace(
        "\n", ""
    )


def test_without_a_unicode_font_the_pdf_folds_to_latin_1(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(certificates, "FONT_REGULAR", FilePath("/nonexistent/DejaVuSans.ttf"))
    certificate.person_name = "Łukasz “Luk” Nowak"
    text = " ".join(pdf_text(certificates.render_pdf(certificate)).split())
    assert 'Lukasz "Luk" Nowak' in text
    assert certificates.latin1("Zoë \u2013 10 \u20ac") == "Zoë - 10 EUR"


def test_only_the_owner_downloads_the_pdf(
    client: Client, client_for: ClientFor, certificate: Certificate, cas: Person
) -> None:
    url = f"/paths/certificates/{certificate.uid}.pdf"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(cas).get(url).status_code == 403
    response = client_for(certificate.enrolment.person).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert pdf_text(response.content)


def test_the_badge_page_is_public_and_says_valid_or_revoked(
    client: Client, certificate: Certificate
) -> None:
    url = f"/paths/badges/{certificate.uid}/"
    html = client.get(url).content.decode()
    assert "Léna Öztürk" in html and "Goede klantgesprekken" in html
    assert "Valid" in html and "Customer conversations" in html and "Skilled" in html
    assert "Download the certificate" not in html  # only for its owner
    services.revoke_certificate(certificate, "Uitgereikt door een fout")
    html = client.get(url).content.decode()
    assert "Revoked on" in html and "Uitgereikt door een fout" in html and "Valid:" not in html


def test_the_badge_json_follows_open_badges(client: Client, certificate: Certificate) -> None:
    response = client.get(f"/paths/badges/{certificate.uid}/assertion.json")
    assert response.status_code == 200
    data = response.json()
    assert data["@context"] == "https://w3id.org/openbadges/v2" and data["type"] == "Assertion"
    assert data["id"].endswith(f"/paths/badges/{certificate.uid}/assertion.json")
    recipient = data["recipient"]
    email = certificate.enrolment.person.email.lower()
    expected = hashlib.sha256((email + recipient["salt"]).encode()).hexdigest()
    assert recipient["hashed"] and recipient["identity"] == f"sha256${expected}"
    assert email not in response.content.decode()
    assert data["badge"]["name"] == "Goede klantgesprekken"
    assert data["badge"]["alignment"][0]["targetCode"] == "klantgesprekken"
    assert data["recipientName"] == "Léna Öztürk" and data["revoked"] is False
    assert data["issuedOn"].startswith(str(certificate.issued_at.year))
    services.revoke_certificate(certificate, "Fout")
    data = client.get(f"/paths/badges/{certificate.uid}/assertion.json").json()
    assert data["revoked"] is True and data["revocationReason"] == "Fout"


def test_unknown_badges_are_not_found(client: Client) -> None:
    assert client.get("/paths/badges/6f1c2a3e-9b7d-4e21-8c5a-0d3f4b2e1a90/").status_code == 404


def test_the_path_page_links_the_certificate_once_completed(
    client_for: ClientFor, certificate: Certificate
) -> None:
    html = client_for(certificate.enrolment.person).get("/paths/gesprekken/").content.decode()
    assert f"/paths/certificates/{certificate.uid}.pdf" in html
    assert f"/paths/badges/{certificate.uid}/" in html
    assert "You completed this path on" in html
