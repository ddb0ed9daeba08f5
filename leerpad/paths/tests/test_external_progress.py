"""Progress from outside tools: statements POSTed to /xapi/statements by an LRS client count
exactly like Leerpad's own, and voiding one takes its progress back."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.catalog.tracking import activity_id
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client as LrsClient
from leerpad.paths import queries, services, tracking
from leerpad.paths.models import Certificate, Completion, Enrolment
from leerpad.paths.progress import State
from leerpad.paths.tests.learner_helpers import Capture, article, make_path, package, steps_of

pytestmark = pytest.mark.django_db

URL = "/xapi/statements"
COURSE = "https://tool.example/courses/veilig-heffen"


@pytest.fixture(autouse=True)
def outside_tool(db: None) -> LrsClient:
    return LrsClient.objects.create(
        name="E-learning host", key="host", secret_hash=hash_secret("geheim"), scopes=["all"]
    )


def post(client: Client, data: Any, capture: Capture) -> Any:
    token = base64.b64encode(b"host:geheim").decode()
    with capture(execute=True):
        response = client.post(
            URL,
            json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {token}",
            HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
        )
    assert response.status_code == 200, response.content
    return response.json()


def by_mbox(person: Person) -> dict[str, Any]:
    return {"objectType": "Agent", "name": "Learner", "mbox": f"mailto:{person.email.upper()}"}


def by_account(person: Person) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(person.pk)},
    }


def statement(
    actor: dict[str, Any], activity: str, verb: str = tracking.COMPLETED, **more: Any
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": activity},
        **more,
    }


def state(person: Person, path_key: str, index: int) -> State:
    enrolment = Enrolment.objects.select_related("version__path").get(
        person=person, path__key=path_key
    )
    step = steps_of(enrolment.path)[index]
    status = queries.plan_for(person.pk, enrolment.version).status_of(step.pk)
    assert status is not None
    return status.state


def test_a_package_completed_elsewhere_completes_the_step_and_the_path(
    client: Client, lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    course = package(activity_id=COURSE)
    path = make_path("heffen", [{"item": course}])
    enrolment = services.enrol(lena, path)
    assert state(lena, "heffen", 0) == State.OPEN

    (statement_id,) = post(
        client, statement(by_mbox(lena), COURSE), django_capture_on_commit_callbacks
    )

    assert state(lena, "heffen", 0) == State.DONE
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1

    # The tool takes it back: voiding reopens the step.
    void = statement(
        by_mbox(lena),
        COURSE,
        verb="http://adlnet.gov/expapi/verbs/voided",
    )
    void["object"] = {"objectType": "StatementRef", "id": statement_id}
    post(client, void, django_capture_on_commit_callbacks)
    assert not Completion.objects.filter(statement_id=statement_id).exists()
    assert state(lena, "heffen", 0) == State.OPEN
    plan = queries.plan_for(lena.pk, enrolment.version)
    assert not plan.complete and plan.next_step == steps_of(path)[0].pk
    # A certificate says what was true when it was issued: it stays (L&D may revoke it).
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_the_item_page_iri_with_an_account_actor_counts_too(
    client: Client, lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    first, second = article("Eerste"), article("Tweede")
    path = make_path("twee-stappen", [{"item": first}, {"item": second}])
    enrolment = services.enrol(lena, path)
    post(
        client, statement(by_account(lena), activity_id(first)), django_capture_on_commit_callbacks
    )
    assert state(lena, "twee-stappen", 0) == State.DONE
    assert state(lena, "twee-stappen", 1) == State.OPEN
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE

    # Any verb with result.completion = true counts (xAPI Data 2.4.5.1).
    experienced = statement(
        by_account(lena),
        activity_id(second),
        verb="http://adlnet.gov/expapi/verbs/experienced",
        result={"completion": True},
    )
    post(client, experienced, django_capture_on_commit_callbacks)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_failed_statements_and_strangers_do_not_count(
    client: Client, lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    course = package(activity_id=COURSE)
    make_path("niet-geteld", [{"item": course}])
    services.enrol(lena, make_path_key("niet-geteld"))
    post(
        client,
        [
            statement(by_mbox(lena), COURSE, verb=tracking.FAILED, result={"completion": True}),
            statement({"objectType": "Agent", "mbox": "mailto:someone@else.example"}, COURSE),
            statement(by_mbox(lena), "https://tool.example/courses/other"),
        ],
        django_capture_on_commit_callbacks,
    )
    assert state(lena, "niet-geteld", 0) == State.OPEN
    assert not Certificate.objects.exists()


def test_passing_a_quiz_elsewhere_completes_a_quiz_step(
    client: Client, lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    from leerpad.paths.models import Step
    from leerpad.paths.tests.learner_helpers import quiz
    from leerpad.quizzes.tracking import quiz_iri

    safe = quiz("veilig")
    make_path("met-quiz", [{"kind": Step.Kind.QUIZ, "quiz": safe}, {"item": article()}])
    services.enrol(lena, make_path_key("met-quiz"))
    post(
        client,
        statement(
            by_mbox(lena), quiz_iri("veilig"), verb=tracking.PASSED, result={"success": True}
        ),
        django_capture_on_commit_callbacks,
    )
    assert state(lena, "met-quiz", 0) == State.DONE


def make_path_key(key: str) -> Any:
    from leerpad.paths.models import Path

    return Path.objects.get(key=key)
