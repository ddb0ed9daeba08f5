"""An accepted request's project starts its initiative (stakeholders, SWOT, brief) and
the two link both ways, while the initiatives app never imports intake."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.initiatives.models import Initiative
from leerpad.intake import quarters, services
from leerpad.intake.models import Project
from leerpad.intake.tests.helpers import scored

pytestmark = pytest.mark.django_db
ClientFor = Callable[[Person], Client]


@pytest.fixture
def project(lena: Person, dirk: Person, greet: Person) -> Project:
    request = scored(lena, dirk, "Checkout training")
    return services.accept(request, by=greet, owner=dirk, quarter=quarters.of(timezone.localdate()))


def _start_url(project: Project) -> str:
    return reverse("intake:project_initiative", args=[project.pk])


def test_start_initiative_takes_the_request_and_the_owner(
    project: Project, dirk: Person, greet: Person
) -> None:
    initiative = services.start_initiative(project, by=greet)
    assert initiative.title == "Checkout training"
    assert "Queues at the tills on Saturdays." in initiative.summary
    assert "Shorter queues" in initiative.summary
    assert initiative.owner == dirk  # the project's owner, not the manager who clicked
    assert initiative.status == Initiative.Status.CONSULTING
    assert list(initiative.members.all()) == [dirk]
    project.refresh_from_db()
    assert project.initiative == initiative


def test_start_initiative_is_idempotent(project: Project, dirk: Person) -> None:
    first = services.start_initiative(project, by=dirk)
    # A stale copy of the project (a second click from a page opened before the first).
    stale = Project.objects.get(pk=project.pk)
    stale.initiative = None
    second = services.start_initiative(stale, by=dirk)
    assert second.pk == first.pk
    assert Initiative.objects.count() == 1


def test_a_project_without_owner_is_started_by_who_clicks(project: Project, greet: Person) -> None:
    services.set_owner(project, None)
    assert services.start_initiative(project, by=greet).owner == greet


def test_a_closed_project_starts_no_initiative(project: Project, dirk: Person) -> None:
    services.close_project(project, by=dirk)
    with pytest.raises(services.IntakeError):
        services.start_initiative(project, by=dirk)
    assert not Initiative.objects.exists()


def test_who_may_start_it(
    client: Client,
    client_for: ClientFor,
    project: Project,
    lena: Person,
    mira: Person,
) -> None:
    url = _start_url(project)
    response = client.post(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client_for(lena).post(url).status_code == 403  # no workspace
    assert client_for(mira).post(url).status_code == 403  # workspace, not the owner
    assert client_for(mira).get(reverse("intake:project", args=[project.pk])).status_code == 200
    page = client_for(mira).get(reverse("intake:project", args=[project.pk])).content.decode()
    assert "Start the initiative" not in page
    assert not Initiative.objects.exists()


def test_owner_starts_it_once_and_both_pages_link(
    client_for: ClientFor, project: Project, dirk: Person
) -> None:
    client = client_for(dirk)
    project_url = reverse("intake:project", args=[project.pk])
    page = client.get(project_url).content.decode()
    assert "Start the initiative" in page and "Stakeholders, SWOT and brief" not in page
    assert client.get(_start_url(project)).status_code == 405  # a change: POST only

    response = client.post(_start_url(project))
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    again = client.post(_start_url(project))
    assert again.status_code == 302 and again["Location"] == initiative.get_absolute_url()
    assert Initiative.objects.count() == 1

    page = client.get(project_url).content.decode()
    assert "Start the initiative" not in page
    assert "Stakeholders, SWOT and brief" in page
    assert f'href="{initiative.get_absolute_url()}"' in page

    overview = client.get(initiative.get_absolute_url()).content.decode()
    assert "From request" in overview
    assert f'href="{project.request.get_absolute_url()}"' in overview
    assert "Checkout training" in overview


def test_a_manager_may_start_it_for_the_owner(
    client_for: ClientFor, project: Project, dirk: Person, greet: Person
) -> None:
    response = client_for(greet).post(_start_url(project))
    assert response.status_code == 302
    assert Initiative.objects.get().owner == dirk


def test_an_initiative_without_request_says_nothing_of_one(
    client_for: ClientFor, dirk: Person
) -> None:
    initiative = Initiative.objects.create(title="Safety week", owner=dirk)
    page = client_for(dirk).get(initiative.get_absolute_url())
    assert page.status_code == 200
    assert "From request" not in page.content.decode()


def test_reopening_the_request_keeps_the_initiative_without_the_link(
    client_for: ClientFor, project: Project, dirk: Person, greet: Person
) -> None:
    initiative = services.start_initiative(project, by=dirk)
    services.reopen(project.request, by=greet)
    assert Initiative.objects.filter(pk=initiative.pk).exists()
    page = client_for(dirk).get(initiative.get_absolute_url()).content.decode()
    assert "From request" not in page


def test_deleting_the_initiative_unlinks_the_project(project: Project, dirk: Person) -> None:
    initiative = services.start_initiative(project, by=dirk)
    initiative.delete()
    project.refresh_from_db()
    assert project.initiative is None


def test_initiatives_never_import_intake() -> None:
    """The dependency goes one way: intake knows initiatives, not the other way round."""
    import leerpad.initiatives

    root = Path(leerpad.initiatives.__file__).parent
    offenders = []
    for source in root.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(name.startswith("leerpad.intake") for name in names):
                offenders.append(str(source.relative_to(root)))
    assert offenders == []
