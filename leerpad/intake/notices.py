"""Notices about requests: an in-app notification and an e-mail, each written in the
recipient's own language (whoever caused it). The reasons the team typed are shown as
written: they are not translated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from leerpad.accounts.models import Person
from leerpad.campaigns import services as campaign_services
from leerpad.core.access import Role
from leerpad.core.links import absolute_url
from leerpad.intake.models import Event, Request

# Off while the demo loads: its people should find notices in Leerpad, not in a mailbox.
_EMAIL_ON: ContextVar[bool] = ContextVar("intake_email_on", default=True)


@contextmanager
def without_email() -> Iterator[None]:
    token = _EMAIL_ON.set(False)
    try:
        yield
    finally:
        _EMAIL_ON.reset(token)


def _texts(request: Request, event: Event) -> tuple[str, str]:
    """Title and text of the notice; call with the recipient's language active."""
    title = request.title
    if event.kind == Event.Kind.ACCEPTED:
        project = getattr(request, "project", None)
        quarter = project.quarter if project else ""
        return (
            _("Your request “%(title)s” was accepted") % {"title": title},
            _("It becomes a project of the LD&M team, planned for %(quarter)s.")
            % {"quarter": quarter},
        )
    if event.kind == Event.Kind.PARKED:
        when = formats.date_format(request.revisit_on, "DATE_FORMAT") if request.revisit_on else ""
        return (
            _("Your request “%(title)s” was parked") % {"title": title},
            _("Reason: %(reason)s\nWe will look at it again on %(date)s.")
            % {"reason": event.note, "date": when},
        )
    if event.kind == Event.Kind.DECLINED:
        return (
            _("Your request “%(title)s” was declined") % {"title": title},
            _("Reason: %(reason)s") % {"reason": event.note},
        )
    if event.kind == Event.Kind.REVISIT:
        return (
            _("Your request “%(title)s” is back for review") % {"title": title},
            _("It was parked until today; the LD&M team looks at it again."),
        )
    if event.kind == Event.Kind.REOPENED:
        return (
            _("The decision on your request “%(title)s” was reopened") % {"title": title},
            _("The LD&M team looks at it again; you will hear the new decision."),
        )
    return (
        _("Your request “%(title)s” is done") % {"title": title},
        _("The project that came from it is finished."),
    )


def notify(person: Person, request: Request, event: Event, *, email: bool = True) -> None:
    """A notification now, and an e-mail once the decision is committed."""
    link = reverse("intake:request", args=[request.pk])
    with translation.override(person.language or settings.LANGUAGE_CODE):
        title, body = _texts(request, event)
        link_text = _("See the request")
    campaign_services.notify(person, title=title, body=body, link=link, link_text=link_text)
    if email and person.email and _EMAIL_ON.get():
        text = f"{body}\n\n{absolute_url(link)}\n"
        message = EmailMultiAlternatives(title, text, None, [person.email])
        transaction.on_commit(lambda: message.send())


def tell_requester(request: Request, event: Event) -> None:
    if request.requester is not None and request.requester.is_active:
        notify(request.requester, request, event)


def tell_managers(request: Request, event: Event) -> None:
    """The LD&M managers hear that a parked request came back (in-app only)."""
    managers = Person.objects.filter(groups__name=Role.LDM_MANAGER.value, is_active=True)
    for manager in managers.distinct():
        with translation.override(manager.language or settings.LANGUAGE_CODE):
            title = _("Parked request back for review: “%(title)s”") % {"title": request.title}
            body = _("Its revisit date has come. Score it again, plan it or decide.")
            link_text = _("Open the request")
        campaign_services.notify(
            manager,
            title=title,
            body=body,
            link=reverse("intake:request", args=[request.pk]),
            link_text=link_text,
        )
