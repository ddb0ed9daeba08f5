"""Fixtures of the skills tests: the ESCO sample, skills, role profiles."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leerpad.accounts.models import JobRole
from leerpad.skills.models import Skill

ESCO_SAMPLE = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "esco"
SKILL = "http://data.europa.eu/esco/skill/"
OCCUPATION = "http://data.europa.eu/esco/occupation/"


def sample_uuid(name: str) -> str:
    """The invented UUIDs of the sample (see tests/fixtures/esco/README.md)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"leerpad-sample-{name}"))


def skill_uri(name: str) -> str:
    return SKILL + sample_uuid(name)


def occupation_uri(name: str) -> str:
    return OCCUPATION + sample_uuid(name)


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    """A copy of the sample, so a test may change or add files."""
    target = tmp_path / "esco"
    shutil.copytree(ESCO_SAMPLE, target)
    (target / "README.md").unlink()
    return target


@pytest.fixture
def make_skill(db: None) -> Callable[..., Skill]:
    def make(key: str, name: str = "", **fields: Any) -> Skill:
        fields.setdefault("names", {"en": name or key, "nl": name or key})
        return Skill.objects.create(key=key, **fields)

    return make


@pytest.fixture
def sales_role(db: None) -> JobRole:
    return JobRole.objects.get_or_create(name="Sales associate")[0]


@pytest.fixture
def make_item(db: None) -> Callable[..., Any]:
    """A published catalogue item teaching some skills."""
    from django.utils import timezone

    from leerpad.catalog.models import ContentItem, ItemTranslation

    def make(title: str, *skills: Skill, status: str = "published") -> Any:
        item = ContentItem.objects.create(
            kind="link", status=status, url="https://example.org/", published_at=timezone.now()
        )
        ItemTranslation.objects.create(item=item, language="nl", title=title)
        item.skills.set(skills)
        return item

    return make


@pytest.fixture
def make_path(db: None) -> Callable[..., Any]:
    """A learning path whose version teaches skills at levels: make("key", (skill, 3))."""
    from leerpad.paths.models import Path, PathSkill, PathVersion

    def make(
        key: str, *teaches: tuple[Skill, int], status: str = "published", current: bool = True
    ) -> Any:
        path = Path.objects.create(key=key)
        version = PathVersion.objects.create(
            path=path, number=1, status=status, titles={"nl": key.title(), "en": key.title()}
        )
        for skill, level in teaches:
            PathSkill.objects.create(version=version, skill=skill, level=level)
        if current:
            path.current = version
            path.save(update_fields=["current"])
        return path

    return make
