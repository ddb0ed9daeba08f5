"""The report pages through the test client: permissions, generate, confirmations, PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from leerpad.accounts.models import Person
from leerpad.reports import figures, services
from leerpad.reports.models import MonthlyReport, ReportTemplate
from leerpad.reports.tests.conftest import MARCH

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


@pytest.fixture
def draft(march: dict[str, Any], dirk: Person) -> MonthlyReport:
    return services.generate(MARCH, "en", dirk)


@pytest.fixture
def published(draft: MonthlyReport) -> MonthlyReport:
    return services.set_published(draft, True)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("reports:list"))

    assert response.status_code == 302 and "/login" in response["Location"]


def test_learners_may_not_see_reports(
    client_for: ClientFor, lena: Person, published: MonthlyReport
) -> None:
    client = client_for(lena)

    assert client.get(reverse("reports:list")).status_code == 403
    assert client.get(published.get_absolute_url()).status_code == 403
    assert client.get(reverse("reports:pdf", args=[published.pk])).status_code == 403


def test_readers_see_published_reports_only(
    client_for: ClientFor, mira: Person, draft: MonthlyReport
) -> None:
    client = client_for(mira)  # a marketer: VIEW_ANALYTICS, not MANAGE_PATHS

    assert client.get(draft.get_absolute_url()).status_code == 404
    listing = client.get(reverse("reports:list")).content.decode()
    assert "No report has been published yet." in listing
    assert "Generate the report" not in listing

    services.set_published(draft, True)

    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Learning at work: March 2025" in page
    assert "Regenerate" not in page
    assert draft.title in client.get(reverse("reports:list")).content.decode()


def test_readers_may_not_make_or_change_reports(
    client_for: ClientFor, mira: Person, published: MonthlyReport
) -> None:
    client = client_for(mira)
    pk = published.pk

    assert client.post(reverse("reports:generate"), {"month": "2025-03-01"}).status_code == 403
    assert client.post(reverse("reports:regenerate", args=[pk])).status_code == 403
    assert client.post(reverse("reports:delete", args=[pk])).status_code == 403
    assert client.post(reverse("reports:publish", args=[pk]), {"published": "0"}).status_code == 403
    assert client.get(reverse("reports:template", args=["en"])).status_code == 403
    assert MonthlyReport.objects.get(pk=pk).published


def test_ld_generates_a_month(client_for: ClientFor, greet: Person, march: dict[str, Any]) -> None:
    client = client_for(greet)  # the LD&M manager
    assert "Generate the report" in client.get(reverse("reports:list")).content.decode()

    response = client.post(reverse("reports:generate"), {"month": "2025-03-01", "language": "fr"})

    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.month, report.language, report.created_by) == (MARCH, "fr", greet)
    assert report.title == "Apprendre au travail : mars 2025"


def test_a_month_under_way_is_not_offered(client_for: ClientFor, dirk: Person) -> None:
    month = services.latest_closed_month()
    future = figures.next_month(month).isoformat()
    client = client_for(dirk)

    client.post(reverse("reports:generate"), {"month": future, "language": "en"})

    assert not MonthlyReport.objects.exists()


def test_the_pdf_is_a_pdf_with_the_title_and_figures(
    client_for: ClientFor, mira: Person, published: MonthlyReport
) -> None:
    response = client_for(mira).get(reverse("reports:pdf", args=[published.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "2025-03-en.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Learning at work: March 2025" in text
    assert "7 colleagues learned with Leerpad" in text
    assert "Item A" in text
    assert "< 3" in text  # withheld figures say so


def test_the_pdf_reads_the_snapshot(
    client_for: ClientFor, dirk: Person, draft: MonthlyReport
) -> None:
    ReportTemplate.objects.filter(language="en").update(title="Changed {month}")
    frozen = {**draft.narrative, "title": "Frozen"}
    MonthlyReport.objects.filter(pk=draft.pk).update(narrative=frozen)

    text = pdf_text(client_for(dirk).get(reverse("reports:pdf", args=[draft.pk])).content)

    assert "Frozen" in text and "Changed" not in text


def test_regenerate_and_delete_ask_first(
    client_for: ClientFor, dirk: Person, published: MonthlyReport
) -> None:
    client = client_for(dirk)
    regenerate = reverse("reports:regenerate", args=[published.pk])
    delete = reverse("reports:delete", args=[published.pk])

    page = client.get(regenerate).content.decode()
    assert "Generate the report of March 2025 again?" in page
    assert "goes back to draft" in page
    assert "Delete “Learning at work: March 2025”?" in client.get(delete).content.decode()
    assert MonthlyReport.objects.get().published  # asking changed nothing

    client.post(regenerate)
    assert not MonthlyReport.objects.get().published
    client.post(delete)
    assert not MonthlyReport.objects.exists()


def test_publish_and_back_to_draft(
    client_for: ClientFor, dirk: Person, draft: MonthlyReport
) -> None:
    client = client_for(dirk)
    url = reverse("reports:publish", args=[draft.pk])

    client.post(url, {"published": "1"})
    assert MonthlyReport.objects.get().published
    client.post(url, {"published": "0"})
    assert not MonthlyReport.objects.get().published


def test_list_is_paginated(client_for: ClientFor, dirk: Person) -> None:
    for i in range(14):
        MonthlyReport.objects.create(
            month=f"{2020 + i // 12}-{i % 12 + 1:02d}-01", language="en", title=f"R{i}", html=""
        )

    first = client_for(dirk).get(reverse("reports:list")).content.decode()
    second = client_for(dirk).get(reverse("reports:list") + "?page=2").content.decode()

    assert "Page 1 of 2" in first and ">R13<" in first and ">R0<" not in first
    assert ">R0<" in second and ">R1<" in second


def test_template_edit_refuses_unknown_placeholders(client_for: ClientFor, dirk: Person) -> None:
    url = reverse("reports:template", args=["en"])
    client = client_for(dirk)
    data = dict(services.template_for("en").texts())

    response = client.post(url, {**data, "intro": "Hello {salary}"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown placeholder {salary}." in page
    assert "Known placeholders: {month}, {active_learners}" in page
    assert ReportTemplate.objects.get(language="en").intro == data["intro"]

    client.post(url, {**data, "intro": "Hello {month}"})
    assert ReportTemplate.objects.get(language="en").intro == "Hello {month}"


def test_live_preview_fills_the_texts_typed_so_far(
    client_for: ClientFor, dirk: Person, march: dict[str, Any], settings: Any
) -> None:
    data = dict(services.template_for("nl").texts())
    url = reverse("reports:preview", args=["nl"])
    client = client_for(dirk)

    ok = client.post(url, {**data, "intro": "Actief: {active_learners}."}, HTTP_HX_REQUEST="true")
    bad = client.post(url, {**data, "intro": "{active_learners.__class__}"})

    assert ok.status_code == 200 and "Actief:" in ok.content.decode()
    assert "Unknown placeholder {active_learners.__class__}." in bad.content.decode()
    assert "<html" not in ok.content.decode()  # a partial for htmx


def test_reset_to_the_default_text(client_for: ClientFor, dirk: Person) -> None:
    template = services.template_for("fr")
    services.save_template(template, {"intro": "Autre {month}"}, dirk)

    client_for(dirk).post(reverse("reports:template", args=["fr"]), {"reset": "1"})

    assert ReportTemplate.objects.get(language="fr").intro.startswith("En {month}")


def test_unknown_language_is_not_found(client_for: ClientFor, dirk: Person) -> None:
    assert client_for(dirk).get(reverse("reports:template", args=["de"])).status_code == 404
