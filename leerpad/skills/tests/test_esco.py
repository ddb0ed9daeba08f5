"""ESCO import on the sample in tests/fixtures/esco: labels, broader, occupations, bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from leerpad.accounts.models import JobRole
from leerpad.skills import esco
from leerpad.skills.models import EscoImport, RoleSkill, Skill
from leerpad.skills.tests.conftest import occupation_uri, sample_uuid, skill_uri

pytestmark = pytest.mark.django_db

ALL_SKILLS = 12


def _run(folder: Path, **kwargs: Any) -> esco.Summary:
    return esco.run(esco.sources_from_paths([folder]), **kwargs)


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Skill.objects.order_by("pk").values_list(
            "pk", "key", "names", "alt_names", "descriptions", "kind", "broader_id", "uri"
        )
    )


def _rewrite(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


# --- what comes in -----------------------------------------------------------------------------


def test_labels_are_kept_in_every_language(esco_dir: Path) -> None:
    summary = _run(esco_dir, languages=["nl", "fr", "en"])

    assert summary.created == ALL_SKILLS
    assert Skill.objects.count() == ALL_SKILLS
    complaints = Skill.objects.get(uri=skill_uri("complaints"))
    assert complaints.source == Skill.Source.ESCO
    assert complaints.names == {
        "nl": "klachten van klanten behandelen",
        "fr": "traiter les réclamations des clients",
        "en": "handle customer complaints",
    }
    assert complaints.descriptions["fr"].startswith("Écouter la réclamation")
    assert complaints.name("nl") == "klachten van klanten behandelen"


def test_alternative_labels_are_split_per_line(esco_dir: Path) -> None:
    _run(esco_dir)

    complaints = Skill.objects.get(uri=skill_uri("complaints"))
    assert complaints.alt_names["nl"] == ["klachten afhandelen", "omgaan met klachten"]
    assert complaints.alt_names["en"] == [
        "deal with customer complaints",
        "resolve complaints from customers",
    ]
    communicate = Skill.objects.get(uri=skill_uri("communicate"))
    assert communicate.alt_names["nl"] == ["klantcommunicatie"]


def test_key_comes_from_the_uuid_and_kind_from_the_skill_type(esco_dir: Path) -> None:
    _run(esco_dir)

    complaints = Skill.objects.get(uri=skill_uri("complaints"))
    assert complaints.key == "esco-" + sample_uuid("complaints").replace("-", "")[:8]
    assert Skill.objects.get(uri=skill_uri("products")).kind == Skill.Kind.KNOWLEDGE
    assert Skill.objects.get(uri=skill_uri("foodsafety")).kind == Skill.Kind.KNOWLEDGE
    assert complaints.kind == Skill.Kind.SKILL
    assert Skill.objects.filter(kind=Skill.Kind.KNOWLEDGE).count() == 2


def test_a_taken_key_gets_a_longer_one(esco_dir: Path) -> None:
    short = "esco-" + sample_uuid("complaints").replace("-", "")[:8]
    Skill.objects.create(key=short, names={"en": "Someone else's skill"})

    _run(esco_dir)

    complaints = Skill.objects.get(uri=skill_uri("complaints"))
    assert complaints.key == "esco-" + sample_uuid("complaints").replace("-", "")[:12]
    assert Skill.objects.get(key=short).uri == ""


def test_broader_relations_between_skills_only(esco_dir: Path) -> None:
    summary = _run(esco_dir)

    def broader(name: str) -> str | None:
        skill = Skill.objects.select_related("broader").get(uri=skill_uri(name))
        return skill.broader.uri if skill.broader else None

    assert broader("complaints") == skill_uri("communicate")
    assert broader("till") == skill_uri("payments")
    assert broader("feedback") == skill_uri("coaching")
    # Relations to skill groups and to skills not imported are left out.
    assert broader("products") is None
    assert broader("displays") is None
    assert summary.broader_set == 3
    assert "skillsHierarchy_en.csv" in summary.ignored


def test_search_finds_any_language_and_other_names_without_accents(esco_dir: Path) -> None:
    from leerpad.skills.queries import search_skills

    _run(esco_dir)

    def found(q: str) -> set[str]:
        return {s.uri for s in search_skills(q)}

    assert skill_uri("complaints") in found("reclamations")  # French, accent left out
    assert skill_uri("complaints") in found("omgaan met klachten")  # Dutch other name
    assert found("KASSA") == {skill_uri("till")}
    assert found("no such words here") == set()


# --- importing again -----------------------------------------------------------------------------


def test_importing_again_changes_nothing(esco_dir: Path) -> None:
    _run(esco_dir)
    before = _snapshot()

    summary = _run(esco_dir)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, ALL_SKILLS)
    assert summary.broader_set == 0
    assert _snapshot() == before


def test_importing_a_changed_label_updates_that_skill_only(esco_dir: Path) -> None:
    _run(esco_dir)
    _rewrite(esco_dir / "skills_en.csv", "operate a cash register", "run the checkout")

    summary = _run(esco_dir)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, ALL_SKILLS - 1)
    till = Skill.objects.get(uri=skill_uri("till"))
    assert till.names["en"] == "run the checkout"
    assert till.names["nl"] == "een kassa bedienen"


def test_one_language_later_keeps_the_others(esco_dir: Path) -> None:
    _run(esco_dir, languages=["nl"])
    assert set(Skill.objects.get(uri=skill_uri("stock")).names) == {"nl"}

    summary = esco.run(esco.sources_from_paths([esco_dir / "skills_fr.csv"]))

    assert summary.updated == ALL_SKILLS
    assert Skill.objects.get(uri=skill_uri("stock")).names == {
        "nl": "voorraad beheren",
        "fr": "gérer les stocks",
    }


def test_a_local_skill_linked_to_esco_keeps_its_own_names(esco_dir: Path) -> None:
    local = Skill.objects.create(
        key="klachten", names={"nl": "Klachten oplossen"}, uri=skill_uri("complaints")
    )

    _run(esco_dir)

    local.refresh_from_db()
    assert local.key == "klachten"
    assert local.source == Skill.Source.LOCAL
    assert local.names["nl"] == "Klachten oplossen"
    assert local.names["en"] == "handle customer complaints"
    assert Skill.objects.count() == ALL_SKILLS


def test_dry_run_changes_nothing_but_counts(esco_dir: Path) -> None:
    summary = _run(esco_dir, dry_run=True)

    assert summary.created == ALL_SKILLS
    assert summary.broader_set == 3
    assert Skill.objects.count() == 0


# --- bad files change nothing --------------------------------------------------------------------


def _missing_column(folder: Path) -> list[Path]:
    path = folder / "skills_fr.csv"
    _rewrite(path, ",description\n", ",summary\n")
    return [folder]


def _not_utf8(folder: Path) -> list[Path]:
    path = folder / "skills_fr.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    return [folder]


def _not_a_leerpad_language(folder: Path) -> list[Path]:
    german = folder / "skills_de.csv"
    german.write_bytes((folder / "skills_en.csv").read_bytes())
    return [folder / "skills_nl.csv", german]


def _same_labels_as_english(folder: Path) -> list[Path]:
    (folder / "skills_nl.csv").write_bytes((folder / "skills_en.csv").read_bytes())
    return [folder]


def _no_language_in_name(folder: Path) -> list[Path]:
    plain = folder / "skills.csv"
    (folder / "skills_en.csv").rename(plain)
    return [folder / "skills_nl.csv", plain]


def _not_an_esco_file(folder: Path) -> list[Path]:
    other = folder / "people.csv"
    other.write_text("name\nLena\n", encoding="utf-8")
    return [folder / "skills_nl.csv", other]


def _language_not_asked(folder: Path) -> list[Path]:
    return [folder / "skills_nl.csv", folder / "skills_fr.csv"]


@pytest.mark.parametrize(
    ("spoil", "languages", "message"),
    [
        (_missing_column, None, "lacks the column(s) description"),
        (_not_utf8, None, "is not UTF-8"),
        (_not_a_leerpad_language, None, "“de”"),
        (_same_labels_as_english, None, "have the same names for 100%"),
        (_no_language_in_name, None, "has no language in its name"),
        (_not_an_esco_file, None, "is not a file of the ESCO download"),
        (_language_not_asked, ["nl"], "not among the languages to import"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    esco_dir: Path, tmp_path: Path, spoil: Any, languages: list[str] | None, message: str
) -> None:
    # A first import of good files, in a folder of its own, so there is something to keep.
    good = tmp_path / "good"
    good.mkdir()
    (good / "skills_en.csv").write_bytes((esco_dir / "skills_en.csv").read_bytes())
    _run(good)
    Skill.objects.create(key="local-skill", names={"nl": "Lokaal"})
    before = _snapshot()

    with pytest.raises(esco.EscoError) as refused:
        esco.run(esco.sources_from_paths(spoil(esco_dir)), languages=languages)

    assert message in str(refused.value)
    assert _snapshot() == before


def test_a_file_failing_midway_rolls_back_the_languages_before_it(esco_dir: Path) -> None:
    # nl is imported first; fr then fails while being read: nl must not stay behind.
    _not_utf8(esco_dir)

    with pytest.raises(esco.EscoError):
        _run(esco_dir)

    assert Skill.objects.count() == 0


def test_a_missing_language_file_is_named(esco_dir: Path) -> None:
    with pytest.raises(esco.EscoError, match=r"skills_fr\.csv"):
        esco.run(esco.sources_from_paths([esco_dir / "skills_nl.csv"]), languages=["nl", "fr"])


def test_rows_without_uri_or_label_are_counted_and_skipped(esco_dir: Path) -> None:
    path = esco_dir / "skills_en.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(
            "KnowledgeSkillCompetence,,skill/competence,cross-sector,no uri,,,released,,,,,\n"
        )
        handle.write(
            f"KnowledgeSkillCompetence,{skill_uri('extra')},knowledge,cross-sector,,,,released,,,,,\n"
        )
        handle.write(
            f"KnowledgeSkillCompetence,{skill_uri('old')},knowledge,cross-sector,old,,,obsolete,,,,,\n"
        )

    summary = esco.run(esco.sources_from_paths([path]))

    assert summary.created == ALL_SKILLS
    assert summary.errors == 2
    assert summary.skipped == 1
    assert any("no conceptUri" in m for m in summary.messages)
    assert any("no preferredLabel" in m for m in summary.messages)


# --- occupations ---------------------------------------------------------------------------------


def test_an_occupation_fills_a_job_role_profile(esco_dir: Path, sales_role: JobRole) -> None:
    mapping = {occupation_uri("shop-assistant"): "sales ASSOCIATE"}

    summary = _run(esco_dir, occupations=mapping)

    lines = {
        rs.skill.uri: rs.essential
        for rs in RoleSkill.objects.filter(job_role=sales_role).select_related("skill")
    }
    assert lines == {
        skill_uri("complaints"): True,
        skill_uri("communicate"): True,
        skill_uri("till"): True,
        skill_uri("products"): False,
        skill_uri("displays"): False,
    }
    assert summary.role_skills_created == 5
    assert summary.role_skills_skipped == 1  # a skill that is not in the sample
    assert summary.occupations[occupation_uri("shop-assistant")] == (
        "shop assistant → Sales associate"
    )
    # The shop supervisor was not mapped: nothing of it lands anywhere.
    assert RoleSkill.objects.count() == 5


def test_an_occupation_import_keeps_what_ld_changed(esco_dir: Path, sales_role: JobRole) -> None:
    mapping = {occupation_uri("shop-assistant"): "Sales associate"}
    _run(esco_dir, occupations=mapping)
    line = RoleSkill.objects.get(job_role=sales_role, skill__uri=skill_uri("till"))
    line.level = 4
    line.save()

    summary = _run(esco_dir, occupations=mapping)

    assert summary.role_skills_created == 0
    assert summary.role_skills_kept == 5
    line.refresh_from_db()
    assert line.level == 4


def test_without_mapping_occupation_files_are_left_out(esco_dir: Path, sales_role: JobRole) -> None:
    summary = _run(esco_dir)

    assert RoleSkill.objects.count() == 0
    assert "occupationSkillRelations_en.csv" in summary.ignored


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({occupation_uri("shop-assistant"): "Astronaut"}, "no job role named “Astronaut”"),
        ({occupation_uri("unknown-job"): "Sales associate"}, "is not in"),
        ({"shop assistant": "Sales associate"}, "is not an ESCO occupation URI"),
    ],
)
def test_bad_occupation_mappings_change_nothing(
    esco_dir: Path, sales_role: JobRole, mapping: dict[str, str], message: str
) -> None:
    with pytest.raises(esco.EscoError, match=message):
        _run(esco_dir, occupations=mapping)

    assert Skill.objects.count() == 0
    assert RoleSkill.objects.count() == 0


def test_occupation_mapping_needs_the_relations_file(esco_dir: Path, sales_role: JobRole) -> None:
    (esco_dir / "occupationSkillRelations_en.csv").unlink()

    with pytest.raises(esco.EscoError, match="occupationSkillRelations"):
        _run(esco_dir, occupations={occupation_uri("shop-assistant"): "Sales associate"})


def test_mapping_lines_are_parsed_and_checked() -> None:
    assert esco.parse_occupation_mappings([" http://x/o = Sales ", ""]) == {"http://x/o": "Sales"}
    with pytest.raises(esco.EscoError):
        esco.parse_occupation_mappings(["http://x/o"])


# --- sources -------------------------------------------------------------------------------------


def test_the_zip_of_the_download_can_be_read_as_it_is(esco_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "ESCO dataset - v1.2.0 - classification - csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in esco_dir.iterdir():
            zipped.write(file, f"ESCO dataset - v1.2.0/{file.name}")

    summary = esco.run(esco.sources_from_paths([archive]))

    assert summary.created == ALL_SKILLS
    assert summary.broader_set == 3


def test_a_byte_order_mark_is_not_part_of_the_header(esco_dir: Path) -> None:
    path = esco_dir / "skills_en.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    assert esco.run(esco.sources_from_paths([path])).created == ALL_SKILLS


def test_languages_are_checked() -> None:
    assert esco.parse_languages("nl, FR,en,nl") == ["nl", "fr", "en"]
    with pytest.raises(esco.EscoError):
        esco.parse_languages("nl,de")


# --- the command ---------------------------------------------------------------------------------


def test_command_imports_and_records_the_run(esco_dir: Path, sales_role: JobRole) -> None:
    out = io.StringIO()
    call_command(
        "skills",
        "import-esco",
        str(esco_dir),
        "--languages",
        "nl,fr,en",
        "--occupation",
        f"{occupation_uri('shop-assistant')}=Sales associate",
        stdout=out,
        stderr=io.StringIO(),
    )

    record = EscoImport.objects.get()
    assert record.status == EscoImport.Status.APPLIED
    assert record.source == EscoImport.Source.COMMAND
    assert record.summary["created"] == ALL_SKILLS
    assert record.summary["role_skills_created"] == 5
    assert record.languages == ["nl", "fr", "en"]
    assert "12 new" in out.getvalue()


def test_command_dry_run_and_refusal(esco_dir: Path) -> None:
    out = io.StringIO()
    call_command("skills", "import-esco", str(esco_dir), "--dry-run", stdout=out)
    assert Skill.objects.count() == 0
    assert EscoImport.objects.count() == 0

    _missing_column(esco_dir)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("skills", "import-esco", str(esco_dir), stdout=io.StringIO())
    assert Skill.objects.count() == 0
    assert EscoImport.objects.count() == 0
