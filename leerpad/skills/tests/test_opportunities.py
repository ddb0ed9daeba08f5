"""Job-crafting opportunities: who posts, answering once, closing, and the gap badge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.skills import services
from leerpad.skills.models import Level, Opportunity, OpportunityResponse, Skill

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


@pytest.fixture
def stock(make_skill: Callable[..., Skill]) -> Skill:
    return make_skill("stock", "Voorraad beheren")


def _post(by: Person, skills: list[Skill], **fields: object) -> Opportunity:
    data: dict[str, object] = {
        "kind": Opportunity.Kind.PROJECT,
        "title": "Inventaris in de winkel van Gent",
        "description": "Help twee dagen met de jaarlijkse inventaris.",
        "skills": skills,
        "location": None,
        "hours": 12,
        "closes_on": None,
    }
    data.update(fields)
    return services.post_opportunity(by, **data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("lena", False), ("mira", False), ("cas", True), ("dirk", True), ("ada", True)],
)
def test_who_may_post(
    client_for: ClientFor, request: pytest.FixtureRequest, who: str, allowed: bool, stock: Skill
) -> None:
    person: Person = request.getfixturevalue(who)
    client = client_for(person)

    page = client.get("/skills/opportunities/new/")
    posted = client.post(
        "/skills/opportunities/new/",
        {
            "title": "Meelopen",
            "kind": "shadowing",
            "description": "Een dag meelopen.",
            "skills": "stock",
        },
    )

    if allowed:
        assert page.status_code == 200
        assert posted.status_code == 302
        opportunity = Opportunity.objects.get()
        assert opportunity.posted_by == person
        assert list(opportunity.skills.all()) == [stock]
    else:
        assert page.status_code == 403
        assert posted.status_code == 403
        assert Opportunity.objects.count() == 0


def test_an_unknown_skill_is_refused_with_its_name(client_for: ClientFor, cas: Person) -> None:
    response = client_for(cas).post(
        "/skills/opportunities/new/",
        {"title": "Meelopen", "kind": "shadowing", "description": "x", "skills": "juggling"},
    )

    assert response.status_code == 400
    assert "juggling" in response.content.decode()


def test_a_learner_answers_once(lena: Person, cas: Person, stock: Skill) -> None:
    opportunity = _post(cas, [stock])

    services.respond_to_opportunity(opportunity, lena, "Ik help graag!")
    with pytest.raises(services.SkillsError, match="already answered"):
        services.respond_to_opportunity(opportunity, lena, "Echt graag!")

    assert OpportunityResponse.objects.filter(person=lena).count() == 1


def test_closed_or_expired_opportunities_take_no_answers(
    lena: Person, cas: Person, stock: Skill
) -> None:
    closed = _post(cas, [stock])
    services.close_opportunity(closed, cas)
    expired = _post(cas, [stock], closes_on=timezone.localdate() - dt.timedelta(days=1))

    for opportunity in (closed, expired):
        with pytest.raises(services.SkillsError, match="closed"):
            services.respond_to_opportunity(opportunity, lena, "Ik wil")
    with pytest.raises(services.SkillsError):
        services.respond_to_opportunity(_post(cas, [stock]), cas, "Mijn eigen")
    with pytest.raises(services.SkillsError):
        services.close_opportunity(_post(cas, [stock]), lena)


def test_the_answer_page_answers_once_and_hides_others_answers(
    client_for: ClientFor,
    lena: Person,
    cas: Person,
    make_person: Callable[..., Person],
    stock: Skill,
) -> None:
    opportunity = _post(cas, [stock])
    noor = make_person("Noor")
    services.respond_to_opportunity(opportunity, noor, "Noor's motivatie")
    client = client_for(lena)
    url = f"/skills/opportunities/{opportunity.pk}/"

    page = client.get(url).content.decode()
    assert "Noor's motivatie" not in page
    assert client.post(url, {"message": "Ik doe mee"}).status_code == 302
    again = client.post(url, {"message": "Nog eens"}, follow=True)
    assert "You already answered this opportunity." in again.content.decode()
    assert OpportunityResponse.objects.filter(person=lena).count() == 1

    poster_view = client_for(cas).get(url).content.decode()
    assert "Ik doe mee" in poster_view
    assert "Noor&#x27;s motivatie" in poster_view


def test_only_the_poster_closes(
    client_for: ClientFor, lena: Person, cas: Person, stock: Skill
) -> None:
    opportunity = _post(cas, [stock])
    url = f"/skills/opportunities/{opportunity.pk}/close/"

    assert client_for(lena).post(url).status_code == 403
    assert client_for(cas).get(url).status_code == 200  # asks first
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.OPEN
    client_for(cas).post(url)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CLOSED
    # A closed opportunity is gone for learners who did not answer it.
    assert client_for(lena).get(f"/skills/opportunities/{opportunity.pk}/").status_code == 404


def test_the_list_filters_and_marks_what_matches_my_gaps(
    client_for: ClientFor,
    lena: Person,
    cas: Person,
    stock: Skill,
    make_skill: Callable[..., Skill],
    gent: Location,
) -> None:
    assert lena.job_role is not None
    services.set_role_skill(lena.job_role, stock, level=Level.SKILLED, essential=True)
    baking = make_skill("baking", "Bakken")
    matching = _post(cas, [stock], title="Voorraadproject", location=gent)
    other = _post(cas, [baking], title="Bakproject")
    _post(cas, [stock], title="Verlopen", closes_on=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(lena)

    response = client.get("/skills/opportunities/")
    listed = list(response.context["page"].object_list)
    assert set(listed) == {matching, other}
    assert response.context["matches"] == {matching.pk}
    assert "Matches your gaps" in response.content.decode()
    assert list(
        client.get("/skills/opportunities/", {"skill": "baking"}).context["page"].object_list
    ) == [other]
    by_location = client.get("/skills/opportunities/", {"location": gent.pk}).context["page"]
    assert list(by_location.object_list) == [matching]
