"""Shared test fixtures: named personas, one per Leerpad role.

lena   learner            (Gent)
cas    coach              (Gent, coaches lena)
dirk   L&D specialist
mira   marketer
greet  LD&M manager
ada    admin
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import JobRole, Location, Person, Team
from leerpad.accounts.services import set_roles
from leerpad.core.access import Role

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Pages without a language cookie come in English, so tests can read their text.
    settings.LANGUAGE_CODE = "en"
    # A fast hasher: the default one is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Background tasks run at once, inside the test's transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Uploads and the search index go to a folder of this test's own.
    scratch = tmp_path_factory.mktemp("var")
    settings.MEDIA_ROOT = scratch / "media"
    settings.LEERPAD_SEARCH_DIR = scratch / "search"
    settings.LEERPAD_ANALYTICS_DIR = scratch / "analytics"
    # The demo's 12-month learner history at 5%: the same code paths, a fraction of the time.
    settings.LEERPAD_DEMO_HISTORY_SCALE = 0.05


@pytest.fixture
def gent(db: None) -> Location:
    return Location.objects.create(name="Gent", city="Gent")


@pytest.fixture
def make_person(db: None) -> Callable[..., Person]:
    def make(first_name: str, *roles: Role, **fields: Any) -> Person:
        fields.setdefault("email", f"{first_name.lower()}@example.test")
        person = Person.objects.create_user(
            password=PASSWORD, first_name=first_name, last_name="Test", **fields
        )
        set_roles(person, roles)
        return person

    return make


@pytest.fixture
def lena(make_person: Callable[..., Person], gent: Location) -> Person:
    return make_person(
        "Lena",
        location=gent,
        language="nl",
        job_role=JobRole.objects.get_or_create(name="Sales associate")[0],
        team=Team.objects.get_or_create(name="Store Gent")[0],
    )


@pytest.fixture
def cas(make_person: Callable[..., Person], gent: Location, lena: Person) -> Person:
    coach = make_person("Cas", Role.COACH, location=gent, language="nl")
    lena.coach = coach
    lena.save(update_fields=["coach"])
    return coach


@pytest.fixture
def dirk(make_person: Callable[..., Person]) -> Person:
    return make_person("Dirk", Role.LD_SPECIALIST, language="nl")


@pytest.fixture
def mira(make_person: Callable[..., Person]) -> Person:
    return make_person("Mira", Role.MARKETER, language="fr")


@pytest.fixture
def greet(make_person: Callable[..., Person]) -> Person:
    return make_person("Greet", Role.LDM_MANAGER, language="nl")


@pytest.fixture
def ada(make_person: Callable[..., Person]) -> Person:
    return make_person("Ada", Role.ADMIN, language="en")


@pytest.fixture
def client_for(client: Client) -> Callable[[Person], Client]:
    """A test client signed in as the given person."""

    def sign_in(person: Person) -> Client:
        client.force_login(person)
        return client

    return sign_in
