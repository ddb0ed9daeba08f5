"""A learner's whole path: enrol, do steps (one of them in an outside tool that posts to
the LRS), pass the quiz, and get the certificate and its public badge page."""

from __future__ import annotations

import base64
import json
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from leerpad.accounts.models import Person
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client as LrsClient
from leerpad.paths.models import Certificate, Enrolment
from leerpad.paths.tests.learner_helpers import article, make_path, package
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill
from tests.browser.conftest import LogIn

pytestmark = pytest.mark.browser

TOOL_ACTIVITY = "https://tool.example/courses/safe-lifting"


def _post_from_outside_tool(live_server: LiveServer, learner: Person) -> None:
    """What an e-learning host does when the learner finishes its course there."""
    LrsClient.objects.create(
        name="E-learning host", key="host", secret_hash=hash_secret("secret"), scopes=["all"]
    )
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{learner.email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {"objectType": "Activity", "id": TOOL_ACTIVITY},
        "result": {"completion": True},
    }
    request = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{live_server.url}/xapi/statements",
        data=json.dumps(statement).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(b"host:secret").decode(),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the test's own live server)
        assert response.status == 200


def test_learner_completes_a_path_and_gets_the_certificate(
    lena: Person, page: Page, login: LogIn, live_server: LiveServer, screenshots: Path
) -> None:
    # The journey reads English labels; Lena's own language is Dutch.
    lena.language = "en"
    lena.save(update_fields=["language"])
    skill = make_skill("safe-lifting", "Safe lifting")
    question = make_question(
        skill,
        "How do you lift a heavy box?",
        answers=(
            ("With a straight back, bending the knees", True),
            ("Bending the back, legs straight", False),
        ),
    )
    quiz = make_quiz("lifting-check", [question], skill=skill, pass_percent=100)
    make_path(
        "safe-start",
        [
            {"item": article("Welcome to the warehouse", minutes=10)},
            {"item": package("Safe lifting course", activity_id=TOOL_ACTIVITY), "needs": [0]},
            {"kind": "quiz", "quiz": quiz, "needs": [1]},
        ],
        titles={"en": "Safe start in the warehouse", "nl": "Veilig starten in het magazijn"},
        skills=[(skill, 2)],
    )

    login(page, lena)
    page.goto("/paths/")
    page.get_by_role("link", name="Safe start in the warehouse").first.click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("0 of 3")).to_be_visible()

    # Step 1 in Leerpad itself.
    page.get_by_role("button", name="Continue").first.click()
    page.get_by_role("button", name="Mark as done").click()
    page.goto("/paths/safe-start/")
    expect(page.get_by_text("1 of 3")).to_be_visible()
    page.screenshot(path=screenshots / "path-in-progress.png", full_page=True)

    # Step 2 happens in an outside tool, which posts its statement to the LRS.
    _post_from_outside_tool(live_server, lena)
    page.reload()
    expect(page.get_by_text("2 of 3")).to_be_visible()

    # Step 3: the quiz.
    page.get_by_role("button", name="Continue").first.click()
    page.get_by_role("button", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("With a straight back, bending the knees").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("passed", exact=False).first).to_be_visible()
    page.screenshot(path=screenshots / "quiz-passed.png", full_page=True)
    page.get_by_role("button", name="Back to the path").click()

    enrolment = Enrolment.objects.get(person=lena, path__key="safe-start")
    assert enrolment.status == Enrolment.Status.COMPLETED
    certificate = Certificate.objects.get(enrolment=enrolment)
    expect(page.get_by_role("button", name="Download (PDF)")).to_be_visible()
    page.screenshot(path=screenshots / "path-completed.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # The badge page is public: anyone with the link can check it.
    page.context.clear_cookies()
    page.goto(certificate.get_absolute_url())
    expect(page.get_by_role("heading", name="Safe start in the warehouse")).to_be_visible()
    expect(page.get_by_text(lena.get_full_name()).first).to_be_visible()
    page.screenshot(path=screenshots / "badge.png", full_page=True)
