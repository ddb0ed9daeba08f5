"""Every message is translated into nl, fr and en, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "leerpad" / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_catalogue_is_complete(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    entries = [e for e in catalogue if not e.obsolete]
    assert len(entries) > 50, "the catalogue looks empty: run make messages"
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{language}: {len(untranslated)} untranslated"
    assert fuzzy == [], f"{language}: {len(fuzzy)} fuzzy"
    for entry in entries:
        expected = _placeholders(entry.msgid)
        if entry.msgid_plural:
            for text in entry.msgstr_plural.values():
                assert _placeholders(text) <= expected | _placeholders(entry.msgid_plural)
        else:
            assert _placeholders(entry.msgstr) == expected, entry.msgid


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_catalogue_compiles(language: str) -> None:
    """What `compilemessages` checks: each translation's format directives match its
    msgid's (a stray "%" in a translation breaks the install, not only one string)."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:  # pragma: no cover - gettext is a base system package (scripts/)
        pytest.skip("msgfmt (gettext) is not installed")
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    done = subprocess.run(  # noqa: S603 - fixed program and our own file
        [msgfmt, "--check-format", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
