"""The skills JSON API: search, my profile with gaps, setting my claim; only my own data."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_api_token
from leerpad.skills import services
from leerpad.skills.models import Level, Skill, SkillClaim, SkillEvidence

pytestmark = [pytest.mark.django_db, pytest.mark.urls("leerpad.skills.tests.api_urls")]

ClientFor = Callable[[Person], Client]
API = "/api/v1/skills"


def _bearer(person: Person) -> dict[str, str]:
    _token, plain = create_api_token(person, "tests")
    return {"Authorization": f"Bearer {plain}"}


def test_the_api_needs_authentication(client: Client) -> None:
    assert client.get(f"{API}/").status_code == 401
    assert client.get(f"{API}/me").status_code == 401


def test_search_skills_paginated(client: Client, lena: Person) -> None:
    for n in range(7):
        Skill.objects.create(
            key=f"s-{n}", names={"nl": f"Vaardigheid {n}", "fr": f"Compétence {n}"}
        )
    Skill.objects.create(key="other", names={"nl": "Iets anders"})

    found = client.get(
        f"{API}/", {"q": "competence", "per_page": "5", "page": "2"}, headers=_bearer(lena)
    )

    assert found.status_code == 200
    data = found.json()
    assert (data["count"], data["page"], data["pages"]) == (7, 2, 2)
    assert len(data["results"]) == 2
    assert data["results"][0]["names"]["fr"].startswith("Compétence")


def test_my_profile_shows_claims_evidence_and_gaps(
    client_for: ClientFor, lena: Person, mira: Person, make_skill: Callable[..., Skill]
) -> None:
    assert lena.job_role is not None
    till = make_skill("till", "Kassa")
    services.set_role_skill(lena.job_role, till, level=Level.SKILLED, essential=True)
    services.set_claim(lena, till, self_level=Level.PRACTISING, willing_to_share=True)
    services.add_evidence(
        person_id=lena.pk,
        skill=till,
        level=Level.AWARE,
        source=SkillEvidence.Source.PATH,
        label="Welkom",
        source_key="path:welkom",
    )
    services.set_claim(mira, till, self_level=Level.EXPERT, willing_to_share=True)

    data = client_for(lena).get(f"{API}/me").json()

    assert data["job_role"] == "Sales associate"
    [line] = data["skills"]
    assert (line["skill"], line["needed"], line["self_level"], line["evidence_level"]) == (
        "till",
        3,
        2,
        1,
    )
    assert (line["level"], line["level_source"], line["gap"]) == (2, "self", 1)
    assert line["evidence"][0]["label"] == "Welkom"
    assert [g["skill"] for g in data["gaps"]] == ["till"]


def test_put_my_claim(client: Client, lena: Person, make_skill: Callable[..., Skill]) -> None:
    make_skill("till")
    headers = _bearer(lena)

    response = client.put(
        f"{API}/me/claims/till",
        data=json.dumps({"self_level": 3, "willing_to_share": True}),
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 200
    assert response.json()["self_level"] == 3
    claim = SkillClaim.objects.get(person=lena)
    assert (claim.self_level, claim.willing_to_share) == (3, True)
    bad = client.put(
        f"{API}/me/claims/till",
        data=json.dumps({"self_level": 7}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    missing = client.put(
        f"{API}/me/claims/nope", data="{}", content_type="application/json", headers=headers
    )
    assert missing.status_code == 404
