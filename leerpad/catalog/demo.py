"""Demo catalogue: the content in demo_content/*.json, loaded through the bulk import.

Demo videos and podcasts point to pages on a made-up host, not to media files: their item
pages link out instead of embedding a player that would fetch from a host that does not
exist. Their transcripts are real, so search finds the moments in them.
"""

from __future__ import annotations

from pathlib import Path

from leerpad.catalog import importing, services
from leerpad.core.demo import DemoContext

CONTENT = Path(__file__).parent / "demo_content"


def load(ctx: DemoContext) -> None:
    files = sorted(CONTENT.glob("*.json"))
    # Skills first: the item files refer to them by key.
    files.sort(key=lambda p: p.name != "skills.json")
    created: list[int] = []
    for path in files:
        plan = importing.preview(path.read_bytes(), path.name)
        if not plan.is_valid:
            problems = plan.errors + [
                f"{r.external_id}: {e}" for r in plan.error_rows() for e in r.errors
            ]
            raise ValueError(f"Demo content {path.name} does not import: {problems[:5]}")
        services.upsert_skills(plan.skills)
        refs = services.References.load()
        for row in plan.rows:
            if row.spec is not None and row.action == "create":
                item, _changed = services.apply_item(
                    None, row.spec, by=None, refs=refs, note="Demo", notify=False
                )
                created.append(item.pk)
    # One indexing task for the whole catalogue, once the demo is committed.
    services.notify_changed(created)
    ctx.notes.append(f"Demo catalogue: {len(created)} items.")
