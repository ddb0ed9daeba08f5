"""`leerpad lrsclient`: the credentials outside tools use to talk to the xAPI LRS.

    leerpad lrsclient create NAME [--scopes all] [--key K --secret S]
    leerpad lrsclient list
    leerpad lrsclient revoke KEY

The secret is printed once, at creation; only its hash is kept.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client, Scope


class Command(BaseCommand):
    help = "Create, list and revoke the LRS clients (HTTP Basic key and secret, xAPI scopes)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client and print its key and secret.")
        create.add_argument("name", help="What the client is, e.g. the tool's name.")
        create.add_argument(
            "--scopes",
            default=Scope.STATEMENTS_WRITE.value,
            help=(
                "Comma-separated xAPI scopes (default: statements/write). One of: "
                + ", ".join(Scope.values)
            ),
        )
        create.add_argument("--key", help="The key to use (default: a random one).")
        create.add_argument(
            "--secret", help="The secret to use (default: 256 random bits, printed once)."
        )
        sub.add_parser("list", help="List the clients (never their secrets).")
        revoke = sub.add_parser("revoke", help="Deactivate a client: its key stops working.")
        revoke.add_argument("key")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list()
        else:
            self._revoke(options["key"])

    def _create(self, options: dict[str, Any]) -> None:
        scopes = [s.strip() for s in str(options["scopes"]).split(",") if s.strip()]
        unknown = sorted(set(scopes) - set(Scope.values))
        if unknown or not scopes:
            raise CommandError(
                f"Unknown scope(s): {', '.join(unknown) or '(none given)'}. "
                f"Choose from: {', '.join(Scope.values)}."
            )
        key = options["key"] or secrets.token_urlsafe(18)
        if ":" in key:
            raise CommandError("A key cannot contain ':' (HTTP Basic separates key and secret).")
        if Client.objects.filter(key=key).exists():
            raise CommandError(f"A client with key {key!r} exists already.")
        secret = options["secret"] or secrets.token_urlsafe(32)
        client = Client.objects.create(
            name=options["name"], key=key, secret_hash=hash_secret(secret), scopes=scopes
        )
        self.stdout.write(self.style.SUCCESS(f"LRS client {client.name!r} created."))
        self.stdout.write(f"key:    {key}")
        self.stdout.write(f"secret: {secret}")
        self.stdout.write("Keep the secret now: it is not stored and cannot be shown again.")

    def _list(self) -> None:
        clients = Client.objects.order_by("name", "key")
        if not clients:
            self.stdout.write("No LRS clients.")
            return
        for client in clients:
            state = "active" if client.is_active else "revoked"
            used = client.last_used_at.isoformat() if client.last_used_at else "never"
            self.stdout.write(
                f"{client.key}\t{client.name}\t{','.join(client.scopes)}\t{state}\tlast used {used}"
            )

    def _revoke(self, key: str) -> None:
        updated = Client.objects.filter(key=key, is_active=True).update(is_active=False)
        if not updated:
            raise CommandError(f"No active LRS client with key {key!r}.")
        self.stdout.write(self.style.SUCCESS(f"LRS client {key!r} revoked."))
