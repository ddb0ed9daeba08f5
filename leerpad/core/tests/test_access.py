from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.accounts.services import set_roles
from leerpad.core.access import Capability, Role, can, capabilities_of, parse_roles, roles_of
from leerpad.core.navigation import SECTIONS

pytestmark = pytest.mark.django_db


def test_everyone_signed_in_is_a_learner(lena: Person) -> None:
    assert roles_of(lena) == {Role.LEARNER}
    assert capabilities_of(lena) == {Capability.LEARN}


def test_anonymous_and_inactive_people_have_no_capabilities(lena: Person) -> None:
    assert capabilities_of(AnonymousUser()) == frozenset()
    lena.is_active = False
    assert not can(lena, Capability.LEARN)


def test_roles_add_up(make_person: Callable[..., Person]) -> None:
    both = make_person("Vince", Role.MARKETER, Role.LD_SPECIALIST)
    assert can(both, Capability.MANAGE_CAMPAIGNS)
    assert can(both, Capability.MANAGE_CATALOG)
    assert not can(both, Capability.MANAGE_PEOPLE)


def test_admin_role_and_superuser_can_do_everything(
    ada: Person, make_person: Callable[..., Person]
) -> None:
    root = make_person("Root", is_superuser=True)
    for capability in Capability:
        assert can(ada, capability)
        assert can(root, capability)


def test_changing_roles_is_seen_at_once(lena: Person) -> None:
    assert not can(lena, Capability.COACH_PEOPLE)
    set_roles(lena, [Role.COACH])
    assert can(lena, Capability.COACH_PEOPLE)
    set_roles(lena, [])
    assert roles_of(lena) == {Role.LEARNER}


def test_parse_roles_names_the_unknown_code() -> None:
    assert parse_roles(["coach", " Marketer ", ""]) == {Role.COACH, Role.MARKETER}
    with pytest.raises(ValueError, match="wizard"):
        parse_roles(["coach", "wizard"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("lena", {"learn", "catalogue", "paths", "skills"}),
        ("cas", {"learn", "catalogue", "paths", "skills", "workspace"}),
        ("dirk", {"learn", "catalogue", "paths", "skills", "analytics", "workspace"}),
        ("mira", {"learn", "catalogue", "paths", "skills", "analytics", "campaigns", "workspace"}),
        (
            "greet",
            {
                "learn",
                "catalogue",
                "paths",
                "skills",
                "analytics",
                "campaigns",
                "workspace",
            },
        ),
        ("ada", {s.slug for s in SECTIONS}),
    ],
)
def test_navigation_follows_the_role(
    persona: str,
    expected: set[str],
    request: pytest.FixtureRequest,
    client_for: Callable[[Person], Client],
) -> None:
    person: Person = request.getfixturevalue(persona)
    html = client_for(person).get("/").content.decode()
    shown = {s.slug for s in SECTIONS if f'data-section="{s.slug}"' in html}
    assert shown == expected


def test_the_workspace_is_for_the_ldm_team_and_coaches(
    client: Client, cas: Person, lena: Person
) -> None:
    client.force_login(cas)
    assert client.get("/workspace/").status_code == 200
    client.force_login(lena)
    response = client.get("/workspace/")
    assert response.status_code == 403
    assert "not open to you" in response.content.decode()


def test_a_section_that_has_landed_has_no_coming_page(
    cas: Person, client_for: Callable[..., Client]
) -> None:
    assert client_for(cas).get("/sections/workspace/").status_code == 404


def test_unknown_section_is_a_friendly_404(lena: Person, client_for: Callable[..., Client]) -> None:
    response = client_for(lena).get("/sections/nope/")
    assert response.status_code == 404
    assert "could not find that page" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
