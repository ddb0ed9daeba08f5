"""The `leerpad` command: Django's management commands under one friendly name.

leerpad serve          production server (gunicorn, several workers)
leerpad demo           load the demo organisation (deterministic)
leerpad createadmin    create an administrator
leerpad backup/restore consistent online backup of the SQLite database
leerpad <any Django management command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leerpad.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["leerpad", *args])


if __name__ == "__main__":
    main()
