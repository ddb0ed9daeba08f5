from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from leerpad.accounts.models import Person
from leerpad.accounts.services import create_admin


class Command(BaseCommand):
    help = "Create a Leerpad administrator (admin role and Django admin access)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="E-mail address to log in with.")
        parser.add_argument("--first-name", default="", help="First name.")
        parser.add_argument("--last-name", default="", help="Last name.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (for scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = not options["password_stdin"]
        email = options["email"] or (input("E-mail address: ") if interactive else "")
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not a valid e-mail address: {email!r}") from exc
        if Person.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already has an account.")
        first_name = options["first_name"] or (input("First name: ") if interactive else "")
        if not first_name.strip():
            raise CommandError("A first name is required (--first-name).")
        if interactive:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        else:
            password = sys.stdin.readline().rstrip("\n")
        try:
            validate_password(password, Person(email=email, first_name=first_name))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        person = create_admin(email, password, first_name.strip(), options["last_name"].strip())
        self.stdout.write(self.style.SUCCESS(f"Administrator {person.email} created."))
