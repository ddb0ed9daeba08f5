"""A person's profile and gaps: evidence versus self-assessment, and what closes a gap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import JobRole, Person
from leerpad.skills import queries, services
from leerpad.skills.models import Level, RoleSkill, Skill, SkillEvidence

pytestmark = pytest.mark.django_db


def _evidence(person: Person, skill: Skill, level: int, key: str = "path:one") -> None:
    services.add_evidence(
        person_id=person.pk,
        skill=skill,
        level=level,
        source=SkillEvidence.Source.PATH,
        label="Welkom in de winkel",
        source_key=key,
        url="/paths/welkom/",
    )


@pytest.fixture
def profile_role(lena: Person, make_skill: Callable[..., Skill]) -> dict[str, Skill]:
    assert lena.job_role is not None
    skills = {
        "till": make_skill("till", "Kassa"),
        "complaints": make_skill("complaints", "Klachten"),
        "stock": make_skill("stock", "Voorraad"),
    }
    services.set_role_skill(lena.job_role, skills["till"], level=Level.SKILLED, essential=True)
    services.set_role_skill(
        lena.job_role, skills["complaints"], level=Level.PRACTISING, essential=True
    )
    services.set_role_skill(lena.job_role, skills["stock"], level=Level.AWARE, essential=False)
    return skills


def test_level_is_the_higher_of_evidence_and_self() -> None:
    assert queries.level_for(None, None) == 0
    assert queries.level_for(3, 1) == 3
    assert queries.level_for(1, 3) == 3
    assert queries.level_for(None, 2) == 2


def test_a_self_assessed_level_is_marked_as_such(
    lena: Person, profile_role: dict[str, Skill]
) -> None:
    services.set_claim(lena, profile_role["till"], self_level=Level.SKILLED, willing_to_share=False)
    _evidence(lena, profile_role["till"], Level.PRACTISING)

    line = next(x for x in queries.profile_for(lena).lines if x.skill == profile_role["till"])

    assert line.evidence_level == Level.PRACTISING
    assert line.self_level == Level.SKILLED
    assert line.level == Level.SKILLED
    assert line.level_source == "self"
    assert line.gap == 0


def test_evidence_that_reaches_the_level_wins(lena: Person, profile_role: dict[str, Skill]) -> None:
    services.set_claim(lena, profile_role["till"], self_level=Level.AWARE, willing_to_share=False)
    _evidence(lena, profile_role["till"], Level.PRACTISING, "path:a")
    _evidence(lena, profile_role["till"], Level.EXPERT, "quiz:b")

    line = next(x for x in queries.profile_for(lena).lines if x.skill == profile_role["till"])

    assert line.evidence_level == Level.EXPERT
    assert line.level_source == "evidence"
    assert len(line.evidence) == 2


def test_gaps_are_needed_minus_has_essential_first(
    lena: Person, profile_role: dict[str, Skill]
) -> None:
    _evidence(lena, profile_role["complaints"], Level.PRACTISING)

    gaps = queries.profile_for(lena).gaps

    assert [(g.skill.key, g.gap) for g in gaps] == [("till", 3), ("stock", 1)]


def test_profile_holds_role_claimed_and_evidenced_skills(
    lena: Person, profile_role: dict[str, Skill], make_skill: Callable[..., Skill]
) -> None:
    claimed = make_skill("baking", "Bakken")
    shown = make_skill("first-aid", "EHBO")
    services.set_claim(lena, claimed, self_level=None, willing_to_share=True)
    _evidence(lena, shown, Level.AWARE)
    make_skill("unrelated")

    profile = queries.profile_for(lena)

    assert {line.skill.key for line in profile.role_lines} == {"till", "complaints", "stock"}
    assert {line.skill.key for line in profile.other_lines} == {"baking", "first-aid"}
    assert all(line.gap == 0 for line in profile.other_lines)


def test_no_role_means_no_gaps(
    make_person: Callable[..., Person], make_skill: Callable[..., Skill]
) -> None:
    person = make_person("Noor")
    services.set_claim(person, make_skill("x"), self_level=1, willing_to_share=False)

    assert queries.profile_for(person).gaps == []
    assert not queries.role_has_profile(person)


def test_paths_that_close_the_gap_teach_at_least_the_level(
    lena: Person,
    profile_role: dict[str, Skill],
    make_path: Callable[..., Any],
    make_item: Callable[..., Any],
) -> None:
    till = profile_role["till"]
    make_path("kassa-basis", (till, Level.PRACTISING))  # below the level needed
    good = make_path("kassa-pro", (till, Level.SKILLED))
    make_path("kassa-draft", (till, Level.EXPERT), status="draft", current=False)
    archived = make_path("kassa-oud", (till, Level.EXPERT))
    archived.is_archived = True
    archived.save()
    item = make_item("Kassa in 5 minuten", till)
    make_item("Nog niet klaar", till, status="draft")

    rows = {row.line.skill.key: row for row in queries.gap_plan(lena)}

    assert [offer.path.key for offer in rows["till"].paths] == [good.key]
    assert rows["till"].items == [item]
    assert rows["stock"].paths == []


def test_a_retired_version_does_not_count(
    lena: Person, profile_role: dict[str, Skill], make_path: Callable[..., Any]
) -> None:
    from leerpad.paths.models import PathSkill, PathVersion

    path = make_path("kassa", (profile_role["till"], Level.EXPERT))
    newer = PathVersion.objects.create(path=path, number=2, status="published", titles={"nl": "K"})
    PathSkill.objects.create(version=newer, skill=profile_role["stock"], level=Level.EXPERT)
    path.current = newer
    path.save()

    found = queries.teaching_paths({profile_role["till"].pk: 1, profile_role["stock"].pk: 1})

    assert profile_role["till"].pk not in found
    assert [o.path.key for o in found[profile_role["stock"].pk]] == ["kassa"]


def test_role_skill_lines_are_unique_and_editable(
    lena: Person, profile_role: dict[str, Skill]
) -> None:
    assert lena.job_role is not None
    services.set_role_skill(
        lena.job_role, profile_role["till"], level=Level.EXPERT, essential=False
    )

    line = RoleSkill.objects.get(job_role=lena.job_role, skill=profile_role["till"])
    assert (line.level, line.essential) == (Level.EXPERT, False)
    assert RoleSkill.objects.filter(job_role=lena.job_role).count() == 3
    assert JobRole.objects.count() == 1


def test_catalogue_upsert_keeps_search_text_current(db: None) -> None:
    from leerpad.catalog.schemas import SkillIn
    from leerpad.catalog.services import upsert_skills

    upsert_skills([SkillIn(key="veiligheid", names={"nl": "Veiligheid"})])
    upsert_skills([SkillIn(key="veiligheid", names={"nl": "Veilig werken", "fr": "Sécurité"})])

    assert [s.key for s in queries.search_skills("securite")] == ["veiligheid"]
    assert list(queries.search_skills("veiligheid ")) == [Skill.objects.get()]
