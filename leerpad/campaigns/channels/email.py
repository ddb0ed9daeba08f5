"""E-mail through Django's mail API: plain text and a simple HTML part, a one-click
List-Unsubscribe (RFC 8058), and no tracking pixel (opens are not measured; clicks are,
through the tracked link the reader chooses to follow)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.text import Truncator

from leerpad.campaigns.models import Delivery
from leerpad.campaigns.personalise import Rendered


def build(delivery: Delivery, rendered: Rendered) -> EmailMultiAlternatives:
    context = {"m": rendered}
    text = render_to_string("campaigns/email/message.txt", context)
    html = render_to_string("campaigns/email/message.html", context)
    subject = rendered.subject or Truncator(rendered.hook).chars(80) or "Leerpad"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.person.email],
        headers={
            "List-Unsubscribe": f"<{rendered.unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same id on every attempt: a mail server or reader that keeps ids may
            # recognise a repeat (the outbox itself does not repeat e-mail, see channels).
            "Message-ID": f"<delivery-{delivery.pk}.{delivery.attempt_id}@leerpad>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send(delivery: Delivery, rendered: Rendered) -> None:
    build(delivery, rendered).send(fail_silently=False)
