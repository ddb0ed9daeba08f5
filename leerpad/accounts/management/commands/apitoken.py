"""`leerpad apitoken create EMAIL NAME` / `revoke EMAIL NAME` / `list EMAIL`: personal API tokens.

`create` prints the new token once (on stdout alone, so scripts can capture it); only
its hash is stored. `revoke` revokes every active token of that person with that name.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from leerpad.accounts import services
from leerpad.accounts.models import ApiToken, Person


class Command(BaseCommand):
    help = "Create, revoke or list a person's personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Make a token and print it (once).")
        create.add_argument("email")
        create.add_argument("name", help="What the token is for.")
        revoke = actions.add_parser("revoke", help="Revoke the person's tokens with this name.")
        revoke.add_argument("email")
        revoke.add_argument("name")
        listing = actions.add_parser("list", help="List the person's tokens.")
        listing.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(email__iexact=options["email"]).first()
        if person is None:
            raise CommandError(
                _("No one has the e-mail address %(email)s.") % {"email": options["email"]}
            )
        action = options["action"]
        if action == "create":
            if not person.is_active:
                raise CommandError(_("%(person)s is not active.") % {"person": person})
            try:
                _token, plain = services.create_api_token(person, options["name"])
            except services.ApiTokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(plain)
            self.stderr.write(_("Keep this token safe: it is not shown again."))
        elif action == "revoke":
            tokens = ApiToken.objects.filter(
                person=person, name=options["name"].strip(), revoked_at__isnull=True
            )
            revoked = sum(services.revoke_api_token(token) for token in tokens)
            if not revoked:
                raise CommandError(
                    _("%(person)s has no active token named “%(name)s”.")
                    % {"person": person, "name": options["name"]}
                )
            self.stdout.write(_("Revoked %(count)s token(s).") % {"count": revoked})
        else:
            for token in ApiToken.objects.filter(person=person):
                state = (
                    _("active")
                    if token.is_active
                    else _("revoked %(when)s") % {"when": f"{token.revoked_at:%Y-%m-%d}"}
                )
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "—"
                self.stdout.write(
                    f"{token.prefix}…  {token.name}  "
                    f"{token.created_at:%Y-%m-%d}  {_('last used')}: {used}  {state}"
                )
