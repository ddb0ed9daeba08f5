"""A person downloads everything Leerpad keeps about them; nobody else can."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.lrs.services import record_for_person
from leerpad.paths.services import enrol
from leerpad.paths.tests.learner_helpers import article, make_path
from leerpad.privacy.services import record_access
from leerpad.recommend.services import dismiss
from leerpad.skills.models import Skill
from leerpad.skills.services import set_claim

pytestmark = pytest.mark.django_db


def test_my_data_has_every_section(
    client_for: Callable[[Person], Client], lena: Person, cas: Person, ada: Person
) -> None:
    enrol(lena, make_path("welkom", [{"item": article("Lees dit")}]))
    record_for_person(
        lena,
        "http://adlnet.gov/expapi/verbs/experienced",
        {"en": "experienced"},
        {"objectType": "Activity", "id": "https://tool.example/course"},
    )
    skill = Skill.objects.create(key="kassa", names={"en": "Till"})
    set_claim(lena, skill, self_level=2, willing_to_share=True)
    dismiss(lena, item=article("Niet voor mij"))
    record_access(ada, lena, "learning_record", "Support ticket about a missing course")

    response = client_for(lena).get("/privacy/my-data/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == lena.email
    assert {s["object"]["id"] for s in data["learning_record"]} >= {"https://tool.example/course"}
    assert data["learning_paths"]["enrolments"][0]["path"] == "welkom"
    assert data["skills"]["claims"] == [{"skill": "kassa", "my_level": 2, "willing_to_share": True}]
    assert len(data["not_for_me"]) == 1
    assert data["quiz_attempts"] == []
    assert data["access_log"][0]["reason"] == "Support ticket about a missing course"
    assert "errors" not in data
    # Only her own: Cas's data is not in Lena's file.
    assert cas.email not in response.content.decode()


def test_it_needs_a_login(client: Client) -> None:
    assert client.get("/privacy/my-data/export.json").status_code == 302
