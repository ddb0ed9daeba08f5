"""Demo learning paths, job role profiles and twelve months of learner history.

- Role profiles (`skills/demo_content/role_profiles.json`): the skills and levels every
  demo job role needs. They load here and not in the skills app because the skills
  themselves come with the catalogue, which loads after skills.
- Paths (`demo_content/paths.json`): fourteen published paths built from the demo
  catalogue and quizzes, two of them with a retired first version. A step's uid comes
  from its reference in the file, so the same step keeps its uid across versions.
- History (`demo_history/`): what the demo organisation did in the last twelve months,
  written through the LRS.

`settings.LEERPAD_DEMO_HISTORY_SCALE` (default 1.0) scales the history; tests use a
small value to stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path as FilePath
from typing import Any

from django.conf import settings
from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.catalog.models import ContentItem, Kind
from leerpad.core.demo import DemoContext
from leerpad.paths.demo_history import load_history
from leerpad.paths.models import Path, PathSkill, PathVersion, Step
from leerpad.quizzes.models import Quiz
from leerpad.skills.models import RoleSkill, Skill

PATHS = FilePath(__file__).parent / "demo_content" / "paths.json"
ROLE_PROFILES = FilePath(__file__).parents[1] / "skills" / "demo_content" / "role_profiles.json"
# Step uids: uuid5 in this namespace of "<path key>:<step ref>".
NAMESPACE = uuid.UUID("0b6f3c52-8e1d-4a4f-b7a2-91c55d1e6a07")


def step_uid(path_key: str, ref: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{path_key}:{ref}")


def load(ctx: DemoContext) -> None:
    load_role_profiles(ctx)
    load_paths(ctx)
    scale = float(getattr(settings, "LEERPAD_DEMO_HISTORY_SCALE", 1.0))
    if scale > 0:
        load_history(ctx, scale=scale)


def load_role_profiles(ctx: DemoContext) -> None:
    content: dict[str, Any] = json.loads(ROLE_PROFILES.read_text(encoding="utf-8"))
    for spec in content.get("skills", []):
        # Skills the catalogue does not teach but head-office roles need.
        Skill.objects.get_or_create(
            key=spec["key"],
            defaults={"names": spec["names"], "descriptions": spec.get("descriptions", {})},
        )
    skills = {s.key: s for s in Skill.objects.all()}
    lines = 0
    for profile in content["roles"]:
        role, _ = JobRole.objects.get_or_create(name=profile["job_role"])
        for line in profile["skills"]:
            RoleSkill.objects.update_or_create(
                job_role=role,
                skill=skills[line["skill"]],
                defaults={"level": line["level"], "essential": line["essential"]},
            )
            lines += 1
    ctx.notes.append(f"Demo role profiles: {len(content['roles'])} job roles, {lines} skill lines.")


def load_paths(ctx: DemoContext) -> None:
    content: dict[str, Any] = json.loads(PATHS.read_text(encoding="utf-8"))
    specs: list[dict[str, Any]] = content["paths"]
    if Path.objects.filter(key__in=[s["key"] for s in specs]).exists():
        # `leerpad demo` is meant for an empty database; a second run keeps what is there.
        ctx.notes.append("Demo paths: already present, kept.")
        return
    now = timezone.now()
    items = {i.external_id: i for i in ContentItem.objects.exclude(external_id="")}
    quizzes = {q.key: q for q in Quiz.objects.all()}
    skills = {s.key: s for s in Skill.objects.all()}
    roles = {r.name: r for r in JobRole.objects.all()}
    locations = {loc.name: loc for loc in Location.objects.all()}
    owners = {p.email: p for p in Person.objects.filter(team__name="LD&M")}
    versions = 0
    for spec in specs:
        owner = owners.get(spec["owner"])
        first_days = max(v["published_days_ago"] for v in spec["versions"])
        path = Path.objects.create(
            key=spec["key"], owner=owner, created_at=now - dt.timedelta(days=first_days + 14)
        )
        for vspec in sorted(spec["versions"], key=lambda v: v["number"]):
            published = now - dt.timedelta(days=vspec["published_days_ago"])
            version = PathVersion.objects.create(
                path=path,
                number=vspec["number"],
                status=vspec["status"],
                titles=vspec.get("titles", spec["titles"]),
                summaries=vspec.get("summaries", spec["summaries"]),
                min_optional=vspec.get("min_optional", 0),
                change_note=vspec.get("change_note", ""),
                created_by=owner,
                created_at=published - dt.timedelta(days=10),
                published_at=published,
            )
            version.audience_roles.set(
                roles.get(name) or JobRole.objects.create(name=name)
                for name in spec["audience_roles"]
            )
            version.audience_locations.set(locations[name] for name in spec["audience_locations"])
            PathSkill.objects.bulk_create(
                PathSkill(version=version, skill=skills[s["skill"]], level=s["level"])
                for s in spec["skills"]
            )
            _create_steps(version, spec["key"], vspec["steps"], items, quizzes)
            if vspec["status"] == PathVersion.Status.PUBLISHED:
                path.current = version
                path.save(update_fields=["current"])
            versions += 1
    ctx.notes.append(f"Demo paths: {len(specs)} published paths, {versions} versions.")


def _create_steps(
    version: PathVersion,
    path_key: str,
    specs: list[dict[str, Any]],
    items: dict[str, ContentItem],
    quizzes: dict[str, Quiz],
) -> None:
    by_ref: dict[str, Step] = {}
    for position, spec in enumerate(specs):
        step = Step(
            version=version,
            uid=step_uid(path_key, spec["ref"]),
            position=position,
            titles=spec.get("titles", {}),
            instructions=spec.get("instructions", {}),
            optional=bool(spec.get("optional", False)),
            branch=spec.get("branch"),
            minutes=spec.get("minutes"),
        )
        if "item" in spec:
            item = items[spec["item"]]
            step.item = item
            step.kind = Step.Kind.SESSION if item.kind == Kind.SESSION else Step.Kind.ITEM
        elif "quiz" in spec:
            step.quiz = quizzes[spec["quiz"]]
            step.kind = Step.Kind.QUIZ
        else:
            step.kind = Step.Kind.ASSIGNMENT
        step.save()
        by_ref[spec["ref"]] = step
    for spec in specs:
        needs = spec.get("needs") or []
        if needs:
            by_ref[spec["ref"]].prerequisites.set(by_ref[ref] for ref in needs)
