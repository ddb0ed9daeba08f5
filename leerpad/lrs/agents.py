"""How Leerpad's people appear in xAPI statements, and back.

One rule: a person is the Agent

    {"objectType": "Agent", "name": <full name>,
     "account": {"homePage": SITE_URL, "name": "<person's primary key>"}}

Why an account and not the e-mail address (mbox): an account on Leerpad is stable for
the life of the person's record, while e-mail addresses change (a marriage, a new
domain after a merger), and an Agent's identifier must never change or the person's
history splits in two (xAPI Data 2.4.2.3: an Inverse Functional Identifier identifies
one agent for ever). It also keeps the address out of every statement, analytics
export and outside tool that reads the LRS. The primary key is not a secret: it means
nothing outside Leerpad.

The e-mail address is the identifier only when an outside tool already knows the person
by it (an e-learning package host that sends ``mbox``); `person_for_agent` therefore
resolves both forms, so such statements still reach the right person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from leerpad.accounts.models import Person


def agent_for_person(person: Person) -> dict[str, Any]:
    """The xAPI Agent for ``person`` (see the module docstring)."""
    return {
        "objectType": "Agent",
        "name": person.get_full_name() or str(person),
        "account": {"homePage": settings.SITE_URL, "name": str(person.pk)},
    }


def _reference(agent: dict[str, Any]) -> tuple[str, int | str] | None:
    """How an agent names a Leerpad person: ("pk", primary key) for an account on this
    Leerpad, ("email", lower-cased address) for an mbox; None for anything else."""
    account = agent.get("account")
    if isinstance(account, dict):
        name = account.get("name")
        here = account.get("homePage") == settings.SITE_URL
        if here and isinstance(name, str) and name.isdigit():
            return "pk", int(name)
        return None
    mbox = agent.get("mbox")
    if isinstance(mbox, str) and mbox.lower().startswith("mailto:"):
        return "email", mbox[len("mailto:") :].lower()
    return None


def person_for_agent(agent: dict[str, Any]) -> Person | None:
    """The person an Agent stands for, or None.

    An account on this Leerpad (homePage = SITE_URL) names the person by primary key;
    an mbox ("mailto:...") by e-mail address, case-insensitively. Other identifiers
    (mbox_sha1sum, openid, accounts elsewhere) resolve to no one.
    """
    from leerpad.accounts.models import Person

    reference = _reference(agent)
    if reference is None:
        return None
    kind, value = reference
    if kind == "pk":
        return Person.objects.filter(pk=value).first()
    return Person.objects.filter(email__iexact=value).first()


def person_ids_for_agents(agents: Sequence[dict[str, Any]]) -> list[int | None]:
    """`person_for_agent` for many agents at once, as person ids (None: no one): at most
    two queries whatever the number of agents, for code that reads statement batches."""
    from django.db.models.functions import Lower

    from leerpad.accounts.models import Person

    references = [_reference(agent) for agent in agents]
    pks = {ref[1] for ref in references if ref and ref[0] == "pk"}
    emails = {ref[1] for ref in references if ref and ref[0] == "email"}
    known: dict[tuple[str, int | str], int] = {}
    if pks:
        known.update(
            {
                ("pk", pk): pk
                for pk in Person.objects.filter(pk__in=pks).values_list("pk", flat=True)
            }
        )
    if emails:
        rows = (
            Person.objects.annotate(address=Lower("email"))
            .filter(address__in=emails)
            .values_list("address", "pk")
        )
        known.update({("email", address): pk for address, pk in rows})
    return [known.get(ref) if ref else None for ref in references]
