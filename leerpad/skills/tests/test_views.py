"""The skills pages: taxonomy, skill editing, role profiles, My skills, home panel, ESCO upload."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from leerpad.accounts.models import JobRole, Person
from leerpad.skills import services
from leerpad.skills.models import EscoImport, Level, RoleSkill, Skill, SkillClaim, SkillEvidence
from leerpad.skills.tests.conftest import ESCO_SAMPLE, occupation_uri, skill_uri

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


# --- the taxonomy ------------------------------------------------------------------------------


def test_every_learner_can_search_the_taxonomy(
    client_for: ClientFor, lena: Person, make_skill: Callable[..., Skill]
) -> None:
    make_skill("till", names={"nl": "Kassa bedienen", "fr": "Tenir la caisse"})
    make_skill("stock", names={"nl": "Voorraad"}, alt_names={"nl": ["stock opvolgen"]})
    client = client_for(lena)

    assert {s.key for s in client.get("/skills/taxonomy/").context["page"].object_list} == {
        "till",
        "stock",
    }
    found = client.get("/skills/taxonomy/", {"q": "caisse"})
    assert [s.key for s in found.context["page"].object_list] == ["till"]
    by_alt = client.get("/skills/taxonomy/", {"q": "opvolgen"}, headers={"HX-Request": "true"})
    assert [s.key for s in by_alt.context["page"].object_list] == ["stock"]
    assert "<html" not in by_alt.content.decode()  # only the results, for htmx


def test_taxonomy_pages_through_many_skills(client_for: ClientFor, lena: Person) -> None:
    for n in range(30):
        Skill.objects.create(key=f"skill-{n:02d}", names={"en": f"Skill {n:02d}"})

    page_two = client_for(lena).get("/skills/taxonomy/", {"page": 2}).context["page"]

    assert page_two.paginator.count == 30
    assert len(page_two.object_list) == 5


def test_skill_options_suggest_from_the_last_name_typed(
    client_for: ClientFor, lena: Person, make_skill: Callable[..., Skill]
) -> None:
    make_skill("till", "Kassa")
    make_skill("stock", "Voorraad")

    body = client_for(lena).get("/skills/taxonomy/options/", {"skills": "till, voor"}).content
    assert b'value="stock"' in body
    assert b'value="till"' not in body


def test_skill_page_shows_paths_and_items(
    client_for: ClientFor,
    lena: Person,
    make_skill: Callable[..., Skill],
    make_item: Callable[..., Any],
    make_path: Callable[..., Any],
) -> None:
    till = make_skill("till", "Kassa")
    make_item("Kassa in vijf minuten", till)
    make_path("kassa-pad", (till, Level.SKILLED))

    response = client_for(lena).get("/skills/taxonomy/till/")

    body = response.content.decode()
    assert "Kassa in vijf minuten" in body
    assert "Kassa-Pad" in body
    assert client_for(lena).get("/skills/taxonomy/nope/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("lena", 403), ("mira", 403), ("cas", 403), ("dirk", 200), ("greet", 200)]
)
def test_who_may_create_skills(
    client_for: ClientFor, request: pytest.FixtureRequest, who: str, status: int
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get("/skills/taxonomy/new/").status_code == status


def test_create_and_edit_a_local_skill(
    client_for: ClientFor, dirk: Person, make_skill: Callable[..., Skill]
) -> None:
    parent = make_skill("customer-care", "Klantenzorg")
    client = client_for(dirk)
    data = {
        "key": "complaints",
        "name_nl": "Klachten behandelen",
        "name_fr": "Traiter les réclamations",
        "name_en": "",
        "alt_nl": "klachten\nklachtenafhandeling\nklachten",
        "alt_fr": "",
        "alt_en": "",
        "description_nl": "Rustig blijven.",
        "description_fr": "",
        "description_en": "",
        "kind": "skill",
        "broader": "customer-care",
    }

    assert client.post("/skills/taxonomy/new/", data).status_code == 302
    skill = Skill.objects.get(key="complaints")
    assert skill.source == Skill.Source.LOCAL
    assert skill.names == {"nl": "Klachten behandelen", "fr": "Traiter les réclamations"}
    assert skill.alt_names == {"nl": ["klachten", "klachtenafhandeling"]}
    assert skill.broader == parent

    # The parent cannot be put under its own child.
    loop = client.post(
        "/skills/taxonomy/customer-care/edit/",
        {**data, "key": "customer-care", "name_nl": "Klantenzorg", "broader": "complaints"},
    )
    assert loop.status_code == 400
    parent.refresh_from_db()
    assert parent.broader is None
    # Keys stay unique; a skill needs a name.
    assert client.post("/skills/taxonomy/new/", data).status_code == 400
    assert (
        client.post(
            "/skills/taxonomy/new/", {**data, "key": "x", "name_nl": "", "name_fr": ""}
        ).status_code
        == 400
    )


# --- role profiles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("lena", 403), ("mira", 403), ("cas", 403), ("dirk", 200), ("greet", 200), ("ada", 200)],
)
def test_who_may_edit_role_profiles(
    client_for: ClientFor,
    request: pytest.FixtureRequest,
    who: str,
    status: int,
    sales_role: JobRole,
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get("/skills/roles/").status_code == status
    assert client.get(f"/skills/roles/{sales_role.pk}/").status_code == status


def test_add_change_and_remove_a_role_skill(
    client_for: ClientFor, ada: Person, sales_role: JobRole, make_skill: Callable[..., Skill]
) -> None:
    make_skill("till", names={"nl": "Kassa", "en": "Till"})
    client = client_for(ada)
    url = f"/skills/roles/{sales_role.pk}/"

    # By name in any language, too.
    assert (
        client.post(
            url, {"add-skill": "Kassa", "add-level": "3", "add-essential": "on"}
        ).status_code
        == 302
    )
    line = RoleSkill.objects.get(job_role=sales_role)
    assert (line.skill.key, line.level, line.essential) == ("till", 3, True)
    assert client.post(url, {"add-skill": "juggling", "add-level": "2"}).status_code == 400

    client.post(f"{url}lines/{line.pk}/", {"level": "4"})
    line.refresh_from_db()
    assert (line.level, line.essential) == (4, False)

    confirm = client.get(f"{url}lines/{line.pk}/remove/")
    assert confirm.status_code == 200
    assert RoleSkill.objects.filter(pk=line.pk).exists()
    client.post(f"{url}lines/{line.pk}/remove/")
    assert not RoleSkill.objects.filter(pk=line.pk).exists()


# --- My skills and the home panel ----------------------------------------------------------------


@pytest.fixture
def lena_profile(lena: Person, make_skill: Callable[..., Skill]) -> dict[str, Skill]:
    assert lena.job_role is not None
    till = make_skill("till", names={"nl": "Kassa", "en": "Till"})
    stock = make_skill("stock", names={"nl": "Voorraad", "en": "Stock"})
    services.set_role_skill(lena.job_role, till, level=Level.SKILLED, essential=True)
    services.set_role_skill(lena.job_role, stock, level=Level.AWARE, essential=True)
    services.add_evidence(
        person_id=lena.pk,
        skill=stock,
        level=Level.PRACTISING,
        source=SkillEvidence.Source.QUIZ,
        label="Quiz: voorraad tellen",
        source_key="quiz:stock",
        url="/quizzes/stock/",
    )
    return {"till": till, "stock": stock}


def test_my_skills_shows_levels_with_their_source(
    client_for: ClientFor, lena: Person, lena_profile: dict[str, Skill]
) -> None:
    services.set_claim(
        lena, lena_profile["till"], self_level=Level.PRACTISING, willing_to_share=False
    )

    body = client_for(lena).get("/skills/").content.decode()

    assert "Quiz: voorraad tellen" in body
    assert "/quizzes/stock/" in body
    assert "self-assessed" in body
    assert "shown by evidence" in body
    assert "1 level to grow" in body  # till: needs Skilled (3), has Practising (2)


def test_saving_my_level_and_sharing_a_skill(
    client_for: ClientFor, lena: Person, lena_profile: dict[str, Skill]
) -> None:
    client = client_for(lena)

    row = client.post(
        "/skills/mine/till/",
        {"self_level": "3", "willing_to_share": "1"},
        headers={"HX-Request": "true"},
    )

    assert row.status_code == 200
    assert 'id="skill-till"' in row.content.decode()
    claim = SkillClaim.objects.get(person=lena, skill=lena_profile["till"])
    assert (claim.self_level, claim.willing_to_share) == (3, True)
    client.post("/skills/mine/till/", {"self_level": ""})
    claim.refresh_from_db()
    assert (claim.self_level, claim.willing_to_share) == (None, False)
    assert client.post("/skills/mine/till/", {"self_level": "9"}).status_code == 302
    refused = client.post("/skills/mine/till/", {"self_level": "9"}, headers={"HX-Request": "true"})
    assert "Choose one of the levels." in refused.content.decode()
    claim.refresh_from_db()
    assert claim.self_level is None


def test_adding_and_removing_a_skill_of_my_own(
    client_for: ClientFor, lena: Person, make_skill: Callable[..., Skill]
) -> None:
    make_skill("baking", names={"nl": "Brood bakken"})
    client = client_for(lena)

    client.post("/skills/mine/add/", {"add-skill": "brood bakken", "add-self_level": "2"})
    assert SkillClaim.objects.get(person=lena).self_level == 2
    client.post("/skills/mine/baking/remove/")
    assert not SkillClaim.objects.filter(person=lena).exists()


def test_sharing_profile_is_opt_in(client_for: ClientFor, lena: Person) -> None:
    client = client_for(lena)
    assert client.get("/skills/").status_code == 200

    client.post("/skills/mine/sharing/", {"visible": "1", "note": "Maandag in Gent"})
    assert lena.sharing_profile.visible
    assert lena.sharing_profile.note == "Maandag in Gent"


def test_home_panel_lists_the_top_gaps(
    client_for: ClientFor,
    lena: Person,
    lena_profile: dict[str, Skill],
    make_path: Callable[..., Any],
) -> None:
    make_path("kassa-pad", (lena_profile["till"], Level.EXPERT))

    response = client_for(lena).get("/")

    panels = [p for p in response.context["panels"] if p.template == "skills/_home_panel.html"]
    assert len(panels) == 1
    assert panels[0].order == 40
    assert [row.line.skill.key for row in panels[0].context["rows"]] == ["till"]
    body = response.content.decode()
    assert "Skills to grow for your role" in body
    assert "Kassa-Pad" in body


def test_no_home_panel_without_a_role_profile(
    client_for: ClientFor, lena: Person, make_person: Callable[..., Person]
) -> None:
    templates = [p.template for p in client_for(lena).get("/").context["panels"]]
    assert "skills/_home_panel.html" not in templates


def test_gaps_page_says_which_level_is_self_assessed(
    client_for: ClientFor, lena: Person, lena_profile: dict[str, Skill]
) -> None:
    services.set_claim(lena, lena_profile["till"], self_level=Level.AWARE, willing_to_share=False)

    response = client_for(lena).get("/skills/gaps/")

    rows = response.context["rows"]
    assert [(r.line.skill.key, r.line.gap, r.line.level_source) for r in rows] == [
        ("till", 2, "self")
    ]
    assert "self-assessed" in response.content.decode()


def test_pages_need_a_login(client: Client) -> None:
    for url in (
        "/skills/",
        "/skills/taxonomy/",
        "/skills/colleagues/",
        "/skills/opportunities/",
        "/skills/esco/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


# --- ESCO upload ---------------------------------------------------------------------------------


def _uploads(*names: str) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(n, (ESCO_SAMPLE / n).read_bytes(), "text/csv") for n in names]


SAMPLE_FILES = (
    "skills_nl.csv",
    "skills_fr.csv",
    "skills_en.csv",
    "broaderRelationsSkillPillar_en.csv",
    "occupations_en.csv",
    "occupationSkillRelations_en.csv",
)


def test_learners_may_not_import(client_for: ClientFor, lena: Person) -> None:
    assert client_for(lena).get("/skills/esco/").status_code == 403
    assert (
        client_for(lena).post("/skills/esco/", {"uploads": _uploads("skills_en.csv")}).status_code
        == 403
    )


def test_upload_preview_then_apply(
    client_for: ClientFor,
    dirk: Person,
    sales_role: JobRole,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(dirk)
    mapping = f"{occupation_uri('shop-assistant')}=Sales associate"

    uploaded = client.post(
        "/skills/esco/",
        {
            "uploads": _uploads(*SAMPLE_FILES),
            "languages": ["nl", "fr", "en"],
            "occupations": mapping,
        },
    )

    assert uploaded.status_code == 302
    record = EscoImport.objects.get()
    preview = client.get(uploaded["Location"])
    assert preview.context["summary"]["created"] == 12
    assert preview.context["summary"]["role_skills_created"] == 5
    assert Skill.objects.count() == 0  # a preview changes nothing
    assert RoleSkill.objects.count() == 0

    assert all(default_storage.exists(name) for name in record.files)
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(uploaded["Location"])
    assert applied.status_code == 302
    record.refresh_from_db()
    assert record.status == EscoImport.Status.APPLIED
    assert record.summary["created"] == 12
    assert record.imported_by == dirk
    assert (
        Skill.objects.get(uri=skill_uri("till")).names["fr"] == "utiliser une caisse enregistreuse"
    )
    assert RoleSkill.objects.filter(job_role=sales_role).count() == 5
    assert not any(default_storage.exists(name) for name in record.files)
    # Applying twice does nothing more.
    client.post(uploaded["Location"])
    assert Skill.objects.count() == 12


def test_a_zip_upload_works_too(client_for: ClientFor, dirk: Person, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "esco.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("skills_en.csv", "skills_nl.csv"):
            zipped.write(ESCO_SAMPLE / name, f"v1.2.0/{name}")
    upload = SimpleUploadedFile("esco.zip", archive.read_bytes(), "application/zip")
    client = client_for(dirk)

    uploaded = client.post("/skills/esco/", {"uploads": [upload]})
    client.post(uploaded["Location"])

    assert Skill.objects.count() == 12


def test_a_bad_upload_shows_why_and_offers_no_apply(client_for: ClientFor, dirk: Person) -> None:
    broken = SimpleUploadedFile("skills_nl.csv", b"conceptUri,preferredLabel\nx,y\n", "text/csv")
    client = client_for(dirk)

    uploaded = client.post("/skills/esco/", {"uploads": [broken]})
    preview = client.get(uploaded["Location"])

    body = preview.content.decode()
    assert "lacks the column(s)" in body
    assert 'type="submit">Apply' not in body
    assert EscoImport.objects.get().status == EscoImport.Status.REFUSED
    client.post(uploaded["Location"])
    assert Skill.objects.count() == 0


def test_upload_form_refuses_other_files(client_for: ClientFor, dirk: Person) -> None:
    sheet = SimpleUploadedFile("skills_nl.xlsx", b"PK", "application/vnd.ms-excel")

    response = client_for(dirk).post("/skills/esco/", {"uploads": [sheet]})

    assert response.status_code == 400
    assert EscoImport.objects.count() == 0
