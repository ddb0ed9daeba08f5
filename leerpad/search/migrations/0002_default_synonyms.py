"""Start every install with the default synonym list (nl/fr/en), which L&D can edit."""

import json
from pathlib import Path
from typing import Any

from django.db import migrations

GLOSSARY = Path(__file__).resolve().parent.parent / "glossary" / "default.json"


def load(apps: Any, schema_editor: Any) -> None:
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    if SynonymGroup.objects.exists() or not GLOSSARY.exists():
        return
    groups = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    SynonymGroup.objects.bulk_create(
        SynonymGroup(terms=terms, note="Leerpad default") for terms in groups
    )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("search", "SynonymGroup").objects.filter(note="Leerpad default").delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
