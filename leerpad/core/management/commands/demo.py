from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leerpad.core.demo import DemoLogin, demo_logins, demo_password, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation (deterministic). Prints one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database already has people.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if get_user_model().objects.exists():
            if not options["if_empty"]:
                raise CommandError(
                    "The database already has people. The demo is meant for an empty "
                    "database; use --if-empty to skip quietly, or start from a fresh one."
                )
            self.stdout.write("The database already has people: demo not loaded again.")
            self._print_logins(demo_logins(), demo_password())
            return
        ctx = load_demo()
        for note in ctx.notes:
            self.stdout.write(note)
        self._print_logins(ctx.logins, ctx.password)

    def _print_logins(self, logins: list[DemoLogin], password: str) -> None:
        if not logins:
            return
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {password})"))
        for login in logins:
            self.stdout.write(f"  {login.role:<16} {login.email:<40} {login.name}")
        self.stdout.write("")
