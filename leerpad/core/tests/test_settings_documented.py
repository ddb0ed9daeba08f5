"""Every environment variable Leerpad reads is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(r"""(?:env\.\w+|environ\.get|getenv)\(\s*["']((?:LEERPAD_|DATABASE_)\w+)["']""")


def test_every_setting_is_in_env_example() -> None:
    documented = (ROOT / ".env.example").read_text()
    read: set[str] = set()
    for path in (ROOT / "leerpad").rglob("*.py"):
        read |= set(READ.findall(path.read_text()))
    assert read, "the pattern found no settings at all"
    missing = sorted(name for name in read if f"{name}=" not in documented)
    assert missing == []
