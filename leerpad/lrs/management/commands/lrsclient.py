"""`leerpad lrsclient`: the credentials outside tools use to talk to the xAPI LRS.

    leerpad lrsclient create NAME [--scopes all] [--key K --secret S]
    leerpad lrsclient list
    leerpad lrsclient revoke KEY
    leerpad lrsclient reactivate KEY

The secret is printed once, at creation; only its hash is kept. The rules live in
`leerpad.lrs.services_clients`, shared with the records pages (/records/clients/).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from leerpad.lrs import queries, services_clients
from leerpad.lrs.models import Client, Scope


class Command(BaseCommand):
    help = (
        "Create, list, revoke and reactivate the LRS clients "
        "(HTTP Basic key and secret, xAPI scopes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client and print its key and secret.")
        create.add_argument("name", help="What the client is, e.g. the tool's name.")
        create.add_argument(
            "--scopes",
            default=",".join(services_clients.DEFAULT_SCOPES),
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
        reactivate = sub.add_parser("reactivate", help="Make a revoked client's key work again.")
        reactivate.add_argument("key")

    @no_translations  # the command speaks English, like the rest of the CLI
    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "create":
                self._create(options)
            elif action == "list":
                self._list()
            elif action == "revoke":
                services_clients.revoke_client(options["key"])
                self.stdout.write(self.style.SUCCESS(f"LRS client {options['key']!r} revoked."))
            else:
                services_clients.reactivate_client(options["key"])
                self.stdout.write(self.style.SUCCESS(f"LRS client {options['key']!r} reactivated."))
        except services_clients.ClientError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        created = services_clients.create_client(
            options["name"],
            str(options["scopes"]).split(","),
            key=options["key"],
            secret=options["secret"],
        )
        self.stdout.write(self.style.SUCCESS(f"LRS client {created.client.name!r} created."))
        self.stdout.write(f"key:    {created.client.key}")
        self.stdout.write(f"secret: {created.secret}")
        self.stdout.write("Keep the secret now: it is not stored and cannot be shown again.")

    def _list(self) -> None:
        clients = Client.objects.order_by("name", "key")
        if not clients:
            self.stdout.write("No LRS clients.")
            return
        sent = queries.statements_per_client()
        for client in clients:
            state = "active" if client.is_active else "revoked"
            used = client.last_used_at.isoformat() if client.last_used_at else "never"
            self.stdout.write(
                f"{client.key}\t{client.name}\t{','.join(client.scopes)}\t{state}"
                f"\tlast used {used}\t{sent.get(client.pk, 0)} statements"
            )
